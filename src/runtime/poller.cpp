// poller.cpp — epoll + eventfd readiness for fibers and callback-driven libraries.
//
// The one file that includes <sys/epoll.h>. See io_poller.hpp for the model and README.md for
// how the poller token and the idle workers share the epoll instance.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include "runtime/io_poller.hpp"
#include "runtime/scheduler.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::rt {

namespace detail {

namespace {

constexpr std::uint64_t kInterruptKey = 0;  // registration keys start at 1
constexpr int kMaxEvents = 128;

// epoll_pwait2 (Linux 5.11) takes a timeout in nanoseconds, which timers want. Older kernels,
// still under many containers (RHEL 8's 4.18, Ubuntu 20.04's 5.4), and valgrind answer ENOSYS:
// wait() then uses epoll_wait, from the first such answer on. Ignoring the answer, as wait()
// did, left every fd unwatched and the poller spinning (I/O moved only on libcurl's timeouts).
std::atomic<bool> epoll_pwait2_works{true};

IoStatus status_for(ContextError error) noexcept {
  return error == ContextError::deadline_exceeded ? IoStatus::deadline_exceeded
                                                  : IoStatus::cancelled;
}

}  // namespace

// Waiter is one fiber in wait_fd(). Shared with the context and deadline callbacks, which
// may still be running on another thread when the fiber has already moved on.
struct IoPoller::Waiter {
  Fiber* fiber = nullptr;
  bool writable = false;
  bool linked = false;  // in its FdEntry's list (guarded by the poller's mutex)
  std::atomic<bool> done{false};
  IoStatus status = IoStatus::ready;
};

struct IoPoller::Watch {
  WatchId id = 0;
  FdEntry* entry = nullptr;
  std::uint32_t interest = 0;
  std::function<void(std::uint32_t)> on_event;
  bool running = false;  // its callback runs now (on running_on)
  bool removed = false;  // unwatch() was called while it ran; the dispatcher frees it
  std::thread::id running_on;
};

struct IoPoller::FdEntry {
  int fd = -1;
  std::uint64_t key = 0;
  std::uint32_t registered = 0;  // epoll events as last told to the kernel
  std::vector<Waiter*> readers;
  std::vector<Waiter*> writers;
  Watch* watch = nullptr;
};

// ArmRequest carries wait_fd()'s state into the park hook, which registers the waiter once the
// fiber is off its stack.
struct IoPoller::ArmRequest {
  IoPoller* poller;
  std::shared_ptr<Waiter> waiter;
  int fd;
  const Context* ctx;
  Context::CallbackId callback = 0;
  TimerId timer = 0;
};

IoPoller::IoPoller(Scheduler& scheduler) : scheduler_(scheduler) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  event_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || event_fd_ < 0) fatal("cannot create the runtime's epoll or eventfd");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kInterruptKey;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &event) != 0) {
    fatal("cannot register the runtime's eventfd with epoll");
  }
  events_.resize(sizeof(epoll_event) * kMaxEvents);
}

IoPoller::~IoPoller() {
  clear();
  ::close(event_fd_);
  ::close(epoll_fd_);
}

void IoPoller::interrupt() noexcept {
  if (interrupt_pending_.exchange(true)) return;  // one write is enough until it is read
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(event_fd_, &one, sizeof(one));
}

int IoPoller::wait(std::int64_t timeout_ns) {
  auto* events = reinterpret_cast<epoll_event*>(events_.data());
  if (epoll_pwait2_works.load(std::memory_order_relaxed)) {
    timespec timeout{};
    timespec* limit = nullptr;
    if (timeout_ns >= 0) {
      timeout.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(timeout_ns % 1'000'000'000);
      limit = &timeout;
    }
    const int n = ::epoll_pwait2(epoll_fd_, events, kMaxEvents, limit, nullptr);
    if (n >= 0) return n;
    if (errno != ENOSYS) return 0;  // EINTR: the caller loops anyway
    epoll_pwait2_works.store(false, std::memory_order_relaxed);
  }
  // Milliseconds rounded up: a timer is never woken for before it is due (that would spin).
  const std::int64_t rounded_ms =
      timeout_ns / 1'000'000 + (timeout_ns % 1'000'000 != 0 ? 1 : 0);  // no overflow near max
  const int timeout_ms =
      timeout_ns < 0
          ? -1
          : static_cast<int>(std::min<std::int64_t>(rounded_ms, std::numeric_limits<int>::max()));
  const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  return n < 0 ? 0 : n;
}

void IoPoller::dispatch(int count) {
  auto* events = reinterpret_cast<epoll_event*>(events_.data());
  for (int i = 0; i < count; ++i) {
    const std::uint64_t key = events[i].data.u64;
    const std::uint32_t got = events[i].events;
    if (key == kInterruptKey) {
      std::uint64_t value = 0;
      [[maybe_unused]] ssize_t read_bytes = ::read(event_fd_, &value, sizeof(value));
      interrupt_pending_.store(false);
      continue;
    }
    scheduler_.dispatched_event();
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) continue;  // removed since epoll_wait collected it
    FdEntry* entry = it->second;
    const bool failed = (got & (EPOLLERR | EPOLLHUP)) != 0;
    if ((got & (EPOLLIN | EPOLLRDHUP)) != 0 || failed) {
      for (Waiter* waiter : entry->readers) {
        waiter->linked = false;
        complete(*waiter, IoStatus::ready);
      }
      fd_waiters_ -= entry->readers.size();
      entry->readers.clear();
    }
    if ((got & EPOLLOUT) != 0 || failed) {
      for (Waiter* waiter : entry->writers) {
        waiter->linked = false;
        complete(*waiter, IoStatus::ready);
      }
      fd_waiters_ -= entry->writers.size();
      entry->writers.clear();
    }
    Watch* watch = entry->watch;
    std::uint32_t bits = 0;
    if (watch != nullptr) {
      if ((got & EPOLLIN) != 0 && (watch->interest & kReadable) != 0) bits |= kReadable;
      if ((got & EPOLLOUT) != 0 && (watch->interest & kWritable) != 0) bits |= kWritable;
      if (failed) bits |= kError | (watch->interest & (kReadable | kWritable));
      if (bits != 0) {
        watch->running = true;
        watch->running_on = std::this_thread::get_id();
      }
    }
    // Strict here: a report nobody wanted (a watch lowered its interest lazily) disarms it.
    update_interest(entry, /*lazy=*/false);
    if (bits == 0) continue;
    lock.unlock();
    watch->on_event(bits);  // level-triggered: it fires again while the condition holds
    lock.lock();
    // Read `removed` first: once `running` is false an unwatch() on another thread frees it.
    const bool removed = watch->removed;
    watch->running = false;
    if (removed) delete watch;
  }
}

void IoPoller::complete(Waiter& waiter, IoStatus status) noexcept {
  if (waiter.done.exchange(true, std::memory_order_acq_rel)) return;  // someone else won
  waiter.status = status;
  ready(waiter.fiber);
}

IoPoller::FdEntry* IoPoller::entry_for(int fd) {
  auto it = by_fd_.find(fd);
  if (it != by_fd_.end()) return it->second;
  auto* entry = new FdEntry;
  entry->fd = fd;
  entry->key = next_key_++;
  by_fd_.emplace(fd, entry);
  by_key_.emplace(entry->key, entry);
  return entry;
}

int IoPoller::update_interest(FdEntry* entry, bool lazy) {
  std::uint32_t want = 0;
  if (!entry->readers.empty()) want |= EPOLLIN | EPOLLRDHUP;
  if (!entry->writers.empty()) want |= EPOLLOUT;
  if (entry->watch != nullptr) {
    if ((entry->watch->interest & kReadable) != 0) want |= EPOLLIN;
    if ((entry->watch->interest & kWritable) != 0) want |= EPOLLOUT;
  }
  int error = 0;
  // Lowering a watch's interest is lazy: the kernel keeps the wider registration, dispatch()
  // filters what nobody asked for and disarms it only if such a report actually comes. A
  // watch muted and restored before its fd reports again (the curl driver does this for
  // every event that arrives while another thread drives) then costs no epoll_ctl at all,
  // where it cost a DEL and an ADD. Only for watches: their entry lives until unwatch(), and
  // a watched fd must be unwatched before it is closed, so the registration cannot go stale.
  const bool keep = lazy && entry->watch != nullptr && (want & ~entry->registered) == 0;
  if (want != entry->registered && !keep) {
    if (want == 0) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, entry->fd, nullptr);  // fails harmlessly if closed
      entry->registered = 0;
    } else {
      epoll_event event{};
      event.events = want;
      event.data.u64 = entry->key;
      int op = entry->registered == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
      int rc = ::epoll_ctl(epoll_fd_, op, entry->fd, &event);
      if (rc != 0 && op == EPOLL_CTL_MOD && errno == ENOENT) {
        // The fd was closed (which removed it from epoll) and its number reused.
        rc = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, entry->fd, &event);
      } else if (rc != 0 && op == EPOLL_CTL_ADD && errno == EEXIST) {
        rc = ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, entry->fd, &event);
      }
      if (rc == 0) {
        entry->registered = want;
      } else {
        error = errno;
      }
    }
  }
  erase_if_unused(entry);
  return error;
}

void IoPoller::erase_if_unused(FdEntry* entry) {
  if (!entry->readers.empty() || !entry->writers.empty() || entry->watch != nullptr) return;
  if (entry->registered != 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, entry->fd, nullptr);
  by_fd_.erase(entry->fd);
  by_key_.erase(entry->key);
  delete entry;
}

std::size_t IoPoller::watch_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return watches_.size();
}

std::size_t IoPoller::fd_wait_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fd_waiters_;
}

WatchId IoPoller::watch(int fd, std::uint32_t interest,
                        std::function<void(std::uint32_t)> on_event) {
  WatchId id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    FdEntry* entry = entry_for(fd);
    if (entry->watch != nullptr) {
      errno = EEXIST;  // one watch per fd
      return 0;
    }
    auto* watch = new Watch;
    watch->id = next_watch_++;
    watch->entry = entry;
    watch->interest = interest;
    watch->on_event = std::move(on_event);
    entry->watch = watch;
    if (const int error = update_interest(entry); error != 0) {
      entry->watch = nullptr;
      erase_if_unused(entry);
      delete watch;
      errno = error;
      return 0;
    }
    watches_.emplace(watch->id, watch);
    registrations_.fetch_add(1);
    id = watch->id;
  }
  scheduler_.registration_added();
  return id;
}

void IoPoller::rewatch(WatchId id, std::uint32_t interest) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = watches_.find(id);
    if (it == watches_.end()) return;
    it->second->interest = interest;
    update_interest(it->second->entry);
  }
  scheduler_.registration_added();
}

void IoPoller::unwatch(WatchId id) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = watches_.find(id);
  if (it == watches_.end()) return;
  Watch* watch = it->second;
  watches_.erase(it);
  registrations_.fetch_sub(1);
  FdEntry* entry = watch->entry;
  entry->watch = nullptr;
  update_interest(entry);  // may free the entry
  watch->entry = nullptr;
  if (watch->running && watch->running_on == std::this_thread::get_id()) {
    watch->removed = true;  // unwatch from inside its own callback: the dispatcher frees it
    return;
  }
  // Promised to callers: once unwatch() returns the callback is not running. Callbacks are
  // short (they must not block), so wait for one in flight on another thread.
  while (watch->running) {
    lock.unlock();
    std::this_thread::yield();
    lock.lock();
  }
  lock.unlock();
  delete watch;
}

void IoPoller::unwatch_fd(int fd) {
  WatchId id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_fd_.find(fd);
    if (it == by_fd_.end() || it->second->watch == nullptr) return;
    id = it->second->watch->id;
  }
  unwatch(id);  // a watch removed meanwhile is simply not found
}

IoStatus IoPoller::wait_fd(int fd, bool writable, const Context& ctx) {
  Fiber* fiber = current_fiber();
  if (fiber == nullptr) fatal("wait_readable()/wait_writable() called outside a fiber");
  if (const ContextError error = ctx.err(); error != ContextError::none) {
    return status_for(error);
  }
  ArmRequest request{this, std::make_shared<Waiter>(), fd, &ctx};
  request.waiter->fiber = fiber;
  request.waiter->writable = writable;
  fiber->unwind_safe = true;
  park(WaitReason::io, request.waiter.get(), &IoPoller::arm, &request);
  fiber->unwind_safe = false;

  // Disarm every source that might still fire; each reaches the waiter at most once.
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Waiter* waiter = request.waiter.get();
    if (waiter->linked) {
      auto it = by_fd_.find(fd);
      if (it != by_fd_.end()) {
        auto& list = writable ? it->second->writers : it->second->readers;
        std::erase(list, waiter);
        --fd_waiters_;
        update_interest(it->second);
      }
      waiter->linked = false;
    }
  }
  if (request.callback != 0) ctx.remove_on_done(request.callback);
  if (request.timer != 0) scheduler_.cancel_timer(request.timer);
  registrations_.fetch_sub(1);
  if (fiber->unwinding) throw FiberUnwind{};
  return request.waiter->status;
}

void IoPoller::arm(void* arg) {
  auto* request = static_cast<ArmRequest*>(arg);
  IoPoller& self = *request->poller;
  std::shared_ptr<Waiter> waiter = request->waiter;
  self.registrations_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(self.mutex_);
    FdEntry* entry = self.entry_for(request->fd);
    (waiter->writable ? entry->writers : entry->readers).push_back(waiter.get());
    waiter->linked = true;
    ++self.fd_waiters_;
    if (self.update_interest(entry) != 0) {
      // Not pollable (a regular file: EPERM) or not an fd (EBADF): report it ready, and the
      // caller's read or write says what is wrong.
      auto& list = waiter->writable ? entry->writers : entry->readers;
      std::erase(list, waiter.get());
      --self.fd_waiters_;
      waiter->linked = false;
      self.erase_if_unused(entry);
      complete(*waiter, IoStatus::ready);
      return;
    }
  }
  const Context* ctx = request->ctx;
  request->callback = ctx->on_done([waiter, ctx] { complete(*waiter, status_for(ctx->err())); });
  if (std::optional<Clock::time_point> deadline = ctx->deadline()) {
    request->timer = self.scheduler_.add_timer(
        *deadline, [waiter] { complete(*waiter, IoStatus::deadline_exceeded); });
  }
  self.scheduler_.registration_added();
}

void IoPoller::clear() {
  std::vector<Watch*> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [fd, entry] : by_fd_) {
      if (entry->registered != 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      for (Waiter* waiter : entry->readers) waiter->linked = false;
      for (Waiter* waiter : entry->writers) waiter->linked = false;
      if (entry->watch != nullptr) dropped.push_back(entry->watch);
      delete entry;
    }
    by_fd_.clear();
    by_key_.clear();
    watches_.clear();
    registrations_.fetch_sub(static_cast<std::int64_t>(dropped.size()));
    fd_waiters_ = 0;
  }
  for (Watch* watch : dropped) delete watch;  // callbacks' captures die outside the lock
}

}  // namespace detail

IoStatus wait_readable(int fd, const Context& ctx) {
  detail::Fiber* fiber = detail::current_fiber();
  if (fiber == nullptr) fatal("wait_readable() called outside a fiber");
  return fiber->scheduler->poller().wait_fd(fd, /*writable=*/false, ctx);
}

IoStatus wait_writable(int fd, const Context& ctx) {
  detail::Fiber* fiber = detail::current_fiber();
  if (fiber == nullptr) fatal("wait_writable() called outside a fiber");
  return fiber->scheduler->poller().wait_fd(fd, /*writable=*/true, ctx);
}

WatchId watch(int fd, std::uint32_t interest, std::function<void(std::uint32_t events)> on_event) {
  detail::Scheduler* scheduler = detail::Scheduler::current();
  if (scheduler == nullptr) fatal("watch() called while no Runtime is running");
  return scheduler->poller().watch(fd, interest, std::move(on_event));
}

void rewatch(WatchId id, std::uint32_t interest) {
  if (detail::Scheduler* scheduler = detail::Scheduler::current()) {
    scheduler->poller().rewatch(id, interest);
  }
}

void unwatch(WatchId id) {
  if (detail::Scheduler* scheduler = detail::Scheduler::current()) {
    scheduler->poller().unwatch(id);
  }
}

void unwatch_fd(int fd) {
  if (detail::Scheduler* scheduler = detail::Scheduler::current()) {
    scheduler->poller().unwatch_fd(fd);
  }
}

}  // namespace siteaudit::rt
