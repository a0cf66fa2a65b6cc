// mutex.hpp — a fiber-aware mutual-exclusion lock, and the spin lock primitives build on.
//
// rt::Mutex is Go's sync.Mutex for fibers: a fiber that finds it locked is parked and its OS
// thread runs other fibers; unlock() hands ownership straight to the longest waiter (FIFO), so
// no waiter starves. It satisfies the standard Lockable requirements and therefore works with
// std::lock_guard, std::unique_lock and std::scoped_lock.
//
// detail::SpinLock is the short lock that guards the state of channels, WaitGroup, Once and
// Mutex itself. It is held for a few instructions only, never across a park (park()'s unlock
// hook releases it once the fiber is off its stack).
//
// Example:
//   rt::Mutex mu;
//   int hits = 0;
//   for (int i = 0; i < 8; ++i) rt::go([&] { std::lock_guard lock(mu); ++hits; });
//
// Thread safety: lock(), try_lock() and unlock() may be called from any fiber on any thread.
// lock() must be called from a fiber (it parks); try_lock() and unlock() work anywhere.
// Like Go's, the mutex is not tied to a fiber: any fiber may unlock it.
#pragma once

#include <atomic>
#include <cstdint>

#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::rt {
namespace detail {

// SpinLock is a test-and-test-and-set lock for critical sections of a few instructions.
class SpinLock {
 public:
  // lock() acquires the lock, spinning (then yielding the OS thread) while another holds it.
  void lock() noexcept {
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    lock_slow();
  }
  // try_lock() acquires the lock if it is free and returns whether it did.
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  // unlock() releases the lock.
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  // unlock_hook() is park()'s unlock callback for a SpinLock passed as `arg`.
  static void unlock_hook(void* lock) noexcept { static_cast<SpinLock*>(lock)->unlock(); }

 private:
  void lock_slow() noexcept;
  std::atomic<bool> locked_{false};
};

// FiberQueue is an intrusive FIFO of parked fibers; its nodes live on the parked fibers' stacks.
struct FiberQueueNode {
  Fiber* fiber = nullptr;
  FiberQueueNode* next = nullptr;
};

class FiberQueue {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  void push(FiberQueueNode* node) noexcept {
    node->next = nullptr;
    if (tail_ != nullptr) {
      tail_->next = node;
    } else {
      head_ = node;
    }
    tail_ = node;
  }
  FiberQueueNode* pop() noexcept {
    FiberQueueNode* node = head_;
    if (node != nullptr) {
      head_ = node->next;
      if (head_ == nullptr) tail_ = nullptr;
    }
    return node;
  }
  // take_all() empties the queue and returns its former head (a list linked through `next`).
  FiberQueueNode* take_all() noexcept {
    FiberQueueNode* all = head_;
    head_ = tail_ = nullptr;
    return all;
  }

 private:
  FiberQueueNode* head_ = nullptr;
  FiberQueueNode* tail_ = nullptr;
};

// ready_all() readies every fiber of a list returned by FiberQueue::take_all(). Each node's
// `next` is read before its fiber is readied, because the node dies once its fiber runs.
void ready_all(FiberQueueNode* list) noexcept;

}  // namespace detail

class Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  // ~Mutex() aborts with a message when the mutex is destroyed while fibers wait for it.
  ~Mutex();

  // lock() acquires the mutex, parking the calling fiber (WaitReason::mutex) while another
  // holds it. Not recursive: a fiber locking a mutex it holds waits forever (and the deadlock
  // detector names this mutex).
  void lock() {
    std::uint32_t expected = kUnlocked;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    lock_slow();
  }
  // try_lock() acquires the mutex if it is free and returns whether it did; never parks.
  bool try_lock() noexcept {
    std::uint32_t expected = kUnlocked;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }
  // unlock() releases the mutex, handing it to the first waiting fiber if there is one.
  // Unlocking a mutex that is not locked aborts with a message.
  void unlock() {
    std::uint32_t expected = kLocked;
    if (state_.compare_exchange_strong(expected, kUnlocked, std::memory_order_release,
                                       std::memory_order_relaxed)) {
      return;
    }
    unlock_slow();
  }

 private:
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;     // held, nobody waiting
  static constexpr std::uint32_t kContended = 2;  // held, fibers may be waiting

  void lock_slow();
  void unlock_slow();

  std::atomic<std::uint32_t> state_{kUnlocked};
  detail::SpinLock guard_;  // guards waiters_
  detail::FiberQueue waiters_;
};

}  // namespace siteaudit::rt
