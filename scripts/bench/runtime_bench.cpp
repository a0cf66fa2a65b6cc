// runtime_bench.cpp — siteaudit's runtime microbenchmarks, one program per Go counterpart.
//
// Each benchmark is the program of scripts/bench/go/runtime/main.go written with our runtime,
// line for line in the same idioms (WaitGroup fan-out, directional channels, the article's
// worker pool with a closer fiber), so that scripts/bench/run can run the two alternately and
// print ratios. One benchmark per process, so neither inherits the other's heap or stacks.
//
//   runtime_bench BENCH [N] [--threads T]     BENCH: spawn yield pingpong buffered1 buffered4
//                                              pool parked
//
// Prints one JSON object: {"bench", "n", "seconds", "ns_per_op"}, and for "parked" the peak
// and baseline RSS and bytes per fiber. When the runtime stops early (e.g. a resource limit
// with 1,000,000 parked fibers) it prints {"bench", "error": message} and exits 1.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;

namespace {

// spawn: start n fibers that do nothing and wait for all of them (the article's fan-out).
void spawn(std::int64_t n) {
  rt::WaitGroup wg;
  for (std::int64_t i = 0; i < n; ++i) {
    wg.add(1);
    rt::go([&wg] { wg.done(); });
  }
  wg.wait();
}

// yield_switch: four fibers each yield n/4 times; a cost per yield.
void yield_switch(std::int64_t n) {
  constexpr int kFibers = 4;
  rt::WaitGroup wg;
  for (int f = 0; f < kFibers; ++f) {
    wg.add(1);
    rt::go([&wg, n] {
      for (std::int64_t i = 0; i < n / kFibers; ++i) rt::yield();
      wg.done();
    });
  }
  wg.wait();
}

void ponger(rt::Receiver<std::int64_t> ping, rt::Sender<std::int64_t> pong) {
  for (std::int64_t v : ping) pong.send(v);
  pong.close();
}

// ping_pong: n round trips over two unbuffered channels.
void ping_pong(std::int64_t n) {
  rt::Channel<std::int64_t> ping;
  rt::Channel<std::int64_t> pong;
  rt::go([ping, pong] { ponger(ping, pong); });
  for (std::int64_t i = 0; i < n; ++i) {
    ping.send(i);
    (void)pong.receive();
  }
  ping.close();
  (void)pong.receive();
}

void producer(std::int64_t n, rt::Sender<std::int64_t> output) {
  for (std::int64_t i = 0; i < n; ++i) output.send(i);
}

// buffered: `pairs` producers send n values in total through one channel of 128 values,
// `pairs` consumers range over it; the channel closes once every producer is done.
void buffered(std::int64_t n, int pairs) {
  rt::Channel<std::int64_t> ch(128);
  rt::WaitGroup producers;
  rt::WaitGroup consumers;
  for (int p = 0; p < pairs; ++p) {
    producers.add(1);
    rt::go([&producers, ch, n, pairs] {
      producer(n / pairs, ch);
      producers.done();
    });
  }
  std::vector<std::int64_t> sums(static_cast<std::size_t>(pairs));
  for (int c = 0; c < pairs; ++c) {
    consumers.add(1);
    rt::go([&consumers, &sums, rx = rt::Receiver<std::int64_t>(ch), c] {
      for (std::int64_t v : rx) sums[static_cast<std::size_t>(c)] += v;
      consumers.done();
    });
  }
  producers.wait();
  ch.close();
  consumers.wait();
}

void worker(rt::Receiver<std::int64_t> jobs, rt::Sender<std::int64_t> results, rt::WaitGroup& wg) {
  for (std::int64_t j : jobs) results.send(j * 2);
  wg.done();
}

// pool: the article's worker pool — 8 workers drain n jobs; a fiber closes results once every
// worker is done; main ranges over results.
void pool(std::int64_t n) {
  constexpr int kWorkers = 8;
  rt::Channel<std::int64_t> jobs(1024);
  rt::Channel<std::int64_t> results(1024);
  rt::WaitGroup wg;
  for (int w = 0; w < kWorkers; ++w) {
    wg.add(1);
    rt::go([jobs, results, &wg] { worker(jobs, results, wg); });
  }
  rt::go([jobs, n] {
    for (std::int64_t i = 0; i < n; ++i) jobs.send(i);
    jobs.close();
  });
  rt::go([&wg, results] {
    wg.wait();
    results.close();
  });
  std::int64_t count = 0;
  for ([[maybe_unused]] std::int64_t r : results) ++count;
  if (count != n) {
    std::fprintf(stderr, "pool: %lld results for %lld jobs\n", static_cast<long long>(count),
                 static_cast<long long>(n));
    std::abort();
  }
}

std::int64_t rss_field(std::string_view name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
      return std::strtoll(line.c_str() + name.size() + 1, nullptr, 10) * 1024;
    }
  }
  std::fprintf(stderr, "runtime_bench: no %.*s in /proc/self/status\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

struct Parked {
  std::int64_t baseline = 0;
  std::int64_t peak = 0;
};

// parked: n fibers parked at once on one channel nobody sends on; peak RSS / n.
void parked(std::int64_t n, Parked& out) {
  out.baseline = rss_field("VmRSS");
  rt::Channel<std::monostate> gate;
  rt::WaitGroup started;
  rt::WaitGroup finished;
  for (std::int64_t i = 0; i < n; ++i) {
    started.add(1);
    finished.add(1);
    rt::go([&started, &finished, rx = rt::Receiver<std::monostate>(gate)] {
      started.done();
      (void)rx.receive();
      finished.done();
    });
  }
  started.wait();
  rt::sleep_for(std::chrono::milliseconds(50));  // let the last ones reach the receive
  out.peak = rss_field("VmHWM");
  gate.close();
  finished.wait();
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, std::int64_t> defaults = {
      {"spawn", 1'000'000},      {"yield", 4'000'000},      {"pingpong", 1'000'000},
      {"buffered1", 10'000'000}, {"buffered4", 10'000'000}, {"pool", 10'000'000},
      {"parked", 1'000'000}};
  std::vector<std::string_view> args(argv + 1, argv + argc);
  unsigned threads = 2;
  std::string bench;
  std::int64_t n = -1;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--threads" && i + 1 < args.size()) {
      threads = static_cast<unsigned>(std::atoi(args[++i].data()));
    } else if (bench.empty()) {
      bench = args[i];
    } else {
      n = std::atoll(args[i].data());
    }
  }
  const auto known = defaults.find(bench);
  if (known == defaults.end()) {
    std::fprintf(stderr,
                 "usage: runtime_bench spawn|yield|pingpong|buffered1|buffered4|pool|parked [N] "
                 "[--threads T]\n");
    return 2;
  }
  if (n <= 0) n = known->second;

  // The parked benchmark needs room for n stacks; the runtime's default stack size applies to
  // every benchmark so the figures describe what siteaudit itself runs with.
  rt::Runtime runtime({.threads = threads});
  Parked memory;
  double seconds = 0;
  const auto result = runtime.run([&] {
    const auto start = std::chrono::steady_clock::now();
    if (bench == "spawn") spawn(n);
    if (bench == "yield") yield_switch(n);
    if (bench == "pingpong") ping_pong(n);
    if (bench == "buffered1") buffered(n, 1);
    if (bench == "buffered4") buffered(n, 4);
    if (bench == "pool") pool(n);
    if (bench == "parked") parked(n, memory);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  if (!result.ok()) {
    std::string message;
    for (char c : result.message.substr(0, 2000)) {
      if (c == '"' || c == '\\') message += '\\';
      message += (c == '\n' || c == '\t') ? ' ' : c;
    }
    std::printf("{\"bench\":\"%s\",\"lang\":\"cpp\",\"n\":%lld,\"error\":\"%s\"}\n", bench.c_str(),
                static_cast<long long>(n), message.c_str());
    return 1;
  }
  std::printf(
      "{\"bench\":\"%s\",\"lang\":\"cpp\",\"threads\":%u,\"n\":%lld,\"seconds\":%.6f,"
      "\"ns_per_op\":%.3f",
      bench.c_str(), threads, static_cast<long long>(n), seconds,
      seconds * 1e9 / static_cast<double>(n));
  if (bench == "parked") {
    std::printf(
        ",\"baseline_rss_bytes\":%lld,\"peak_rss_bytes\":%lld,\"bytes_per_fiber\":%.1f,"
        "\"bytes_per_fiber_above_baseline\":%.1f",
        static_cast<long long>(memory.baseline), static_cast<long long>(memory.peak),
        static_cast<double>(memory.peak) / static_cast<double>(n),
        static_cast<double>(memory.peak - memory.baseline) / static_cast<double>(n));
  }
  std::printf("}\n");
  return 0;
}
