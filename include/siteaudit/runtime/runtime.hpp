// runtime.hpp — the M:N fiber scheduler: Runtime, go(), yield(), sleep_for().
//
// A Runtime runs fibers (goroutines) on N OS threads with per-thread run queues, a global
// queue, work stealing and a runnext hand-off slot. run(main) runs `main` as the first fiber
// and returns when it finishes, when a fiber's uncaught exception stops the runtime, or when
// every fiber is asleep with nothing that could wake one (deadlock).
//
// Example:
//   rt::Runtime runtime({.threads = 2});
//   auto result = runtime.run([] {
//     rt::WaitGroup wg;
//     for (int i = 0; i < 5; ++i) { wg.add(1); rt::go([&wg, i] { notify(i); wg.done(); }); }
//     wg.wait();
//   });
//   if (!result.ok()) std::cerr << result.message;
//
// Thread safety: go() may be called from any fiber, and from any thread while run() runs.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <string>

#include "siteaudit/runtime/detail/park.hpp"

namespace siteaudit::rt {

namespace detail {
struct RuntimeAccess;  // tests and diagnostics (src/runtime/introspection.hpp)
}

struct RuntimeConfig {
  unsigned threads = 0;                // OS threads; 0 = hardware concurrency
  std::size_t stack_size = 64 * 1024;  // usable bytes per fiber stack (plus one guard page)
  bool detect_deadlock = true;         // stop with "all fibers are asleep - deadlock!"
  bool report_leaks = true;            // list fibers still alive when main returns
};

enum class RunStatus { completed, deadlock, fiber_exception, resource_exhausted };

struct RunResult {
  RunStatus status = RunStatus::completed;
  std::string message;           // the deadlock report, exception text, or leak list
  std::exception_ptr exception;  // the first exception that escaped a fiber, if any
  bool ok() const noexcept { return status == RunStatus::completed; }
};

class Runtime {
 public:
  explicit Runtime(RuntimeConfig config = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // run() runs `main` as a fiber and blocks the calling thread until it returns (or the run
  // stops: deadlock, escaped exception). Fibers still alive afterwards are reported and
  // destroyed. One run at a time.
  RunResult run(std::function<void()> main);

  // go() spawns a fiber on this runtime from any thread.
  void go(std::function<void()> fn, const char* name = nullptr);

  unsigned threads() const noexcept;

 private:
  struct Impl;
  friend struct detail::RuntimeAccess;
  Impl* impl_;
};

// go() spawns a fiber on the current runtime; callable only from a fiber.
void go(std::function<void()> fn, const char* name = nullptr);
// yield() lets other runnable fibers run before the caller continues.
void yield();
// sleep_for() / sleep_until() park the calling fiber on the runtime's timer heap.
void sleep_for(Clock::duration d);
void sleep_until(Clock::time_point t);
// set_fiber_name() names the current fiber for deadlock and leak reports.
void set_fiber_name(const char* name);

}  // namespace siteaudit::rt
