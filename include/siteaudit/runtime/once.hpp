// once.hpp — run an action exactly once, like Go's sync.Once.
//
// Once::call(fn) runs fn the first time it is called; every other call, concurrent or later,
// returns only after that first fn has finished, without running its own fn. Concurrent
// callers are parked (WaitReason::once) rather than spinning, so their threads run other
// fibers meanwhile. As in Go, a fn that exits by an exception still counts as done: the
// exception reaches the first caller and later calls do nothing.
//
// Example:
//   rt::Once load_rules;
//   Rules rules;
//   rt::go([&] { load_rules.call([&] { rules = parse(file); }); check(rules); });
//
// Thread safety: call() may be called from any fiber on any thread; it must run on a fiber
// when another call may be in progress. Calling call() on the same Once from inside fn waits
// forever (the deadlock detector names this Once).
#pragma once

#include <atomic>
#include <functional>
#include <utility>

#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::rt {

class Once {
 public:
  Once() = default;
  Once(const Once&) = delete;
  Once& operator=(const Once&) = delete;

  // call() runs `fn` if no call has run one yet, else waits until the first one finished.
  template <typename F>
  void call(F&& fn) {
    if (done_.load(std::memory_order_acquire)) return;  // fast path once initialised
    if (!begin()) return;
    struct Finish {
      Once* once;
      ~Finish() { once->finish(); }
    } finish{this};
    std::invoke(std::forward<F>(fn));
  }

  // done() says whether a call has finished running its fn.
  bool done() const noexcept { return done_.load(std::memory_order_acquire); }

 private:
  // begin() returns true when the caller must run fn; otherwise it returns once fn has run.
  bool begin();
  void finish() noexcept;

  std::atomic<bool> done_{false};
  detail::SpinLock lock_;
  bool running_ = false;
  detail::FiberQueue waiters_;
};

}  // namespace siteaudit::rt
