// host_health.hpp — which hosts have stopped accepting connections, so that their checks stop
// retrying.
//
// A host that refuses every connection (nothing listens on the port; a sitemap that lists the
// production host while the preview answers elsewhere) fails each attempt within a millisecond,
// but each retry first waits its backoff. With the default two retries, 20,000 URLs of such a
// host took 238 s to report where the site itself took 2 s. curl and wget never retry a refused
// connection unless told to (--retry-connrefused); siteaudit retries the first ones, in case the
// host was restarting, and stops once a host has failed kDownAfter connections in a row: from
// then on a connection error to it is final at the first attempt. Any answer from the host
// (whatever its status) clears its count.
//
// What counts: a connection that could not be made (net::HttpError::unreached: refused, no
// route, or the TCP connect timed out). Any outcome that needed a connection, a response or a
// timeout after connecting, clears the count; DNS failures, cancellations and descriptors
// running out say nothing about the host and change nothing.
//
// Example:
//   HostHealth hosts;
//   net::FetchResult r = client.fetch(ctx, request);
//   hosts.note(r);
//   if (hosts.failures_in_row(r.response.url) >= HostHealth::kDownAfter) { /* no retry */ }
//
// Thread safety: all members may be called from any fiber on any thread. While no host is
// failing (the common case) note() of an answer reads one atomic and takes no lock.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "siteaudit/net/response.hpp"

namespace siteaudit::audit {

class HostHealth {
 public:
  // kDownAfter is how many connections in a row a host must fail to be taken for down. More
  // than a burst of workers' first attempts at a host that restarts, few next to the URLs a
  // dead host wastes the backoff of.
  static constexpr unsigned kDownAfter = 16;

  HostHealth() = default;
  HostHealth(const HostHealth&) = delete;
  HostHealth& operator=(const HostHealth&) = delete;

  // note() learns from one attempt, keyed by the origin of the URL it ended at
  // (result.response.url): a connection not made counts against that origin, an answer clears
  // it.
  void note(const net::FetchResult& result);

  // not_retried_note() is what a check's error adds when its host was down: the same words
  // in every run, so that reports compare.
  static constexpr const char* not_retried_note() noexcept {
    return "(not retried: 16 or more connections to this host failed in a row)";
  }

  // failures_in_row() is how many connections to the origin of `url` have failed since the
  // last answer from it; 0 when it answered last or was never tried.
  unsigned failures_in_row(std::string_view url) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, unsigned, std::less<>> failures_;  // origin -> failures in a row
  std::atomic<std::size_t> failing_{0};                    // failures_.size(), read unlocked
};

}  // namespace siteaudit::audit
