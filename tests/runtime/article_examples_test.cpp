// article_examples_test.cpp — every example of the Go article that inspired siteaudit
// ("Go Goroutines: What They Are and How to Use Them"),
// rewritten with rt:: and turned into checks. Printing becomes recording; time.Sleep-based
// waiting becomes a WaitGroup; concurrency is proven by counting overlap, never by timing.
// Where overlap is counted, the fibers pass a StartGate first (test scaffolding, not part of
// the example) so that the count does not depend on how fast fibers spawn.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/mutex.hpp"
#include "siteaudit/runtime/once.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/select.hpp"
#include "siteaudit/runtime/timer.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using rt::testing::run_ok;

namespace {

// Log collects the lines the Go examples print, from any fiber.
class Log {
 public:
  void print(std::string line) {
    std::lock_guard guard(mu_);
    lines_.push_back(std::move(line));
  }
  std::vector<std::string> lines() const { return lines_; }  // read after the run only
  std::multiset<std::string> sorted() const { return {lines_.begin(), lines_.end()}; }

 private:
  rt::Mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace

// Intro: five backend calls fired at once; results arrive as they complete, so the answer
// takes as long as the slowest call rather than the sum.
TEST_CASE("article: five endpoint calls run concurrently", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const std::vector<std::string> endpoints = {"users", "inventory", "pricing", "recommendations",
                                              "analytics"};
  std::multiset<std::string> answered;
  rt::testing::OverlapCounter in_flight;
  rt::testing::StartGate start(static_cast<int>(endpoints.size()));
  run_ok(threads, [&] {
    rt::Channel<std::string> results(endpoints.size());
    for (const std::string& endpoint : endpoints) {
      rt::go([&, endpoint] {
        start.arrive_and_wait();
        in_flight.enter();
        rt::sleep_for(20ms);  // the network call
        in_flight.leave();
        results.send(endpoint);
      });
    }
    for (std::size_t i = 0; i < endpoints.size(); ++i) answered.insert(*results.receive());
  });
  CHECK(answered == std::multiset<std::string>(endpoints.begin(), endpoints.end()));
  INFO("calls in flight at once: " << in_flight.max());
  CHECK(in_flight.max() >= 2);
}

// "Starting a Goroutine": go sendNotification(i) for five users — with the article's
// fragile time.Sleep placeholder replaced by the WaitGroup of the next section.
TEST_CASE("article: notifications fan out and a WaitGroup waits for them", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  Log log;
  rt::testing::OverlapCounter asleep;
  rt::testing::StartGate start(5);
  run_ok(threads, [&] {
    rt::WaitGroup wg;
    auto send_notification = [&](int user_id) {
      start.arrive_and_wait();
      asleep.enter();
      rt::sleep_for(50ms);  // simulate a network call
      asleep.leave();
      log.print("Notification sent to user " + std::to_string(user_id));
      wg.done();
    };
    for (int i = 1; i <= 5; ++i) {
      wg.add(1);
      rt::go([&send_notification, i] { send_notification(i); });
    }
    log.print("All notifications queued");  // main goes on at once
    wg.wait();
  });
  const std::vector<std::string> lines = log.lines();
  REQUIRE(lines.size() == 6);
  CHECK(std::count(lines.begin(), lines.end(), "All notifications queued") == 1);
  for (int i = 1; i <= 5; ++i) {
    CHECK(std::count(lines.begin(), lines.end(),
                     "Notification sent to user " + std::to_string(i)) == 1);
  }
  INFO("notifications asleep at once: " << asleep.max());
  CHECK(asleep.max() >= 2);
}

// go func(jobID string) { ... }("order-8821"): the argument is passed, not captured.
TEST_CASE("article: an anonymous function launched with its argument", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u);
  Log log;
  run_ok(threads, [&] {
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&log, &wg, job_id = std::string("order-8821")] {
      log.print("Processing job " + job_id);
      wg.done();
    });
    wg.wait();
  });
  CHECK(log.lines() == std::vector<std::string>{"Processing job order-8821"});
}

// "Waiting for All Goroutines to Finish": processItem with defer wg.Done(). The WaitGroup
// goes by reference (copying it does not compile: see compile_fail/wait_group_copy.cpp) and
// add(1) comes before go().
TEST_CASE("article: processItem with a WaitGroup passed by reference", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  Log log;
  std::string last;
  run_ok(threads, [&] {
    rt::WaitGroup wg;
    auto process_item = [&log](int item_id, rt::WaitGroup& group) {
      struct DeferDone {  // Go's `defer wg.Done()`: runs on every way out
        rt::WaitGroup& wg;
        ~DeferDone() { wg.done(); }
      } defer_done{group};
      log.print("Processed item " + std::to_string(item_id));
    };
    for (int id : {101, 102, 103, 104, 105}) {
      wg.add(1);  // increment before launching
      rt::go([&process_item, &wg, id] { process_item(id, wg); });
    }
    wg.wait();  // blocks until all five fibers call done()
    log.print("All items processed");
  });
  const std::vector<std::string> lines = log.lines();
  REQUIRE(lines.size() == 6);
  CHECK(lines.back() == "All items processed");
  CHECK(log.sorted() == std::multiset<std::string>{"All items processed", "Processed item 101",
                                                   "Processed item 102", "Processed item 103",
                                                   "Processed item 104", "Processed item 105"});
}

// "Goroutine Pools": crawlPage workers range over a jobs channel; a closer fiber waits for
// them and closes results; main ranges over results.
TEST_CASE("article: the crawl worker pool with a WaitGroup closer", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const std::vector<std::string> pages = {"/",
                                          "/tools/",
                                          "/languages/",
                                          "/guides/",
                                          "/blog/",
                                          "/languages/go/goroutines",
                                          "/languages/go/interfaces"};
  constexpr int kWorkers = 3;
  std::vector<std::string> results;
  rt::testing::OverlapCounter crawling;
  std::set<int> workers_used;
  run_ok(threads, [&] {
    auto crawl_page = [&crawling](int worker_id, rt::Receiver<std::string> urls,
                                  rt::Sender<std::string> out, rt::WaitGroup& wg) {
      for (const std::string& url : urls) {  // ends when urls is closed and drained
        crawling.enter();
        rt::yield();  // the fetch
        crawling.leave();
        out.send("worker-" + std::to_string(worker_id) + ": crawled " + url);
      }
      wg.done();
    };
    rt::Channel<std::string> job_ch(pages.size(), "jobs");
    rt::Channel<std::string> result_ch(pages.size(), "results");
    rt::WaitGroup wg;
    for (int i = 1; i <= kWorkers; ++i) {
      wg.add(1);
      rt::go([&, i] { crawl_page(i, job_ch, result_ch, wg); });
    }
    for (const std::string& page : pages) job_ch.send(page);
    job_ch.close();
    rt::go([&] {  // close results once all workers have finished
      wg.wait();
      result_ch.close();
    });
    for (std::string& result : result_ch) results.push_back(std::move(result));
  });
  REQUIRE(results.size() == pages.size());
  std::multiset<std::string> crawled;
  for (const std::string& line : results) {
    const std::size_t colon = line.find(": crawled ");
    REQUIRE(colon != std::string::npos);
    workers_used.insert(std::stoi(line.substr(7, colon - 7)));
    crawled.insert(line.substr(colon + 10));
  }
  CHECK(crawled == std::multiset<std::string>(pages.begin(), pages.end()));
  CHECK(*workers_used.rbegin() <= kWorkers);
  CHECK(crawling.max() <= kWorkers);  // bounded: never more than numWorkers at once
}

// "Communicating Between Goroutines with Channels": producer(chan<- int) and
// consumer(<-chan int, chan<- bool) on an unbuffered channel; main waits on doneCh.
TEST_CASE("article: producer and consumer with directional channels", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<std::string> received;
  run_ok(threads, [&] {
    auto producer = [](rt::Sender<int> output) {
      for (int i = 0; i < 5; ++i) output.send(i);
      output.close();  // signal that no more values are coming
    };
    auto consumer = [&received](rt::Receiver<int> input, rt::Sender<bool> done) {
      for (int value : input) received.push_back("received: " + std::to_string(value));
      done.send(true);
    };
    rt::Channel<int> ch;
    rt::Channel<bool> done_ch;
    rt::go([=] { producer(ch); });
    rt::go([=] { consumer(ch, done_ch); });
    (void)done_ch.receive();  // block until the consumer signals completion
  });
  CHECK(received == std::vector<std::string>{"received: 0", "received: 1", "received: 2",
                                             "received: 3", "received: 4"});
}

// Unbuffered vs buffered (FAQ): an unbuffered send returns only once a receiver took the
// value; a buffered one accepts n values with nobody receiving.
TEST_CASE("article: unbuffered synchronises, buffered decouples", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  bool receiver_was_there = false;
  std::size_t buffered = 0;
  run_ok(threads, [&] {
    rt::Channel<int> unbuffered;
    std::atomic<bool> receiving{false};
    rt::go([&] {
      receiving.store(true);
      (void)unbuffered.receive();
    });
    unbuffered.send(1);
    receiver_was_there = receiving.load();
    rt::Channel<int> queue(3);
    for (int i = 0; i < 3; ++i) queue.send(i);  // no receiver, no parking
    buffered = queue.size();
  });
  CHECK(receiver_was_there);
  CHECK(buffered == 3);
}

// "Bug 1: loop variable capture": the fix is to pass the value; a C++ by-value capture is
// that fix, so every fiber sees its own i.
TEST_CASE("article: each fiber gets its own copy of the loop variable", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::multiset<int> printed;
  run_ok(threads, [&] {
    rt::Channel<int> out(5);
    for (int i = 0; i < 5; ++i) {
      rt::go([out, n = i] { out.send(n); });
    }
    for (int i = 0; i < 5; ++i) printed.insert(*out.receive());
  });
  CHECK(printed == std::multiset<int>{0, 1, 2, 3, 4});
}

// "Bug 2: All goroutines are asleep — deadlock": the three common causes, each reported by
// the runtime with Go's message instead of hanging.
TEST_CASE("article: the three deadlocks are reported", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int cause = GENERATE(0, 1, 2);
  // Objects a deadlocked fiber waits on live outside it: the runtime abandons such fibers
  // without unwinding them (README: Shutdown), so what their frames own would leak.
  rt::Channel<int> ch(0, "orphan");
  rt::Channel<int> a(0, "a");
  rt::Channel<int> b(0, "b");
  rt::Runtime runtime({.threads = threads});
  const rt::RunResult result = runtime.run([&] {
    if (cause == 0) {
      (void)ch.receive();  // a receive on a channel nobody writes to or closes
    } else if (cause == 1) {
      ch.send(1);  // a send on an unbuffered channel with nobody receiving
    } else {
      rt::go([a, b] {  // each waits for the other to send first
        (void)a.receive();
        b.send(1);
      });
      (void)b.receive();
      a.send(1);
    }
  });
  INFO("cause " << cause << ": " << result.message);
  CHECK(result.status == rt::RunStatus::deadlock);
  CHECK(result.message.find("all fibers are asleep - deadlock!") != std::string::npos);
}

// "Bug 3: Goroutine leaks": worker(ctx, jobs) exits on ctx.Done() or on a closed jobs
// channel, so no fiber is left behind (the runtime would report it as a leak).
TEST_CASE("article: a worker exits on ctx.done() or a closed channel", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  Log log;
  std::vector<std::string> exits;
  run_ok(threads, [&] {
    rt::Channel<std::string> exit_reasons(2);
    auto worker = [&log, exit_reasons](rt::Context ctx, rt::Receiver<std::string> jobs) {
      for (;;) {
        bool stop = false;
        rt::select(rt::on_receive(ctx.done(),
                                  [&] {
                                    exit_reasons.send("cancelled");  // exit cleanly
                                    stop = true;
                                  }),
                   rt::on_receive(jobs, [&](std::optional<std::string> job) {
                     if (!job) {
                       exit_reasons.send("closed");  // channel closed: exit cleanly
                       stop = true;
                       return;
                     }
                     log.print("Job: " + *job);
                   }));
        if (stop) return;
      }
    };
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::Channel<std::string> jobs_a;
    rt::Channel<std::string> jobs_b;
    rt::go([=, ctx = ctx] { worker(ctx, jobs_a); });  // clang 14 cannot capture a binding
    rt::go([=] { worker(rt::background(), jobs_b); });
    jobs_a.send("resize");
    jobs_b.send("thumbnail");
    cancel();        // worker A: every fiber on this context exits within one select
    jobs_b.close();  // worker B: its job channel closes
    exits.push_back(*exit_reasons.receive());
    exits.push_back(*exit_reasons.receive());
  });
  std::sort(exits.begin(), exits.end());
  CHECK(exits == std::vector<std::string>{"cancelled", "closed"});
  CHECK(log.sorted() == std::multiset<std::string>{"Job: resize", "Job: thumbnail"});
}

// FAQ "goroutine pool instead of one goroutine per task": 10 workers process 100,000 items
// without ever running more than 10 at once.
TEST_CASE("article: a pool of 10 workers drains 100,000 items", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int items = 100000 / rt::testing::kStressScale;
  constexpr int kWorkers = 10;
  std::atomic<long long> sum{0};
  rt::testing::OverlapCounter busy;
  run_ok(threads, [&] {
    rt::Channel<int> work(64, "items");
    rt::WaitGroup wg;
    for (int w = 0; w < kWorkers; ++w) {
      wg.add(1);
      rt::go([&] {
        for (int item : work) {
          busy.enter();
          sum.fetch_add(item, std::memory_order_relaxed);
          if (item % 1000 == 0) rt::yield();  // an occasional slow item
          busy.leave();
        }
        wg.done();
      });
    }
    for (int i = 0; i < items; ++i) work.send(i);
    work.close();
    wg.wait();
  });
  CHECK(sum.load() == static_cast<long long>(items) * (items - 1) / 2);
  CHECK(busy.max() <= kWorkers);
}

// "What to Learn Next": select with time.After for deadline-aware code and a default case for
// non-blocking operations.
TEST_CASE("article: select with time.After and default", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u);
  std::vector<std::string> outcomes;
  run_ok(threads, [&] {
    rt::Channel<std::string> replies(1);
    rt::select(rt::on_receive(replies, [&](std::string r) { outcomes.push_back(r); }),
               rt::otherwise([&] { outcomes.push_back("no reply yet"); }));
    rt::select(rt::on_receive(replies, [&](std::string r) { outcomes.push_back(r); }),
               rt::on_receive(rt::after(2ms), [&] { outcomes.push_back("timed out"); }));
    replies.send("pong");
    rt::select(rt::on_receive(replies, [&](std::string r) { outcomes.push_back(r); }),
               rt::on_receive(rt::after(1h), [&] { outcomes.push_back("timed out"); }));
  });
  CHECK(outcomes == std::vector<std::string>{"no reply yet", "timed out", "pong"});
}

// "What to Learn Next": a pipeline — stages connected by channels, each closing its output —
// with errors on a dedicated error channel.
TEST_CASE("article: a pipeline with an error channel", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  long long total = 0;
  std::vector<std::string> errors;
  run_ok(threads, [&] {
    auto generate = [](int n) {
      rt::Channel<int> out(8, "numbers");
      rt::go([out, n] {
        for (int i = 1; i <= n; ++i) out.send(i);
        out.close();
      });
      return rt::Receiver<int>(out);
    };
    auto square = [](rt::Receiver<int> in, rt::Sender<std::string> errs) {
      rt::Channel<long long> out(8, "squares");
      rt::go([in, out, errs] {
        for (int v : in) {
          if (v % 250 == 0) {
            errs.send("skipped " + std::to_string(v));
            continue;
          }
          out.send(static_cast<long long>(v) * v);
        }
        out.close();
      });
      return rt::Receiver<long long>(out);
    };
    rt::Channel<std::string> errs(16, "errors");
    rt::Receiver<long long> squares = square(generate(1000), errs);
    for (long long v : squares) total += v;
    errs.close();
    for (std::string& e : errs) errors.push_back(std::move(e));
  });
  long long expected = 0;
  for (long long i = 1; i <= 1000; ++i) expected += i % 250 == 0 ? 0 : i * i;
  CHECK(total == expected);
  CHECK(errors ==
        std::vector<std::string>{"skipped 250", "skipped 500", "skipped 750", "skipped 1000"});
}

// The sync package paragraph: Mutex for shared state, Once for one-time initialisation.
TEST_CASE("article: sync.Mutex and sync.Once counterparts", "[runtime][article]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int hits = 0;
  std::atomic<int> inits{0};
  run_ok(threads, [&] {
    rt::Mutex mu;
    rt::Once init;
    rt::WaitGroup wg;
    for (int i = 0; i < 100; ++i) {
      wg.add(1);
      rt::go([&] {
        init.call([&] { inits.fetch_add(1); });
        std::lock_guard guard(mu);
        ++hits;
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(hits == 100);
  CHECK(inits.load() == 1);
}
