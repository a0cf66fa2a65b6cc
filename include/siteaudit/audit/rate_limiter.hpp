// rate_limiter.hpp — --rate: requests per second per host, shared by all workers.
//
// A RateLimiter spaces out the requests to each host. Every host has its own token bucket
// (implemented as GCRA, the "virtual scheduling" form of a token bucket): the bucket refills
// at --rate tokens per second and holds `burst` tokens (default 1, so requests to one host are
// evenly spaced and no window of 1/rate seconds ever sees two). robots.txt `Crawl-delay` can
// lower one host's rate further — never raise it — and applies even without --rate.
//
// The core is pure arithmetic with an injected clock: reserve(host, now) books the next slot
// for that host and returns how long the caller must wait for it. Bookings are commitments: a
// worker that reserves must then make its request, which is what keeps N workers sharing one
// bucket honest. wait(ctx, host) is the fiber-facing form: it reserves and parks the calling
// fiber until the slot, or until `ctx` ends.
//
// Example:
//   RateLimiter limiter(2.0);                       // 2 requests/s per host
//   limiter.set_crawl_delay("slow.example", std::chrono::seconds(5));
//   // in a worker fiber:
//   if (limiter.wait(ctx, "example.com") != rt::ContextError::none) return;  // cancelled
//   client.fetch(ctx, request);
//
// Thread safety: all members may be called from any fiber on any thread. A std::mutex guards
// the per-host table and is held only for the arithmetic, never across a sleep.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/runtime/context.hpp"

namespace siteaudit::audit {

struct AuditConfig;

class RateLimiter {
 public:
  using Clock = rt::Clock;

  // kMaxCrawlDelay caps a robots.txt Crawl-delay: a site asking for hours between requests
  // (Crawl-delay: 86400 is a day per URL) would otherwise stall the run; the check that meets
  // the cap first reports it (claim_crawl_delay_notice), and --max-time bounds what remains.
  static constexpr std::chrono::seconds kMaxCrawlDelay{60};
  // kMaxRate bounds --rate; beyond it spacing is below the timer resolution anyway.
  static constexpr double kMaxRate = 1'000'000;

  // RateLimiter() allows `requests_per_second` per host (0 = unlimited) with bursts of up to
  // `burst` requests (at least 1).
  explicit RateLimiter(double requests_per_second, unsigned burst = 1);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // from_config() validates --rate (a finite number, 0 or more, at most kMaxRate).
  [[nodiscard]] static ParseResult<std::unique_ptr<RateLimiter>> from_config(
      const AuditConfig& config);

  // set_crawl_delay() makes requests to `host` at least `delay` apart (capped at
  // kMaxCrawlDelay) when that is slower than --rate; returns the delay that applies.
  Clock::duration set_crawl_delay(std::string_view host, Clock::duration delay);

  // claim_crawl_delay_notice() is true for the first caller per host: one finding says a
  // host's Crawl-delay was capped, not one per URL.
  bool claim_crawl_delay_notice(std::string_view host);

  // reserve() books the next request to `host` at or after `now` and returns how long the
  // caller must wait before sending it (zero when it may go at once).
  Clock::duration reserve(std::string_view host, Clock::time_point now);

  // wait() reserves a slot for `host` and parks the calling fiber until it comes. Returns
  // ContextError::none when the request may be sent, or why `ctx` ended first (the slot is
  // then forfeited). Callable only from a fiber.
  rt::ContextError wait(const rt::Context& ctx, std::string_view host);

  // interval() is the spacing that applies to `host`: the larger of 1/rate and its
  // Crawl-delay; zero when unlimited.
  Clock::duration interval(std::string_view host) const;

  double rate() const noexcept { return rate_; }

 private:
  struct HostState {
    Clock::time_point next{};       // GCRA's theoretical arrival time of the next request
    Clock::duration crawl_delay{};  // from robots.txt; zero when none
    bool crawl_delay_noticed = false;
  };

  Clock::duration interval_locked(const HostState* state) const;

  const double rate_;
  const unsigned burst_;
  const Clock::duration rate_interval_;
  mutable std::mutex mutex_;
  std::map<std::string, HostState, std::less<>> hosts_;
};

}  // namespace siteaudit::audit
