// multi_driver.hpp — one libcurl multi handle driven by the runtime's poller and timers.
//
// The MultiDriver owns the CURLM (connection cache, per-host limits, HTTP/2 multiplexing) and
// the pool of Transfers; the CURLSH (DNS cache, TLS sessions, cookies) is the client's, shared
// by all its drivers. Everything that would touch the multi — adding or removing a transfer,
// socket readiness, curl's timer, unpausing — is posted as an op; whichever thread finds
// nobody driving becomes the driver and runs ops until the queue is empty. So exactly one
// thread at a time is inside curl_multi_*, no thread ever waits for another to finish with
// it, and curl's callbacks never re-enter the multi: they only record what to do next
// (src/net/README.md has the diagram).
//
// Example (see HttpClient::fetch):
//   if (!driver.claim(driver.in_use())) ...choose again...
//   Transfer* t = driver.acquire(Method::head);
//   ... t->prepare_hop(...); driver.start(t); park until t->done ...
//   driver.release(t);
//
// Thread safety: start/abort/unpause/acquire/release may be called from any fiber or thread.
// shutdown() is called once, by the owner, when no fetch is in flight.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/poller.hpp"
#include "transfer.hpp"

namespace siteaudit::net::detail {

class MultiDriver {
 public:
  // MultiDriver() applies `config`'s connection limits to this multi; `share` and `proxies`
  // (which its handles use) outlive it. `descriptor_cap` (0 = none) is this multi's share of
  // the connections RLIMIT_NOFILE leaves room for: it bounds both the open and the idle
  // connections, below the configured limits.
  MultiDriver(const ClientConfig& config, CURLSH* share, const ProxyEnvironment& proxies,
              long descriptor_cap = 0);
  ~MultiDriver();
  MultiDriver(const MultiDriver&) = delete;
  MultiDriver& operator=(const MultiDriver&) = delete;

  // claim() counts a new fetch in in_use() if the count is still `seen` (what the caller read
  // when it chose this driver) and says whether it did; the fetch then calls acquire(). Choice
  // and count are one step, so two threads that choose at once cannot both take a multi's
  // last free connection (see HttpClient's pick()).
  bool claim(long seen) noexcept {
    return in_use_.compare_exchange_strong(seen, seen + 1, std::memory_order_relaxed);
  }
  // acquire() takes a Transfer for a claimed fetch with `method` from that method's pool,
  // creating one when the pool is empty; nullptr (out of memory) gives the claim back. HEAD and
  // GET keep separate pools because their handles differ in receive buffer size
  // (configure_easy), which a handle must keep for its whole life.
  Transfer* acquire(Method method);
  // release() returns a Transfer whose hop has finished to the pool.
  void release(Transfer* t) noexcept;

  // start() hands a prepared Transfer to the multi. Its end is published through t->finish().
  void start(Transfer* t) noexcept;
  // abort() takes the transfer of fetch `generation` out of the multi, if it is still there,
  // and finishes it with `reason`. Safe to call late: a finished or reused Transfer ignores it.
  void abort(Transfer* t, std::uint64_t generation, AbortReason reason) noexcept;
  // unpause() resumes a transfer the write callback paused, once the fiber drained its chunks.
  void unpause(Transfer* t, std::uint64_t generation) noexcept;

  // wind_down() lowers the multi's idle-connection cache to one connection: from then on a
  // connection is closed as its transfer ends, unless no other is kept (HttpClient::wind_down).
  void wind_down() noexcept;

  // shutdown() closes every connection and removes every watch and timer, so the runtime sees
  // nothing left behind. Requires that no fetch is in flight. Called by ~HttpClient.
  void shutdown() noexcept;

  ClientStats stats() const;

  // in_use() is how many fetches are claimed and not yet released: the client gives a new
  // fetch to the driver with the fewest.
  long in_use() const noexcept { return in_use_.load(std::memory_order_relaxed); }

 private:
  enum class OpKind : std::uint8_t { add, abort, unpause, timeout, wind_down };
  struct Op {
    OpKind kind;
    AbortReason reason = AbortReason::none;
    Transfer* transfer = nullptr;
    std::uint64_t generation = 0;  // of the transfer, or the timer id for `timeout`
  };
  // SocketWatch is our state for one socket curl asked us to watch. Heap-allocated so the
  // watch callback can name it; retired (not freed) when the watch ends, and freed by the
  // driver once no queued event can point at it any more.
  //
  // A keep-alive connection is between transfers most of the time: curl says CURL_POLL_REMOVE
  // when one ends and asks again when the next reuses it. Dropping and re-creating the watch
  // each time cost an epoll_ctl pair and five allocations per request (measured: 10,239 of
  // 20,000 requests did). A socket curl opened through on_open() therefore only goes `idle`:
  // it stays registered, and is disarmed only if it reports an event while idle (the server
  // closed it). Its number cannot be reused behind our back, because curl closes it through
  // on_close(), which ends the watch. Other sockets (the resolver's socketpair, closed by curl
  // itself) are unwatched at once, as before.
  struct SocketWatch {
    int fd = -1;
    std::uint32_t interest = 0;      // what curl wants (driver only)
    std::uint32_t told = 0;          // what the poller was last told, mutes aside (driver only)
    bool idle = false;               // curl said CURL_POLL_REMOVE; the watch is kept (driver)
    bool removed = false;            // the watch ended; queued events are dropped (driver)
    std::atomic<rt::WatchId> id{0};  // 0 until rt::watch() returned
    std::atomic<bool> muted{false};  // interest set to 0 until the driver handles its event
    std::uint32_t pending = 0;       // events queued for the driver (under queue_mu_)
  };
  // TimerToken outlives the driver when a timer fires during shutdown: the callback checks it.
  struct TimerToken {
    std::mutex mu;
    MultiDriver* driver = nullptr;
  };

  void post(const Op& op) noexcept;
  void post_socket(SocketWatch* w, std::uint32_t events) noexcept;
  void free_retired() noexcept;
  void drive() noexcept;
  void run_op(const Op& op) noexcept;
  void drain_done() noexcept;
  void socket_action(int fd, int mask) noexcept;

  // wind_down_if_nobody_waits() lowers the idle-connection cache to one connection once no
  // claimed fetch waits for a connection; until then wind_down_wanted_ stays set.
  void wind_down_if_nobody_waits() noexcept;
  void end_watch(int fd) noexcept;
  void arm_timer(rt::Clock::time_point when) noexcept;

  static int on_socket(CURL* easy, curl_socket_t s, int what, void* self, void* socketp) noexcept;
  // on_open() gets the Transfer (CURLOPT_OPENSOCKETDATA), which records a socket() errno.
  static curl_socket_t on_open(void* transfer, curlsocktype purpose,
                               curl_sockaddr* address) noexcept;
  static int on_close(void* self, curl_socket_t fd) noexcept;
  static int on_timer(CURLM* multi, long timeout_ms, void* self) noexcept;

  struct Counters;  // ClientStats as atomics, written by the driver only

  const ClientConfig config_;
  std::unique_ptr<Counters> counters_;
  CURLSH* const share_;
  const ProxyEnvironment& proxies_;
  CURLM* multi_ = nullptr;
  std::atomic<long> in_use_{0};

  // queue_mu_ guards the ops waiting for a driver and `driving_`.
  std::mutex queue_mu_;
  std::vector<Op> ops_;
  // Socket events are merged per registration, so a level-triggered fd that fires again while
  // another thread drives adds no second entry.
  // Each watch is queued once with its events OR-ed into `pending`; a vector that keeps its
  // capacity costs no allocation per event (a map node did, once per request).
  std::vector<SocketWatch*> socket_events_;
  bool driving_ = false;
  bool closed_ = false;

  // --- owned by the driving thread ---
  std::vector<Op> batch_;
  std::vector<std::pair<SocketWatch*, std::uint32_t>> socket_batch_;
  std::unordered_map<int, SocketWatch*> sockets_;
  std::unordered_set<int> opened_;  // sockets curl opened through on_open, not yet closed
  std::vector<SocketWatch*> retired_;
  rt::detail::TimerId timer_ = 0;
  rt::Clock::time_point timer_when_{};  // when the armed timer fires
  rt::Clock::time_point wanted_{};      // curl's last announced deadline ...
  bool wants_timeout_ = false;          // ... if it has one
  std::uint64_t timer_serial_ = 0;      // which add_timer a `timeout` op came from
  bool timeout_now_ = false;
  bool wind_down_wanted_ = false;  // wind_down() asked, not yet applied (driver only)
  long connection_limit_ = 0;      // connections this multi may open; 0 = no limit
  std::shared_ptr<TimerToken> token_;

  std::mutex pool_mu_;
  std::vector<Transfer*> free_[2];  // by Method: [head], [get]
  std::vector<std::unique_ptr<Transfer>> all_;
};

}  // namespace siteaudit::net::detail
