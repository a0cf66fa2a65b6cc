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
// Fibers are cooperative: one runs until it blocks (channel, WaitGroup, sleep, I/O, ...),
// yields or returns. Code that blocks the OS thread (a plain std::mutex held across a long
// wait, a blocking read) stalls every fiber queued behind it on that thread. A fiber may
// resume on another OS thread after any blocking call, so never keep the address of a
// thread_local (errno included) across one.
//
// Shutdown: when main returns, fibers still alive are listed in RunResult::message (with
// report_leaks) and then torn down. Those suspended in yield(), sleep_for()/sleep_until() or
// wait_readable()/wait_writable() are unwound: that call throws an internal exception so
// their destructors run — a catch (...) inside a fiber must rethrow what it does not know.
// Fibers parked in a channel or another primitive are left suspended and their stacks are
// never reused (their captures are released).
//
// Thread safety: Runtime::go() may be called from any thread; the free functions from fibers
// of a running runtime. A Runtime runs one run() at a time, and only one Runtime in a process
// runs at a time; it can be run again afterwards.
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
  std::size_t stack_size = 64 * 1024;  // usable bytes per fiber stack (plus one guard page);
                                       // 4x under ASan, whose frames are larger
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

  // run() runs `main` as a fiber named "main" and blocks the calling thread, which becomes
  // one of the runtime's threads, until main returns (completed), a fiber's exception escapes
  // (fiber_exception: the first one, with its what() and exception_ptr), every fiber is
  // asleep with nothing that could wake one (deadlock: the report lists each fiber), or
  // fiber stacks cannot be mapped (resource_exhausted). See the file comment for shutdown.
  RunResult run(std::function<void()> main);

  // go() spawns a fiber on this runtime from any thread, also before or between runs (it
  // then starts with the next run). `name` (copied, up to 47 bytes) appears in reports.
  void go(std::function<void()> fn, const char* name = nullptr);

  // threads() is the number of OS threads run() uses.
  unsigned threads() const noexcept;

 private:
  struct Impl;
  friend struct detail::RuntimeAccess;
  Impl* impl_;
};

// go() spawns a fiber on the current runtime; callable from a fiber (or a poller callback).
// The new fiber runs soon, usually next on this thread once the caller blocks. When the
// caller's run queue overflows (256 queued fibers), go() yields once, so that a loop spawning
// a million fibers lets them run as it goes — what Go's preemption achieves.
void go(std::function<void()> fn, const char* name = nullptr);
// yield() puts the calling fiber at the back of its thread's run queue; off a fiber it yields
// the OS thread.
void yield();
// share_backlog() is called by a fiber about to compute for a while without parking (parsing
// a page): if fibers are queued behind it on this thread and another thread sleeps, that
// thread is woken to take them. A readied fiber otherwise stays where it was readied
// (scheduler README, "Who wakes whom"), which is right for short work and leaves a core idle
// behind long work. Cheap when nothing is queued; off a fiber it does nothing.
void share_backlog() noexcept;
// sleep_for() / sleep_until() park the calling fiber on the runtime's timer heap; a time in
// the past just yields. Off a fiber they block the OS thread.
void sleep_for(Clock::duration d);
void sleep_until(Clock::time_point t);
// threads() is how many OS threads run the caller's runtime (Go's runtime.GOMAXPROCS(0)); 0
// outside a running runtime.
unsigned threads() noexcept;
// set_fiber_name() names the current fiber (copied, up to 47 bytes) for deadlock and leak
// reports.
void set_fiber_name(const char* name);

}  // namespace siteaudit::rt
