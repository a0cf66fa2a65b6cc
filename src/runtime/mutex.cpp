// mutex.cpp — SpinLock's slow path, the fiber-aware Mutex, and the shared misuse abort.
#include "siteaudit/runtime/mutex.hpp"

#include <sched.h>

#include <cstdio>
#include <cstdlib>

namespace siteaudit::rt {
namespace detail {
namespace {
// The longest wait between two looks at a held SpinLock, in pauses (about 3 us where a pause
// takes 11 ns), reached after eight doublings (255 pauses); from then on every look also
// yields the CPU.
constexpr unsigned kMaxBackoff = 256;
}  // namespace

void SpinLock::lock_slow() noexcept {
  // Test-and-test-and-set with exponential backoff. Every look at the lock word pulls its cache
  // line away from the holder, whose next lock or unlock must then fetch it back: with two
  // threads hammering one channel, a waiter that looks every few nanoseconds costs the holder a
  // cache-line transfer per operation (300 ns a round trip between this machine's two vCPUs).
  // Looking less and less often lets the holder run many operations on a line it keeps.
  // Once the wait is long (a few microseconds), also give the CPU away at every look: the
  // holder may have been descheduled by the OS (2 cores shared by many threads), and spinning
  // would only delay it further.
  unsigned backoff = 1;
  for (;;) {
    if (!locked_.load(std::memory_order_relaxed) &&
        !locked_.exchange(true, std::memory_order_acquire)) {
      return;
    }
    for (unsigned i = 0; i < backoff; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (backoff < kMaxBackoff) {
      backoff *= 2;
    } else {
      sched_yield();
    }
  }
}

void ready_all(FiberQueueNode* list) noexcept {
  while (list != nullptr) {
    FiberQueueNode* next = list->next;  // the node lives on a stack that may die once readied
    ready(list->fiber);
    list = next;
  }
}

}  // namespace detail

Mutex::~Mutex() {
  guard_.lock();
  const bool has_waiters = !waiters_.empty();
  guard_.unlock();
  if (has_waiters)
    detail::fatal_misuse("sync: Mutex destroyed while fibers wait for it", "Mutex", this);
}

void Mutex::lock_slow() {
  guard_.lock();
  // Announce contention so that the holder's unlock() takes the slow path and looks at
  // waiters_. If the holder released in the meantime, the exchange acquired the mutex.
  if (state_.exchange(kContended, std::memory_order_acquire) == kUnlocked) {
    guard_.unlock();
    return;
  }
  detail::FiberQueueNode self{detail::current_fiber(), nullptr};
  waiters_.push(&self);
  // guard_ is released only once this fiber is off its stack, so unlock_slow() cannot ready
  // it before it is parked. On wake-up the mutex has been handed to us: state_ stays held.
  detail::park(detail::WaitReason::mutex, this, detail::SpinLock::unlock_hook, &guard_);
}

void Mutex::unlock_slow() {
  guard_.lock();
  if (state_.load(std::memory_order_relaxed) == kUnlocked) {
    guard_.unlock();
    detail::fatal_misuse("sync: unlock of unlocked mutex", "Mutex", this);
  }
  detail::FiberQueueNode* next_owner = waiters_.pop();
  if (next_owner == nullptr) {
    state_.store(kUnlocked, std::memory_order_release);
    guard_.unlock();
    return;
  }
  // Direct hand-off: the mutex stays held on the new owner's behalf, so a fiber arriving now
  // cannot barge in ahead of a waiter that has queued longer.
  state_.store(waiters_.empty() ? kLocked : kContended, std::memory_order_release);
  detail::Fiber* fiber = next_owner->fiber;
  guard_.unlock();
  detail::ready(fiber);
}

}  // namespace siteaudit::rt
