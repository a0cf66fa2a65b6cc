#include "siteaudit/audit/retry_policy.hpp"

#include <algorithm>
#include <random>

#include "audit/rule_text.hpp"
#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/datetime.hpp"
#include "siteaudit/audit/host_health.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/select.hpp"

namespace siteaudit::audit {

namespace {

using namespace std::chrono;

// splitmix64 turns a counter into well-mixed bits: each draw is independent of which thread
// made it, so the jitter needs no lock and a fixed seed gives a fixed sequence.
std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string describe(const net::FetchResult& result) {
  if (!result.ok()) {
    std::string text = net::to_string(result.error.kind);
    if (!result.error.message.empty()) text += " (" + result.error.message + ")";
    return text;
  }
  return "status " + std::to_string(result.response.status);
}

std::string seconds_text(milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

RetryPolicy::RetryPolicy(unsigned retries, milliseconds max_wait, milliseconds base_delay,
                         std::uint64_t seed)
    : retries_(retries),
      max_wait_(std::max(max_wait, milliseconds(0))),
      base_delay_(std::max(base_delay, milliseconds(1))),
      seed_(seed != 0 ? seed
                      : (std::uint64_t(std::random_device{}()) << 32) ^ std::random_device{}()) {}

RetryPolicy::RetryPolicy(const RetryPolicy& other)
    : retries_(other.retries_),
      max_wait_(other.max_wait_),
      base_delay_(other.base_delay_),
      seed_(other.seed_),
      draws_(other.draws_.load(std::memory_order_relaxed)) {}

ParseResult<RetryPolicy> RetryPolicy::from_config(const AuditConfig& config) {
  using Result = ParseResult<RetryPolicy>;
  if (config.retries > kMaxRetries) {
    return Result::failure("--retries: " + std::to_string(config.retries) +
                           " is too many (at most " + std::to_string(kMaxRetries) + ")");
  }
  if (config.retry_max_wait < milliseconds(0)) {
    return Result::failure("--retry-max-wait: must not be negative");
  }
  return Result::success(RetryPolicy(config.retries, config.retry_max_wait));
}

bool RetryPolicy::is_transient(net::ErrorKind kind) noexcept {
  // Descriptors run out while many transfers are open and come back as they end.
  return kind == net::ErrorKind::connect || kind == net::ErrorKind::reset ||
         kind == net::ErrorKind::timeout || kind == net::ErrorKind::too_many_open_files;
}

bool RetryPolicy::is_transient_status(int status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<milliseconds> RetryPolicy::parse_retry_after(std::string_view raw,
                                                           system_clock::time_point now) {
  std::string_view value = rules_detail::strip(raw);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // More than nine digits is over 31 years; saturate instead of overflowing.
    if (value.size() > 9) return duration_cast<milliseconds>(hours(24 * 365 * 100));
    std::int64_t secs = 0;
    for (char c : value) secs = secs * 10 + (c - '0');
    return milliseconds(secs * 1000);
  }
  auto date = parse_http_date(value, floor<seconds>(now));
  if (!date) return std::nullopt;
  auto wait = duration_cast<milliseconds>(*date - now);
  return std::max(wait, milliseconds(0));
}

milliseconds RetryPolicy::backoff(unsigned attempts) const {
  // base * 2^(attempts-1), computed without overflow: past 2^30 the cap always wins.
  unsigned shift = std::min(attempts == 0 ? 0u : attempts - 1, 30u);
  std::int64_t ceiling = base_delay_.count() << shift;
  ceiling = std::min<std::int64_t>(ceiling, max_wait_.count());
  if (ceiling <= 0) return milliseconds(0);
  std::uint64_t bits = splitmix64(seed_ + draws_.fetch_add(1, std::memory_order_relaxed));
  return milliseconds(static_cast<std::int64_t>(bits % std::uint64_t(ceiling + 1)));
}

RetryDecision RetryPolicy::decide(const net::FetchResult& result, unsigned attempts,
                                  system_clock::time_point now) const {
  RetryDecision decision;
  bool transient =
      result.ok() ? is_transient_status(result.response.status) : is_transient(result.error.kind);
  if (!transient) return decision;
  const std::string what = describe(result);
  if (attempts >= max_attempts()) {
    decision.reason = retries_ == 0
                          ? what + " (retries are off: --retries 0)"
                          : "gave up after " + std::to_string(attempts) + " attempts: " + what;
    return decision;
  }
  std::optional<milliseconds> asked;
  if (result.response.status != 0) {
    // Response headers are lower-case (response.hpp); only the first Retry-After counts.
    for (const auto& [name, value] : result.response.headers) {
      if (name == "retry-after") {
        asked = parse_retry_after(value, now);
        break;
      }
    }
  }
  const std::string retry_of =
      ", retry " + std::to_string(attempts) + " of " + std::to_string(retries_) + " in ";
  if (asked) {
    if (*asked > max_wait_) {
      decision.reason = what + ": the server asked to retry after " + seconds_text(*asked) +
                        " (Retry-After), more than --retry-max-wait " + seconds_text(max_wait_);
      return decision;
    }
    decision.retry = true;
    decision.delay = *asked;
    decision.reason = what + retry_of + std::to_string(asked->count()) + " ms (Retry-After)";
    return decision;
  }
  decision.retry = true;
  decision.delay = backoff(attempts);
  decision.reason = what + retry_of + std::to_string(decision.delay.count()) + " ms (backoff)";
  return decision;
}

RetryStep RetryLoop::after(const net::FetchResult& result) {
  last_ = RetryDecision{};
  final_ = false;
  host_down_ = false;
  if (hosts_ != nullptr) hosts_->note(result);
  if (policy_ == nullptr || result.error.kind == net::ErrorKind::cancelled || ctx_.is_done()) {
    return RetryStep::done;
  }
  last_ = policy_->decide(result, attempts_, std::chrono::system_clock::now());
  if (last_.retry && hosts_ != nullptr && result.error.unreached &&
      hosts_->failures_in_row(result.response.url) >= HostHealth::kDownAfter) {
    host_down_ = true;  // the Checker says so in the result's error
    last_.retry = false;
  }
  if (!last_.retry) {
    final_ = true;
    return RetryStep::done;
  }
  // Wait out the backoff, unless the run ends first: then the retry must not happen.
  const bool cancelled = rt::select(rt::on_receive(ctx_.done()), rt::on_timeout(last_.delay)) == 0;
  return cancelled ? RetryStep::cancelled : RetryStep::again;
}

}  // namespace siteaudit::audit
