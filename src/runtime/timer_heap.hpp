// timer_heap.hpp — the runtime's one timer structure: a binary min-heap of deadlines.
//
// Shared by sleep_for(), after(), Context deadlines and the poller. The earliest deadline is
// mirrored in an atomic so that the idle poller can bound its epoll timeout and busy workers
// can check for due timers without taking the lock.
//
// Thread safety: all members may be called from any thread. Callbacks never run under the
// heap's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "siteaudit/runtime/detail/park.hpp"

namespace siteaudit::rt::detail {

class TimerHeap {
 public:
  // add() registers `fire` for `when`; *earliest is set when it became the first deadline.
  TimerId add(Clock::time_point when, std::function<void()> fire, bool* earliest);
  // cancel() removes a timer that has not been taken for firing; see detail::cancel_timer().
  bool cancel(TimerId id) noexcept;
  // take_due() moves the callbacks of every timer due at `now` into `out`, earliest first.
  void take_due(Clock::time_point now, std::vector<std::function<void()>>& out);
  // next_deadline() is the earliest deadline, if any (lock-free).
  std::optional<Clock::time_point> next_deadline() const noexcept;
  // due() says whether the earliest deadline is at or before `now` (lock-free).
  bool due(Clock::time_point now) const noexcept;
  // size() is the number of pending timers.
  std::size_t size() const noexcept { return size_.load(std::memory_order_seq_cst); }
  // clear() drops every pending timer without running it; returns how many there were.
  std::size_t clear();

 private:
  struct Entry {
    Clock::time_point when;
    TimerId id;
    std::size_t index;
    std::function<void()> fire;
  };
  static bool later(const Entry* a, const Entry* b) noexcept { return a->when > b->when; }
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void remove_at(std::size_t i) noexcept;
  void publish_next() noexcept;

  mutable std::mutex mutex_;
  std::vector<Entry*> heap_;
  std::unordered_map<TimerId, std::unique_ptr<Entry>> by_id_;
  TimerId next_id_ = 1;
  std::atomic<std::int64_t> next_ns_{INT64_MAX};
  std::atomic<std::size_t> size_{0};
};

}  // namespace siteaudit::rt::detail
