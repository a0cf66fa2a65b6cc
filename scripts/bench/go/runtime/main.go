// Command runtime is the Go side of siteaudit's runtime microbenchmarks: the same programs as
// scripts/bench/runtime_bench.cpp, written in the idioms of the Go article the project grew
// from (WaitGroup fan-out, directional channels, a worker pool whose results channel is closed
// by a goroutine waiting on a WaitGroup). Run with GOMAXPROCS=2 next to the C++ program.
//
//	runtime BENCH [N]
//
// It prints one JSON object: {"bench", "n", "seconds", "ns_per_op"} and, for "parked",
// "peak_rss_bytes", "baseline_rss_bytes" and "bytes_per_fiber".
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// spawn: start n goroutines that do nothing and wait for all of them (the article's fan-out).
func spawn(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
		}()
	}
	wg.Wait()
}

// yieldSwitch: four goroutines each yield n/4 times; a cost per yield.
func yieldSwitch(n int) {
	const goroutines = 4
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/goroutines; i++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
}

func ponger(ping <-chan int, pong chan<- int) {
	for v := range ping {
		pong <- v
	}
	close(pong)
}

// pingPong: n round trips over two unbuffered channels.
func pingPong(n int) {
	ping := make(chan int)
	pong := make(chan int)
	go ponger(ping, pong)
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
}

func producer(n int, output chan<- int) {
	for i := 0; i < n; i++ {
		output <- i
	}
}

// buffered: `pairs` producers send n values in total through one channel of 128 values,
// `pairs` consumers range over it; the channel closes once every producer is done.
func buffered(n, pairs int) {
	ch := make(chan int, 128)
	var producers, consumers sync.WaitGroup
	for p := 0; p < pairs; p++ {
		producers.Add(1)
		go func() {
			defer producers.Done()
			producer(n/pairs, ch)
		}()
	}
	sums := make([]int, pairs)
	for c := 0; c < pairs; c++ {
		consumers.Add(1)
		go func(c int) {
			defer consumers.Done()
			for v := range ch {
				sums[c] += v
			}
		}(c)
	}
	producers.Wait()
	close(ch)
	consumers.Wait()
}

func worker(jobs <-chan int, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- j * 2
	}
}

// pool: the article's worker pool — 8 workers drain n jobs; a goroutine closes results once
// every worker is done; main ranges over results.
func pool(n int) {
	const numWorkers = 8
	jobs := make(chan int, 1024)
	results := make(chan int, 1024)
	var wg sync.WaitGroup
	for w := 0; w < numWorkers; w++ {
		wg.Add(1)
		go worker(jobs, results, &wg)
	}
	go func() {
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	count := 0
	for range results {
		count++
	}
	if count != n {
		panic(fmt.Sprintf("pool: %d results for %d jobs", count, n))
	}
}

func rssField(name string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, name+":") {
			f := strings.Fields(line)
			kib, _ := strconv.ParseInt(f[1], 10, 64)
			return kib * 1024
		}
	}
	panic("no " + name + " in /proc/self/status")
}

// parked: n goroutines parked at once on one channel nobody sends on; peak RSS / n.
func parked(n int, out map[string]any) {
	baseline := rssField("VmRSS")
	gate := make(chan struct{})
	var started, finished sync.WaitGroup
	for i := 0; i < n; i++ {
		started.Add(1)
		finished.Add(1)
		go func() {
			defer finished.Done()
			started.Done()
			<-gate
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let the last ones reach the receive
	peak := rssField("VmHWM")
	close(gate)
	finished.Wait()
	out["baseline_rss_bytes"] = baseline
	out["peak_rss_bytes"] = peak
	out["bytes_per_fiber"] = float64(peak) / float64(n)
	out["bytes_per_fiber_above_baseline"] = float64(peak-baseline) / float64(n)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: runtime spawn|yield|pingpong|buffered1|buffered4|pool|parked [N]")
		os.Exit(2)
	}
	bench := os.Args[1]
	defaults := map[string]int{"spawn": 1_000_000, "yield": 4_000_000, "pingpong": 1_000_000,
		"buffered1": 10_000_000, "buffered4": 10_000_000, "pool": 10_000_000, "parked": 1_000_000}
	n, known := defaults[bench]
	if !known {
		fmt.Fprintf(os.Stderr, "runtime: unknown benchmark %q\n", bench)
		os.Exit(2)
	}
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	out := map[string]any{"bench": bench, "n": n, "lang": "go",
		"gomaxprocs": runtime.GOMAXPROCS(0)}
	start := time.Now()
	switch bench {
	case "spawn":
		spawn(n)
	case "yield":
		yieldSwitch(n)
	case "pingpong":
		pingPong(n)
	case "buffered1":
		buffered(n, 1)
	case "buffered4":
		buffered(n, 4)
	case "pool":
		pool(n)
	case "parked":
		parked(n, out)
	}
	elapsed := time.Since(start)
	out["seconds"] = elapsed.Seconds()
	out["ns_per_op"] = float64(elapsed.Nanoseconds()) / float64(n)
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}
