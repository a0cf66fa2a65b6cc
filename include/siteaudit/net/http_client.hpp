// http_client.hpp — HTTP for fibers: libcurl's multi-socket API driven by the runtime's poller.
//
// A fiber calls fetch(ctx, request); it parks until the transfer ends, while its OS thread runs
// other fibers. No thread ever blocks in curl_easy_perform. Connections, DNS results and TLS
// sessions are reused across fetches; easy handles are pooled.
//
// Example (inside a fiber):
//   net::HttpClient client({.max_connections_per_host = 64});
//   net::FetchResult r = client.fetch(ctx, {.method = net::Method::head, .url = url});
//   if (!r.ok()) log(r.error.message); else use(r.response.status);
//
// Limits: connections over max_connections_total / _per_host wait inside libcurl (they are not
// errors); connect_timeout and the low-speed limit come from ClientConfig, the total timeout
// per hop and the body cap from Request. src/net/README.md explains the machinery.
//
// Thread safety: fetch() may be called from any number of fibers on any threads at once.
// The destructor requires that no fetch is running.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "siteaudit/net/request.hpp"
#include "siteaudit/net/response.hpp"

namespace siteaudit::rt {
class Context;
}

namespace siteaudit::net {

enum class HttpVersion : std::uint8_t { any, http1_1, http2 };

struct ClientConfig {
  long max_connections_total = 0;     // 0 = unlimited
  long max_connections_per_host = 0;  // 0 = unlimited
  std::chrono::milliseconds connect_timeout{10'000};
  long low_speed_limit_bytes = 1;           // abort below this many bytes/s ...
  std::chrono::seconds low_speed_time{30};  // ... for this long; 0 = off
  bool verify_tls = true;
  std::string ca_file;      // empty = system store
  std::string user_agent;   // empty = "siteaudit/<version>"
  std::string cookie_file;  // Netscape cookie file sent with requests; empty = none
  // http_version: any = HTTP/2 over TLS when the server offers it, else 1.1; http1_1 = never
  // HTTP/2; http2 = HTTP/2 also for http:// (h2c upgrade). HTTP/2 streams share connections.
  HttpVersion http_version = HttpVersion::any;
  bool accept_compression = true;  // GETs send Accept-Encoding for every decoder libcurl has
  // multi_handles: how many libcurl multi handles share the work; 0 = one per OS thread of
  // the runtime, or one per kConnectionsPerMulti connections the limits allow if that is more
  // (at most kMaxMultiHandles), and never more than the limits allow connections. Each multi
  // is driven by one thread at a time, so one per thread lets the threads run curl in
  // parallel; and libcurl 7.88 walks every cached connection of a multi once or twice per
  // transfer, so more than a few hundred connections are split among several. Each multi gets
  // an equal share of the connection limits and its own connection cache; DNS, TLS sessions
  // and cookies stay one per client.
  unsigned multi_handles = 0;
};

inline constexpr long kConnectionsPerMulti = 128;
inline constexpr unsigned kMaxMultiHandles = 128;

// ClientStats counts what the client did since it was created, for tests and benchmarks:
// whether handles were pooled, how often curl was driven and what that cost in registrations.
struct ClientStats {
  std::uint64_t handles_created = 0;  // easy handles created; the pool's misses
  std::uint64_t drives = 0;           // times a thread took over driving the multi handle
  std::uint64_t ops = 0;              // queued operations run (start, abort, unpause, timeout)
  std::uint64_t socket_actions = 0;   // curl_multi_socket_action calls
  std::uint64_t watches = 0;          // poller registrations made for curl's sockets
  std::uint64_t timers = 0;           // runtime timers armed for curl's timeout
  unsigned multi_handles = 0;         // libcurl multi handles the client runs
};

class HttpClient {
 public:
  // HttpClient() must be used inside a running rt::Runtime (it registers with its poller).
  explicit HttpClient(ClientConfig config = {});
  // ~HttpClient() closes every connection and removes its watches and timers, so it may end
  // the main fiber of Runtime::run without leaving anything for the leak report. No fetch may
  // be running.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // fetch() performs one request, following redirects by our own code, and parks the calling
  // fiber until it ends, `ctx` is cancelled (error kind `cancelled`: the transfer is removed
  // from libcurl at once and its connection closed) or a limit stops it. Must be called on a
  // fiber; aborts with a message otherwise. An invalid URL is an `invalid_url` result.
  [[nodiscard]] FetchResult fetch(const rt::Context& ctx, const Request& request);

  // wind_down() says that no fetch will start any more, except the redirects and retries of
  // the fetches in flight: from then on each connection is closed as its transfer ends (one
  // idle connection per multi handle stays), instead of all together by ~HttpClient(), where
  // closing 10,000 of them held the end of a run up by 0.2 s. Fetches still work after it,
  // on new connections. Any thread, any number of times.
  void wind_down();

  // stats() reads the counters; exact once no fetch is running, approximate during one.
  ClientStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siteaudit::net
