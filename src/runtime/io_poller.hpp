// io_poller.hpp — the runtime's epoll instance: fd waits for fibers and watches for libraries.
//
// One epoll fd plus an eventfd to interrupt a blocked epoll_wait. Each fd in use has one
// FdEntry, registered once with the union of what its waiters and its watch want
// (level-triggered). Events carry a registration key, not a pointer, so an event for an fd
// that was just removed (or closed and reused) is recognised as stale and dropped.
//
// Only the holder of the scheduler's poller token calls wait() and dispatch(), so watch
// callbacks are serialised; they run on that worker thread, outside any fiber, without the
// poller's lock held, so they may call watch/rewatch/unwatch and ready().
//
// This is the only file set that includes <sys/epoll.h> (poller.cpp).
//
// Thread safety: watch(), rewatch(), unwatch(), wait_fd() and interrupt() from any thread;
// wait() and dispatch() only by the poller-token holder.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/poller.hpp"

namespace siteaudit::rt::detail {

class Scheduler;

class IoPoller {
 public:
  explicit IoPoller(Scheduler& scheduler);
  ~IoPoller();
  IoPoller(const IoPoller&) = delete;
  IoPoller& operator=(const IoPoller&) = delete;

  // wait() blocks in epoll_wait for at most timeout_ns (-1: no limit, 0: just look) and
  // returns the number of events collected for dispatch().
  int wait(std::int64_t timeout_ns);
  // dispatch() wakes the fibers and runs the watch callbacks for the collected events.
  void dispatch(int count);
  // interrupt() makes a blocked wait() return soon.
  void interrupt() noexcept;

  // has_registrations() says whether any fd wait or watch could still produce an event.
  bool has_registrations() const noexcept {
    return registrations_.load(std::memory_order_seq_cst) > 0;
  }
  std::size_t watch_count() const;
  std::size_t fd_wait_count() const;

  WatchId watch(int fd, std::uint32_t interest, std::function<void(std::uint32_t)> on_event);
  void rewatch(WatchId id, std::uint32_t interest);
  void unwatch(WatchId id);
  void unwatch_fd(int fd);  // see rt::unwatch_fd()
  // wait_fd() parks the calling fiber until fd is ready (readable or writable) or ctx is done.
  IoStatus wait_fd(int fd, bool writable, const Context& ctx);

  // clear() drops every registration; fibers still waiting keep waiting (runtime shutdown).
  void clear();

 private:
  struct Waiter;
  struct Watch;
  struct FdEntry;
  struct ArmRequest;

  static void arm(void* request);
  static void complete(Waiter& waiter, IoStatus status) noexcept;
  FdEntry* entry_for(int fd);
  // update_interest() tells the kernel what `entry` needs; `lazy` keeps a wider registration
  // of a watch until it reports something unwanted. Returns 0 or an errno value.
  int update_interest(FdEntry* entry, bool lazy = true);
  void erase_if_unused(FdEntry* entry);

  Scheduler& scheduler_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::atomic<bool> interrupt_pending_{false};
  std::atomic<std::int64_t> registrations_{0};

  mutable std::mutex mutex_;
  std::unordered_map<int, FdEntry*> by_fd_;
  std::unordered_map<std::uint64_t, FdEntry*> by_key_;
  std::unordered_map<WatchId, Watch*> watches_;
  std::uint64_t next_key_ = 1;
  WatchId next_watch_ = 1;
  std::size_t fd_waiters_ = 0;

  std::vector<unsigned char> events_;  // epoll_event buffer, used by the token holder only
};

}  // namespace siteaudit::rt::detail
