// primitives_support.hpp — helpers shared by the tests of the runtime primitives.
//
// run_ok() runs a fiber program and requires a clean finish; run_in_child() runs code that
// must abort (a misuse) in a forked child and returns its stderr; OverlapCounter records how
// many fibers were inside a region at once, which is how these tests prove concurrency
// without timing anything. Catch2 is not thread-safe, so fibers only record facts; tests
// assert on them after run() returns.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <string>

#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::rt::testing {

// kStressScale divides stress sizes under TSan, which runs each access ~10x slower.
#ifdef SITEAUDIT_TSAN
inline constexpr int kStressScale = 10;
#else
inline constexpr int kStressScale = 1;
#endif

inline void run_ok(unsigned threads, std::function<void()> main) {
  Runtime runtime({.threads = threads});
  const RunResult result = runtime.run(std::move(main));
  INFO("threads=" << threads << " message: " << result.message);
  REQUIRE(result.status == RunStatus::completed);
}

struct ChildOutcome {
  bool aborted = false;  // the child died of SIGABRT
  std::string output;    // what it wrote to stderr
};

// run_in_child() runs `body` in a forked child with stderr captured.
inline ChildOutcome run_in_child(const std::function<void()>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Catch2's handler would report the expected abort as a failure from inside the child.
    signal(SIGABRT, SIG_DFL);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // an expected abort must not write a core file
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    body();
    _exit(0);
  }
  close(fds[1]);
  ChildOutcome outcome;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) outcome.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  outcome.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return outcome;
}

// expect_abort() requires that `main`, run as a fiber program on `threads` threads, aborts
// with a message containing `message`. TSan cannot start threads in a child forked from a
// multi-threaded process, and the messages are no threading matter: those runs skip it.
inline void expect_abort(unsigned threads, const std::function<void()>& main,
                         const std::string& message) {
#ifdef SITEAUDIT_TSAN
  WARN("death test skipped under TSan (no threads after a multi-threaded fork): " << message);
  (void)threads;
  (void)main;
  return;
#endif
  const ChildOutcome outcome = run_in_child([&] {
    Runtime runtime({.threads = threads});
    (void)runtime.run(main);
  });
  INFO("child stderr: " << outcome.output);
  CHECK(outcome.aborted);
  CHECK(outcome.output.find(message) != std::string::npos);
}

// StartGate holds fibers until `count` of them have arrived, then releases them all at once
// (Go's close(start) idiom), so that what they do next overlaps however long spawning them
// took — under TSan a spawn costs milliseconds.
class StartGate {
 public:
  explicit StartGate(int count) : remaining_(count) {}
  void arrive_and_wait() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      open_.close();
    } else {
      (void)open_.receive();
    }
  }

 private:
  std::atomic<int> remaining_;
  Channel<int> open_{0, "start-gate"};
};

// OverlapCounter tracks the number of fibers inside a region and the maximum seen at once.
class OverlapCounter {
 public:
  void enter() noexcept {
    const int now = inside_.fetch_add(1, std::memory_order_acq_rel) + 1;
    int seen = max_.load(std::memory_order_relaxed);
    while (now > seen && !max_.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  void leave() noexcept { inside_.fetch_sub(1, std::memory_order_acq_rel); }
  int max() const noexcept { return max_.load(std::memory_order_relaxed); }
  int inside() const noexcept { return inside_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int> inside_{0};
  std::atomic<int> max_{0};
};

}  // namespace siteaudit::rt::testing
