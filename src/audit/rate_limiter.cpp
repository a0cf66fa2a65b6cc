#include "siteaudit/audit/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "audit/rule_text.hpp"
#include "siteaudit/audit/audit_config.hpp"

namespace siteaudit::audit {

namespace {

RateLimiter::Clock::duration interval_of(double rate) {
  if (!(rate > 0) || !std::isfinite(rate)) return RateLimiter::Clock::duration::zero();
  return std::chrono::duration_cast<RateLimiter::Clock::duration>(
      std::chrono::duration<double>(1.0 / rate));
}

}  // namespace

RateLimiter::RateLimiter(double requests_per_second, unsigned burst)
    : rate_(requests_per_second > 0 && std::isfinite(requests_per_second) ? requests_per_second
                                                                          : 0),
      burst_(std::max(burst, 1u)),
      rate_interval_(interval_of(rate_)) {}

ParseResult<std::unique_ptr<RateLimiter>> RateLimiter::from_config(const AuditConfig& config) {
  using Result = ParseResult<std::unique_ptr<RateLimiter>>;
  if (!std::isfinite(config.rate) || config.rate < 0) {
    return Result::failure(
        "--rate: must be a number of requests per second, 0 or more (0 = "
        "unlimited)");
  }
  if (config.rate > kMaxRate) {
    return Result::failure("--rate: at most 1000000 requests per second (0 = unlimited)");
  }
  return Result::success(std::make_unique<RateLimiter>(config.rate));
}

RateLimiter::Clock::duration RateLimiter::interval_locked(const HostState* state) const {
  if (state == nullptr) return rate_interval_;
  return std::max(rate_interval_, state->crawl_delay);
}

RateLimiter::Clock::duration RateLimiter::set_crawl_delay(std::string_view host,
                                                          Clock::duration delay) {
  Clock::duration applied =
      std::clamp<Clock::duration>(delay, Clock::duration::zero(), kMaxCrawlDelay);
  std::string key = rules_detail::lowercase(host);
  std::lock_guard lock(mutex_);
  HostState& state = hosts_[key];
  state.crawl_delay = applied;
  return interval_locked(&state);
}

bool RateLimiter::claim_crawl_delay_notice(std::string_view host) {
  std::string key = rules_detail::lowercase(host);
  std::lock_guard lock(mutex_);
  return !std::exchange(hosts_[key].crawl_delay_noticed, true);
}

RateLimiter::Clock::duration RateLimiter::reserve(std::string_view host, Clock::time_point now) {
  std::string key = rules_detail::lowercase(host);
  std::lock_guard lock(mutex_);
  auto it = hosts_.find(key);
  // Unlimited hosts keep no state: a run without --rate costs one map lookup per request.
  Clock::duration interval = interval_locked(it == hosts_.end() ? nullptr : &it->second);
  if (interval <= Clock::duration::zero()) return Clock::duration::zero();
  if (it == hosts_.end()) it = hosts_.emplace(std::move(key), HostState{}).first;
  HostState& state = it->second;
  // GCRA: a request may go once now >= next - tolerance, where the tolerance lets `burst`
  // requests through back to back; booking it moves `next` on by one interval.
  Clock::duration tolerance = interval * static_cast<long>(burst_ - 1);
  Clock::time_point start = std::max(now, state.next - tolerance);
  state.next = std::max(state.next, now) + interval;
  return start - now;
}

rt::ContextError RateLimiter::wait(const rt::Context& ctx, std::string_view host) {
  if (ctx.is_done()) return ctx.err();
  Clock::duration delay = reserve(host, Clock::now());
  if (delay <= Clock::duration::zero()) return ctx.err();
  // A child context with the slot as its deadline wakes the fiber at the slot or as soon as
  // `ctx` ends, whichever is first; a plain sleep_for could not be interrupted by Ctrl-C.
  auto [slot, release] = rt::with_timeout(ctx, delay);
  slot.wait();
  release();
  return ctx.err();
}

RateLimiter::Clock::duration RateLimiter::interval(std::string_view host) const {
  std::string key = rules_detail::lowercase(host);
  std::lock_guard lock(mutex_);
  auto it = hosts_.find(key);
  return interval_locked(it == hosts_.end() ? nullptr : &it->second);
}

}  // namespace siteaudit::audit
