// introspection.hpp — counts of what a runtime holds, for tests and diagnostics.
//
// Tests use it to check at teardown that no fiber, timer, fd wait or watch is left behind.
//
// Example:
//   rt::Runtime runtime({.threads = 2});
//   runtime.run([] { ... });
//   REQUIRE(rt::detail::snapshot(runtime).live_fibers == 0);
//
// Thread safety: snapshot() may be called from any thread; the counts are a moment's view.
#pragma once

#include <cstddef>
#include <cstdint>

namespace siteaudit::rt {

class Runtime;

namespace detail {

struct RuntimeSnapshot {
  std::size_t live_fibers = 0;      // alive, including the caller when taken from a fiber
  std::size_t timers = 0;           // pending timers
  std::size_t watches = 0;          // poller watches
  std::size_t fd_waits = 0;         // fibers in wait_readable / wait_writable
  std::size_t stack_slots = 0;      // stacks ever mapped (pooled and live)
  std::size_t abandoned = 0;        // fibers left suspended at a previous shutdown
  bool guard_uses_madvise = false;  // guard pages cost no memory mapping
  std::uint64_t wakeups = 0;        // idle workers woken for new work, since construction
  std::uint64_t takeovers = 0;      // times the watcher took over from a stuck worker
  std::uint64_t helpers = 0;        // times it helped a saturated worker, with CPU to spare
};

// snapshot() counts what `runtime` holds; after run() returns, what its shutdown left.
RuntimeSnapshot snapshot(const Runtime& runtime);
// current_snapshot() counts what the running runtime holds (from a fiber or worker thread).
RuntimeSnapshot current_snapshot();

// assume_idle_cpu() makes the watcher of `runtime` take the machine as having a free core
// when it looks at a saturated worker, without reading /proc/stat (for tests).
void assume_idle_cpu(Runtime& runtime, bool assume);

}  // namespace detail
}  // namespace siteaudit::rt
