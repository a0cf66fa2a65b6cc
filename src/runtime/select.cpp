// select.cpp — Go's selectgo over type-erased cases.
#include "siteaudit/runtime/select.hpp"

#include <cstdint>

namespace siteaudit::rt::detail {
namespace {

// next_random() is a per-thread xorshift generator for the poll order. It is read only
// between suspension points, so a fiber migrating threads never holds a stale reference.
[[gnu::noinline]] std::uint32_t next_random() noexcept {
  thread_local std::uint64_t state =
      0x9E3779B97F4A7C15ull ^ reinterpret_cast<std::uintptr_t>(&state);
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return static_cast<std::uint32_t>(state >> 32);
}

// LockSet holds the channels of one select in address order, duplicates adjacent, so that
// two selects over the same channels always lock them in the same order (no lock-order
// deadlock), and a channel named by two cases is locked once.
struct LockSet {
  SelectCase* const* cases;
  const std::uint16_t* order;
  std::size_t count;

  ChannelCore* core_at(std::size_t k) const noexcept { return cases[order[k]]->core; }

  void lock_all() const noexcept {
    for (std::size_t k = 0; k < count; ++k) {
      if (k == 0 || core_at(k) != core_at(k - 1)) core_at(k)->lock.lock();
    }
  }
  void unlock_all() const noexcept {
    for (std::size_t k = count; k-- > 0;) {
      if (k == 0 || core_at(k) != core_at(k - 1)) core_at(k)->lock.unlock();
    }
  }
  static void unlock_hook(void* set) noexcept { static_cast<LockSet*>(set)->unlock_all(); }
};

WaiterQueue& queue_of(SelectCase* c) noexcept {
  return c->kind == SelectCase::Kind::send ? c->core->senders : c->core->receivers;
}

}  // namespace

std::size_t select_cases(SelectCase* const* cases, std::size_t n, std::uint16_t* scratch) {
  std::uint16_t* poll_order = scratch;
  std::uint16_t* lock_order = scratch + n;
  std::size_t polled = 0;
  std::size_t locked = 0;
  std::size_t default_index = n;

  for (std::size_t i = 0; i < n; ++i) {
    SelectCase* c = cases[i];
    if (c->kind == SelectCase::Kind::otherwise) {
      if (default_index != n)
        fatal_misuse("select with more than one otherwise() case", "select", cases);
      default_index = i;
      continue;
    }
    if (c->core == nullptr) continue;  // nil channel: never ready, never queued
    // Inside-out Fisher–Yates: a uniformly random poll order is what makes select fair.
    const std::size_t j = next_random() % (polled + 1);
    poll_order[polled] = poll_order[j];
    poll_order[j] = static_cast<std::uint16_t>(i);
    ++polled;
    // Insertion sort by channel address; selects are small.
    std::size_t k = locked++;
    while (k > 0 && cases[lock_order[k - 1]]->core > c->core) {
      lock_order[k] = lock_order[k - 1];
      --k;
    }
    lock_order[k] = static_cast<std::uint16_t>(i);
  }

  LockSet locks{cases, lock_order, locked};
  locks.lock_all();

  // Pass 1: complete a case that is ready now.
  for (std::size_t k = 0; k < polled; ++k) {
    SelectCase* c = cases[poll_order[k]];
    Fiber* wake = nullptr;
    if (c->poll(c, &wake)) {
      locks.unlock_all();
      if (wake != nullptr) ready(wake);
      return poll_order[k];
    }
  }
  if (default_index != n) {
    locks.unlock_all();
    return default_index;
  }
  if (locked == 0) park_forever(WaitReason::select);  // only nil channels: Go blocks forever

  // Pass 2: queue a waiter on every channel and park. The locks are released by the
  // scheduler once this fiber is off its stack, so no waker can ready it too early.
  SelectState state;
  Fiber* self = current_fiber();
  for (std::size_t k = 0; k < locked; ++k) {
    SelectCase* c = cases[lock_order[k]];
    c->waiter.fiber = self;
    c->waiter.select = &state;
    c->waiter.case_index = lock_order[k];
    c->waiter.success = false;
    queue_of(c).push(&c->waiter);
  }
  park(WaitReason::select, cases[lock_order[0]]->core, LockSet::unlock_hook, &locks);

  // Pass 3: the waker that won `state` completed its case and dequeued its waiter; dequeue
  // the others before this frame (which holds them) goes away. Wakers that lost the race
  // have already dropped the waiters they saw, which remove() tolerates.
  const int winner = state.winner.load(std::memory_order_acquire);
  locks.lock_all();
  for (std::size_t k = 0; k < locked; ++k) {
    if (lock_order[k] != winner) {
      SelectCase* c = cases[lock_order[k]];
      queue_of(c).remove(&c->waiter);
    }
  }
  locks.unlock_all();

  SelectCase* won = cases[winner];
  if (won->kind == SelectCase::Kind::send && !won->waiter.success) {
    won->core->fatal("send on closed channel");
  }
  return static_cast<std::size_t>(winner);
}

}  // namespace siteaudit::rt::detail
