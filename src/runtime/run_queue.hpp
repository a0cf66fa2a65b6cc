// run_queue.hpp — a worker's local run queue: Go's 256-slot lock-free ring plus a runnext slot.
//
// The owning worker pushes at the tail and pops at the head; thieves on other workers take
// half the ring with one CAS on the head (runtime/proc.go runqput/runqget/runqgrab). Slots are
// atomics so that a thief reading a slot the owner is overwriting is a benign, well-defined
// race (the thief's CAS on head then fails and it retries), not undefined behaviour.
//
// runnext holds the fiber readied by the running fiber; it runs next and inherits the rest of
// the time slice, which makes channel hand-offs cost one switch instead of a trip round the
// queue.
//
// Thread safety: push(), pop() and take_half() only on the owner's thread; steal_from() on the
// thief's thread (stealing into its own, empty, ring); empty() from anywhere (a hint).
#pragma once

#include <atomic>
#include <cstdint>

namespace siteaudit::rt::detail {

struct Fiber;

class RunQueue {
 public:
  static constexpr std::uint32_t kCapacity = 256;

  // push() appends at the tail; returns false when the ring is full.
  bool push(Fiber* fiber) noexcept {
    const std::uint32_t head = head_.load(std::memory_order_acquire);
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head >= kCapacity) return false;
    slots_[tail % kCapacity].store(fiber, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // pop() takes from the head, or returns nullptr when the ring is empty. runnext is separate.
  Fiber* pop() noexcept {
    std::uint32_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
      if (tail == head) return nullptr;
      Fiber* fiber = slots_[head % kCapacity].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        return fiber;
      }
    }
  }

  // take_half() moves the older half of a full ring into `batch` (for the global queue) and
  // returns how many; 0 when the ring is no longer full (a thief got there first: retry push).
  std::uint32_t take_half(Fiber** batch) noexcept {
    std::uint32_t head = head_.load(std::memory_order_acquire);
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint32_t n = (tail - head) / 2;
    if (n != kCapacity / 2) return 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      batch[i] = slots_[(head + i) % kCapacity].load(std::memory_order_relaxed);
    }
    if (!head_.compare_exchange_strong(head, head + n, std::memory_order_acq_rel)) return 0;
    return n;
  }

  // steal_from() moves half of `victim`'s ring into this (empty) ring and returns one fiber to
  // run now, or nullptr. With take_runnext it also takes the victim's runnext when the ring
  // is empty — only as a last resort, because that fiber is usually about to run on its owner.
  Fiber* steal_from(RunQueue& victim, bool take_runnext) noexcept {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    std::uint32_t n = victim.grab(slots_, tail, take_runnext);
    if (n == 0) return nullptr;
    --n;
    Fiber* fiber = slots_[(tail + n) % kCapacity].load(std::memory_order_relaxed);
    if (n != 0) tail_.store(tail + n, std::memory_order_release);
    return fiber;
  }

  // empty() says whether both the ring and runnext look empty.
  bool empty() const noexcept {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire) &&
           runnext.load(std::memory_order_acquire) == nullptr;
  }
  bool ring_empty() const noexcept {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

  // clear() forgets every queued fiber; only while no worker runs (runtime shutdown).
  void clear() noexcept {
    head_.store(0, std::memory_order_relaxed);
    tail_.store(0, std::memory_order_relaxed);
    runnext.store(nullptr, std::memory_order_relaxed);
  }

  std::atomic<Fiber*> runnext{nullptr};

 private:
  // grab() copies half of this ring into dst starting at dst_tail and commits by CAS on head.
  std::uint32_t grab(std::atomic<Fiber*>* dst, std::uint32_t dst_tail, bool take_runnext) noexcept {
    for (;;) {
      std::uint32_t head = head_.load(std::memory_order_acquire);
      const std::uint32_t tail = tail_.load(std::memory_order_acquire);
      std::uint32_t n = tail - head;
      n -= n / 2;
      if (n == 0) {
        if (!take_runnext) return 0;
        Fiber* next = runnext.load(std::memory_order_acquire);
        if (next == nullptr ||
            !runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
          return 0;
        }
        dst[dst_tail % kCapacity].store(next, std::memory_order_relaxed);
        return 1;
      }
      if (n > kCapacity / 2) continue;  // head and tail read at different times; retry
      for (std::uint32_t i = 0; i < n; ++i) {
        dst[(dst_tail + i) % kCapacity].store(
            slots_[(head + i) % kCapacity].load(std::memory_order_relaxed),
            std::memory_order_relaxed);
      }
      if (head_.compare_exchange_strong(head, head + n, std::memory_order_acq_rel)) return n;
    }
  }

  alignas(64) std::atomic<std::uint32_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};
  std::atomic<Fiber*> slots_[kCapacity] = {};
};

}  // namespace siteaudit::rt::detail
