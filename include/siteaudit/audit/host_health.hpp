// host_health.hpp — which hosts have stopped accepting connections, so that their URLs stop
// being tried one by one.
//
// A host that refuses every connection (nothing listens on the port; a sitemap that lists the
// production host while the preview answers elsewhere) fails each attempt within a millisecond,
// but each retry first waits its backoff: with the default two retries, 20,000 URLs of such a
// host took 234 s to report. A host that drops packets instead (a firewall) costs each attempt
// the whole connect timeout, 10 s by default: 20,000 URLs would keep 64 workers busy for 52
// minutes. curl and wget never retry a refused connection unless told to
// (--retry-connrefused); siteaudit retries the first ones, in case the host was restarting,
// and once a host has failed kDownAfter connections in a row it is down:
//   * a check of one of its URLs is not requested: not_tried() gives the error to report, at
//     once, except for one check every kProbeEvery that goes ahead as a probe;
//   * a check under way that cannot connect is not retried (RetryLoop).
// Any answer from the host (whatever its status) makes it up again.
//
// What counts: a connection that could not be made (net::HttpError::unreached: refused, no
// route, or the TCP connect timed out). Any outcome that needed a connection, a response or a
// timeout after connecting, clears the count; DNS failures, cancellations and descriptors
// running out say nothing about the host and change nothing.
//
// Example:
//   HostHealth hosts;
//   if (auto down = hosts.not_tried(url, rt::Clock::now())) return failed(*down);
//   net::FetchResult r = client.fetch(ctx, request);
//   hosts.note(r);
//   if (hosts.failures_in_row(r.response.url) >= HostHealth::kDownAfter) { /* no retry */ }
//
// Thread safety: all members may be called from any fiber on any thread. While no host is
// failing (the common case) note() of an answer reads one atomic and takes no lock, and while
// none is down not_tried() does the same.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "siteaudit/net/response.hpp"
#include "siteaudit/runtime/context.hpp"

namespace siteaudit::audit {

class HostHealth {
 public:
  // kDownAfter is how many connections in a row a host must fail to be taken for down. More
  // than a burst of workers' first attempts at a host that restarts, few next to the URLs a
  // dead host wastes the backoff of.
  static constexpr unsigned kDownAfter = 16;
  // kProbeEvery is how often a check of a host that is down is let through to try it anyway.
  // Long enough that a host that drops connections, each of which takes the whole connect
  // timeout to fail, holds few workers at once; short enough to notice a host that came back.
  static constexpr std::chrono::seconds kProbeEvery{2};

  HostHealth() = default;
  HostHealth(const HostHealth&) = delete;
  HostHealth& operator=(const HostHealth&) = delete;

  // note() learns from one attempt, keyed by the origin of the URL it ended at
  // (result.response.url): a connection not made counts against that origin, an answer clears
  // it.
  void note(const net::FetchResult& result);

  // kDownWords say why a URL of a host that is down was not tried, or not retried: the same
  // words in every run, so that reports compare.
  static constexpr std::string_view kDownWords =
      "16 or more connections to this host failed in a row";

  // not_tried() decides whether a check of `url` at `now` may try its host: the error to
  // report instead (unreached, of the kind of the host's last failure) when the host is down
  // and this check is not its probe; nullopt to go ahead.
  std::optional<net::HttpError> not_tried(std::string_view url, rt::Clock::time_point now);
  // not_tried() at the present time, read only when a host is down: it is asked before every
  // check, and the common answer needs neither the clock nor the lock.
  std::optional<net::HttpError> not_tried(std::string_view url) {
    if (down_.load(std::memory_order_acquire) == 0) return std::nullopt;
    return not_tried(url, rt::Clock::now());
  }

  // failures_in_row() is how many connections to the origin of `url` have failed since the
  // last answer from it; 0 when it answered last or was never tried.
  unsigned failures_in_row(std::string_view url) const;

 private:
  // Failing is what is known of an origin whose last connection failed.
  struct Failing {
    unsigned in_row = 0;
    std::string last;  // the last failure's message
    net::ErrorKind last_kind = net::ErrorKind::connect;
    rt::Clock::time_point next_probe{};  // once down, the next check let through
  };

  mutable std::mutex mutex_;
  std::map<std::string, Failing, std::less<>> failures_;  // by origin
  std::atomic<std::size_t> failing_{0};                   // failures_.size(), read unlocked
  std::atomic<std::size_t> down_{0};  // origins failing kDownAfter or more in a row
};

}  // namespace siteaudit::audit
