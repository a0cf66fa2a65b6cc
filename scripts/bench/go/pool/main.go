// Command pool is the Go worker pool siteaudit is benchmarked against, written in the idioms
// of the Go article the project grew from: a sitemap loader feeds a jobs channel, N worker
// goroutines share one net/http client and send to a results channel, a goroutine waiting on
// a sync.WaitGroup closes results, and main ranges over results counting outcomes.
// Standard library only.
//
//	pool [-workers N] [-method head|get] SITEMAP
//
// SITEMAP is a URL or a file: a <urlset> or a <sitemapindex> (children loaded in order),
// each plain or gzip'd (told by the gzip magic, as siteaudit does).
// It prints one JSON object: {"total", "ok", "failed", "errors", "statuses": {"200": n}}.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

type result struct {
	url    string
	status int
	err    error
}

// open returns the body of a sitemap given as a URL or a file path.
func open(client *http.Client, source string) (io.ReadCloser, error) {
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		return os.Open(source)
	}
	resp, err := client.Get(source)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: status %d", source, resp.StatusCode)
	}
	return resp.Body, nil
}

// loadSitemap streams the <loc>s of a sitemap into jobs; a sitemap index recurses into its
// children, so a 1,000,000-URL index never sits in memory as a whole.
func loadSitemap(client *http.Client, source string, jobs chan<- string, depth int) error {
	if depth > 4 {
		return fmt.Errorf("%s: sitemap index nested too deep", source)
	}
	body, err := open(client, source)
	if err != nil {
		return err
	}
	defer body.Close()
	var reader io.Reader = bufio.NewReader(body)
	if magic, _ := reader.(*bufio.Reader).Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		inflated, err := gzip.NewReader(reader)
		if err != nil {
			return fmt.Errorf("%s: %w", source, err)
		}
		defer inflated.Close()
		reader = inflated
	}
	decoder := xml.NewDecoder(reader)
	var children []string
	inIndex, inLoc := false, false
	var loc strings.Builder
	for {
		token, err := decoder.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", source, err)
		}
		switch t := token.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sitemapindex":
				inIndex = true
			case "loc":
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc {
				loc.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "loc" {
				inLoc = false
				u := strings.TrimSpace(loc.String())
				if inIndex {
					children = append(children, u)
				} else {
					jobs <- u
				}
			}
		}
	}
	for _, child := range children {
		if err := loadSitemap(client, child, jobs, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func check(client *http.Client, method, url string) result {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return result{url: url, err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return result{url: url, err: err}
	}
	io.Copy(io.Discard, resp.Body) // drain so the connection is reused
	resp.Body.Close()
	return result{url: url, status: resp.StatusCode}
}

func checkPages(client *http.Client, method string, urls <-chan string, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for url := range urls {
		results <- check(client, method, url)
	}
}

func main() {
	workers := flag.Int("workers", 64, "worker goroutines")
	method := flag.String("method", "head", "head or get")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pool [-workers N] [-method head|get] SITEMAP")
		os.Exit(2)
	}
	httpMethod := http.MethodHead
	if *method == "get" {
		httpMethod = http.MethodGet
	}

	// One client for every worker; enough idle connections that each worker keeps its own.
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        *workers,
		MaxIdleConnsPerHost: *workers,
		IdleConnTimeout:     90 * time.Second,
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	jobs := make(chan string, 1024)
	results := make(chan result, 1024)

	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go checkPages(client, httpMethod, jobs, results, &wg)
	}

	loadErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		loadErr <- loadSitemap(client, flag.Arg(0), jobs, 0)
	}()

	// Close results once every worker has finished.
	go func() {
		wg.Wait()
		close(results)
	}()

	total, ok, errors := 0, 0, 0
	statuses := map[string]int{}
	for r := range results {
		total++
		if r.err != nil {
			errors++
			continue
		}
		statuses[fmt.Sprint(r.status)]++
		if r.status >= 200 && r.status < 300 {
			ok++
		}
	}
	if err := <-loadErr; err != nil {
		fmt.Fprintln(os.Stderr, "pool:", err)
		os.Exit(2)
	}
	out, _ := json.Marshal(map[string]any{"total": total, "ok": ok, "failed": total - ok,
		"errors": errors, "statuses": statuses})
	fmt.Println(string(out))
	if ok != total {
		os.Exit(1)
	}
}
