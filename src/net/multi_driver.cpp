// multi_driver.cpp — the curl multi-socket loop, run by whichever thread finds it idle.
#include "multi_driver.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <thread>
#include <utility>

#include "siteaudit/runtime/fatal.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::net::detail {
namespace {

// bump() counts in a stat only the driver writes: a plain load and store, no locked RMW on the
// hot path, while stats() may still read it from another thread without a data race.
void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// idle_connection_cap() is how many connections libcurl may keep open between transfers: all
// that the total limit allows, else enough for several hosts at the per-host limit (256
// descriptors at least, far below any fd limit we raise to).
long idle_connection_cap(const ClientConfig& config) noexcept {
  if (config.max_connections_total > 0) return config.max_connections_total;
  return std::max(256L, 4 * config.max_connections_per_host);
}

// at_most() lowers a limit (0 = none) to `cap` (0 = none).
long at_most(long limit, long cap) noexcept {
  if (cap <= 0) return limit;
  return limit > 0 ? std::min(limit, cap) : cap;
}

}  // namespace

struct MultiDriver::Counters {
  std::atomic<std::uint64_t> drives{0}, ops{0}, socket_actions{0}, watches{0}, timers{0},
      handles_created{0};
};

MultiDriver::MultiDriver(const ClientConfig& config, CURLSH* share, const ProxyEnvironment& proxies,
                         long descriptor_cap)
    : config_(config), counters_(std::make_unique<Counters>()), share_(share), proxies_(proxies) {
  // curl_global_init ran when `share` was made (CurlShare), before any handle.
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    rt::fatal("cannot create a libcurl multi handle (out of memory)");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &MultiDriver::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &MultiDriver::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  // Over a limit, libcurl queues the transfer (PENDING) instead of failing it: back-pressure.
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, config_.max_connections_per_host);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    at_most(config_.max_connections_total, descriptor_cap));
  // Without MAXCONNECTS, libcurl sizes its idle-connection cache at 4 x the transfers in the
  // multi at the moment a transfer ends; whenever the in-flight count dipped (fibers between
  // two fetches), it closed keep-alive connections it needed a moment later: 2,583 connects
  // for 20,000 HEADs at 64 per host. The cache now holds every connection the limits allow.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                    at_most(idle_connection_cap(config_), descriptor_cap));

  connection_limit_ = at_most(config_.max_connections_per_host,
                              at_most(config_.max_connections_total, descriptor_cap));
  token_ = std::make_shared<TimerToken>();
  token_->driver = this;
}

MultiDriver::~MultiDriver() {
  shutdown();
}

Transfer* MultiDriver::acquire(Method method) {
  Transfer* t = nullptr;
  std::vector<Transfer*>& pool = free_[static_cast<int>(method)];
  {
    std::lock_guard lock(pool_mu_);
    if (!pool.empty()) {
      t = pool.back();
      pool.pop_back();
    }
  }
  if (t == nullptr) {
    CURL* easy = curl_easy_init();
    if (easy == nullptr) {
      in_use_.fetch_sub(1, std::memory_order_relaxed);  // the fetch fails: give its claim back
      return nullptr;
    }
    auto owned = std::make_unique<Transfer>(this, easy, method);
    configure_easy(*owned, config_, share_, proxies_);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &MultiDriver::on_open);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, owned.get());
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &MultiDriver::on_close);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
    t = owned.get();
    std::lock_guard lock(pool_mu_);
    all_.push_back(std::move(owned));
    counters_->handles_created.fetch_add(1, std::memory_order_relaxed);
  }
  t->reset_for_fetch();
  return t;
}

void MultiDriver::release(Transfer* t) noexcept {
  in_use_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(pool_mu_);
  free_[static_cast<int>(t->method)].push_back(t);
}

void MultiDriver::start(Transfer* t) noexcept {
  post(Op{OpKind::add, AbortReason::none, t, t->generation.load(std::memory_order_relaxed)});
}

void MultiDriver::abort(Transfer* t, std::uint64_t generation, AbortReason reason) noexcept {
  post(Op{OpKind::abort, reason, t, generation});
}

void MultiDriver::wind_down() noexcept {
  post(Op{OpKind::wind_down});
}

void MultiDriver::unpause(Transfer* t, std::uint64_t generation) noexcept {
  post(Op{OpKind::unpause, AbortReason::none, t, generation});
}

void MultiDriver::post(const Op& op) noexcept {
  {
    std::lock_guard lock(queue_mu_);
    if (closed_) return;
    ops_.push_back(op);
    if (driving_) return;  // the driving thread picks it up before it stops driving
    driving_ = true;
  }
  // libcurl's call chains are deep; on a fiber's small stack they would stay resident for the
  // fiber's life (10-30 KB of every worker's stack). The thread's own stack takes them.
  rt::detail::on_system_stack([](void* self) { static_cast<MultiDriver*>(self)->drive(); }, this);
}

void MultiDriver::post_socket(SocketWatch* w, std::uint32_t events) noexcept {
  {
    std::lock_guard lock(queue_mu_);
    if (closed_) return;
    if (w->pending == 0) socket_events_.push_back(w);
    w->pending |= events;
    if (driving_) {
      // Another thread drives and will handle this event. Level-triggered, the fd would be
      // reported again on every poll until then, and this thread would spin re-posting it
      // (measured: a quarter of the client's CPU). Mute it; the driver restores the interest
      // when it takes the event. Muting under queue_mu_ orders it before that restore.
      const rt::WatchId id = w->id.load(std::memory_order_acquire);
      if (id != 0 && !w->muted.load(std::memory_order_relaxed)) {
        w->muted.store(true, std::memory_order_relaxed);
        rt::rewatch(id, 0);
      }
      return;
    }
    driving_ = true;
  }
  drive();
}

void MultiDriver::free_retired() noexcept {
  {
    // unwatch() returned for each of them, so no callback will post them again; drop what
    // they posted before.
    std::lock_guard lock(queue_mu_);
    std::erase_if(socket_events_, [](const SocketWatch* w) { return w->removed; });
  }
  for (SocketWatch* w : retired_) delete w;
  retired_.clear();
}

void MultiDriver::drive() noexcept {
  bump(counters_->drives);
  for (;;) {
    {
      std::lock_guard lock(queue_mu_);
      // timeout_now_ is driver-owned; reading it here only decides whether to stop driving.
      if (ops_.empty() && socket_events_.empty() && !timeout_now_) {
        driving_ = false;
        return;
      }
      batch_.swap(ops_);
      for (SocketWatch* w : socket_events_) {
        socket_batch_.emplace_back(w, std::exchange(w->pending, 0));
      }
      socket_events_.clear();
    }
    for (const Op& op : batch_) run_op(op);
    batch_.clear();
    for (const auto& [w, events] : socket_batch_) {
      if (w->removed) continue;  // the watch ended after this event was queued
      const bool was_muted = w->muted.exchange(false, std::memory_order_relaxed);
      if (w->idle) {
        // Readiness of a connection curl does not watch (the server closed an idle keep-alive
        // connection, or a stale event): disarm it until curl asks for it again.
        if (!was_muted && w->told != 0) rt::rewatch(w->id.load(std::memory_order_relaxed), 0);
        w->told = 0;
        continue;
      }
      // Restore a muted interest before the action, so readiness left after it is reported.
      if (was_muted) {
        rt::rewatch(w->id.load(std::memory_order_relaxed), w->interest);
        w->told = w->interest;
      }
      int mask = 0;
      if (events & rt::kReadable) mask |= CURL_CSELECT_IN;
      if (events & rt::kWritable) mask |= CURL_CSELECT_OUT;
      if (events & rt::kError) mask |= CURL_CSELECT_ERR;
      socket_action(w->fd, mask);
    }
    socket_batch_.clear();
    // on_timer(0) asked for an immediate timeout action from inside a curl call; run it now
    // that we are outside that call, as often as curl keeps asking.
    while (timeout_now_) {
      timeout_now_ = false;
      socket_action(CURL_SOCKET_TIMEOUT, 0);
    }
    drain_done();
    if (!retired_.empty()) free_retired();
  }
}

void MultiDriver::run_op(const Op& op) noexcept {
  bump(counters_->ops);
  Transfer* t = op.transfer;
  switch (op.kind) {
    case OpKind::add:
      if (t->cancelled.load(std::memory_order_acquire)) {
        t->finish(CURLE_OK, AbortReason::cancelled);  // cancelled before it ever started
        return;
      }
      if (curl_multi_add_handle(multi_, t->easy) != CURLM_OK) {
        t->finish(CURLE_OUT_OF_MEMORY, AbortReason::add_failed);
        return;
      }
      t->in_multi = true;
      return;
    case OpKind::abort:
      if (t->generation.load(std::memory_order_relaxed) != op.generation || !t->in_multi) return;
      // Removing a transfer mid-flight makes libcurl close its connection (its state is
      // unknown), which unregisters the socket through on_socket: nothing stays watched.
      curl_multi_remove_handle(multi_, t->easy);
      t->in_multi = false;
      t->finish(CURLE_OK, op.reason);
      return;
    case OpKind::unpause:
      if (t->generation.load(std::memory_order_relaxed) != op.generation || !t->in_multi) return;
      curl_easy_pause(t->easy, CURLPAUSE_CONT);
      return;
    case OpKind::timeout:
      if (op.generation == timer_serial_) timer_ = 0;  // it fired: nothing left to cancel
      socket_action(CURL_SOCKET_TIMEOUT, 0);
      // curl calls on_timer only when its earliest deadline changes. A timer that fired
      // before the deadline curl last announced (on_timer kept it) finds nothing due, and curl
      // stays silent: arm for that deadline now, or it would never be acted on.
      if (timer_ == 0 && wants_timeout_) {
        arm_timer(std::max(wanted_, rt::Clock::now() + std::chrono::milliseconds(1)));
      }
      return;
    case OpKind::wind_down:
      wind_down_wanted_ = true;
      wind_down_if_nobody_waits();
      return;
  }
}

void MultiDriver::socket_action(int fd, int mask) noexcept {
  bump(counters_->socket_actions);
  int running = 0;
  curl_multi_socket_action(multi_, fd, mask, &running);
}

void MultiDriver::drain_done() noexcept {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;  // msg dies with the remove below
    Transfer* t = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
    curl_multi_remove_handle(multi_, easy);
    t->in_multi = false;
    t->finish(result, AbortReason::none);
  }
  if (wind_down_wanted_) wind_down_if_nobody_waits();
}

void MultiDriver::wind_down_if_nobody_waits() noexcept {
  // More fetches claimed than the multi may connect: some wait for a connection (libcurl's
  // PENDING), and each needs the next one handed back. A run with more workers than
  // connections is in that state when its last Job is taken.
  if (connection_limit_ > 0 && in_use() > connection_limit_) return;
  // libcurl compares the cache's size with this when a transfer hands its connection back,
  // and closes the oldest idle connection when it is over. One, not zero: zero means
  // "no limit".
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 1L);
  wind_down_wanted_ = false;
}

int MultiDriver::on_socket(CURL*, curl_socket_t s, int what, void* self, void*) noexcept {
  // Runs inside a curl_multi_* call on the driving thread: record, never call back into curl.
  auto* d = static_cast<MultiDriver*>(self);
  auto it = d->sockets_.find(s);
  SocketWatch* w = it == d->sockets_.end() ? nullptr : it->second;
  if (what == CURL_POLL_REMOVE) {
    if (w != nullptr) {
      if (d->opened_.count(s) != 0) {
        w->idle = true;  // kept registered for the connection's next transfer
        w->interest = 0;
      } else {
        d->end_watch(s);
      }
    }
    return 0;
  }
  std::uint32_t interest = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) interest |= rt::kReadable;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) interest |= rt::kWritable;
  if (w != nullptr) {
    w->idle = false;
    w->interest = interest;
    // A muted watch stays muted: the driver restores `interest` when it takes the event.
    if (w->told != interest && !w->muted.load(std::memory_order_relaxed)) {
      rt::rewatch(w->id.load(std::memory_order_relaxed), interest);
      w->told = interest;
    }
    return 0;
  }
  w = new (std::nothrow) SocketWatch;
  if (w == nullptr) return -1;
  w->fd = s;
  w->interest = interest;
  w->told = interest;
  // Two words of capture fit std::function's inline buffer: no allocation per registration.
  const rt::WatchId id =
      rt::watch(s, interest, [d, w](std::uint32_t events) { d->post_socket(w, events); });
  if (id == 0) {
    delete w;
    // libcurl 7.88 then marks the multi dead: every later call on it fails (ABORTED_BY_CALLBACK).
    // Only an epoll set out of memory gets here; on_open() removed any stale registration.
    return -1;
  }
  w->id.store(id, std::memory_order_release);
  bump(d->counters_->watches);
  d->sockets_.emplace(s, w);
  return 0;
}

void MultiDriver::end_watch(int fd) noexcept {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  SocketWatch* w = it->second;
  rt::unwatch(w->id.load(std::memory_order_relaxed));
  w->removed = true;
  sockets_.erase(it);
  retired_.push_back(w);  // events queued for it may still name it: freed by the driver
}

curl_socket_t MultiDriver::on_open(void* transfer, curlsocktype, curl_sockaddr* address) noexcept {
  // Runs inside a curl call on the driving thread. Close-on-exec, as curl's own sockets.
  auto* t = static_cast<Transfer*>(transfer);
  MultiDriver* d = t->driver;
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) {
    // libcurl reports any failure here as "could not connect", which would blame the server
    // for our own descriptor limit (EMFILE): the hop's error names the errno instead.
    t->socket_errno = errno;
    return CURL_SOCKET_BAD;
  }
  // A socket curl closed itself may have had this number: its watch is stale. libcurl 7.88
  // closes an attempt that never connected (a connect that timed out) without on_close(), and
  // another multi, on another thread, may have watched that number: the poller's registration
  // must go as well, or this socket's watch fails and libcurl kills the whole multi.
  d->end_watch(fd);
  rt::unwatch_fd(fd);
  d->opened_.insert(fd);
  return fd;
}

int MultiDriver::on_close(void* self, curl_socket_t fd) noexcept {
  // Unwatch before close: once closed, the number can be reused by the next socket.
  auto* d = static_cast<MultiDriver*>(self);
  d->end_watch(fd);
  d->opened_.erase(fd);
  return ::close(fd);
}

int MultiDriver::on_timer(CURLM*, long timeout_ms, void* self) noexcept {
  // Runs inside a curl_multi_* call on the driving thread, like on_socket.
  auto* d = static_cast<MultiDriver*>(self);
  // An armed timer outlives both of these. 0 means "act now" (drive() runs the timeout action
  // after this call returns), and curl says it for every new transfer; -1 means "no deadline",
  // and curl says it whenever its last transfer ends. Either way the next deadline comes soon,
  // and a timer that fires with nothing due costs one action.
  if (timeout_ms == 0) {
    d->timeout_now_ = true;
    return 0;
  }
  if (timeout_ms < 0) {
    d->wants_timeout_ = false;
    return 0;
  }
  const auto when = rt::Clock::now() + std::chrono::milliseconds(timeout_ms);
  d->wanted_ = when;
  d->wants_timeout_ = true;
  // curl re-announces its deadline on nearly every call, and as transfers end it moves later
  // (the earliest per-transfer deadline, such as a timeout, goes with its transfer). A timer
  // armed for an earlier deadline, or one within a millisecond, stays: when it fires early,
  // run_op() arms the next one for what curl wants by then. Re-arming each time cost a timer
  // heap insert, a cancel and three allocations for nearly every request.
  if (d->timer_ != 0 && d->timer_when_ - when < std::chrono::milliseconds(1)) return 0;
  d->arm_timer(when);
  return 0;
}

void MultiDriver::arm_timer(rt::Clock::time_point when) noexcept {
  if (timer_ != 0) rt::detail::cancel_timer(timer_);
  const std::uint64_t serial = ++timer_serial_;
  timer_ = rt::detail::add_timer(when, [token = token_, serial] {
    std::lock_guard lock(token->mu);
    if (token->driver != nullptr) {
      token->driver->post(Op{OpKind::timeout, AbortReason::none, nullptr, serial});
    }
  });
  timer_when_ = when;
  bump(counters_->timers);
}

void MultiDriver::shutdown() noexcept {
  // Become the driver for good: wait out a thread that is driving right now (it finishes its
  // queue and stops), then refuse every later post. Only stale aborts and socket events of idle
  // connections can be queued by now; dropping them is what shutting down means.
  for (;;) {
    {
      std::lock_guard lock(queue_mu_);
      if (closed_) return;
      if (!driving_) {
        driving_ = true;
        closed_ = true;
        ops_.clear();
        socket_events_.clear();
        break;
      }
    }
    if (rt::detail::current_fiber() != nullptr) {
      rt::yield();
    } else {
      std::this_thread::yield();
    }
  }
  {
    // A timer firing right now finishes its post (a no-op: closed_) before we go on.
    std::lock_guard lock(token_->mu);
    token_->driver = nullptr;
  }
  // Closing the cached connections reports their sockets through on_socket(REMOVE).
  curl_multi_cleanup(multi_);
  multi_ = nullptr;
  for (auto& [fd, w] : sockets_) {
    rt::unwatch(w->id.load(std::memory_order_relaxed));
    delete w;
  }
  sockets_.clear();
  for (SocketWatch* w : retired_) delete w;
  retired_.clear();
  if (timer_ != 0) rt::detail::cancel_timer(timer_);
  timer_ = 0;
  {
    std::lock_guard lock(pool_mu_);
    for (std::vector<Transfer*>& pool : free_) pool.clear();
    all_.clear();  // curl_easy_cleanup of every pooled handle: none uses the share any more
  }
}

ClientStats MultiDriver::stats() const {
  const Counters& c = *counters_;
  return ClientStats{c.handles_created.load(std::memory_order_relaxed),
                     c.drives.load(std::memory_order_relaxed),
                     c.ops.load(std::memory_order_relaxed),
                     c.socket_actions.load(std::memory_order_relaxed),
                     c.watches.load(std::memory_order_relaxed),
                     c.timers.load(std::memory_order_relaxed)};
}

}  // namespace siteaudit::net::detail
