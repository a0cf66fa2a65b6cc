// retry_policy.hpp — which failed checks are tried again, and how long to wait first.
//
// A RetryPolicy answers, after each attempt of one check, "try again, and after how long?".
// Only transient outcomes are retried: transport errors of kind connect, reset and timeout,
// and the statuses 429 Too Many Requests, 502 Bad Gateway, 503 Service Unavailable and
// 504 Gateway Timeout. Everything else (a 404, a DNS failure, a TLS error) is final at once.
//
// How long to wait:
//   * When the response carries Retry-After — delta-seconds ("120") or an HTTP-date in any of
//     the three forms of RFC 9110 — that wait is honoured exactly, up to --retry-max-wait. A
//     server asking for longer is not retried early (that would only earn another 429): the
//     check gives up and the reason says what the server asked for. A date in the past means
//     "now". An unreadable Retry-After is ignored in favour of backoff.
//   * Otherwise exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"):
//     a uniformly random wait in [0, min(--retry-max-wait, base * 2^(attempt-1))], so that
//     workers that failed together do not retry together.
// At most --retries extra attempts are made (attempts = retries + 1).
//
// Every fetch that may be retried (a page check, a sitemap fetch) runs the one RetryLoop below,
// so all of them retry the same failures after the same waits. The checks also give it the
// run's HostHealth: a connection not made to a host that has failed HostHealth::kDownAfter
// connections in a row is not retried (a host that refuses every connection would otherwise
// cost each of its URLs the whole backoff). Sitemap fetches do not: a lost sitemap loses every
// URL it lists, and they are few.
//
// Example:
//   RetryPolicy retry(config.retries, config.retry_max_wait);
//   RetryLoop loop(&retry, ctx);
//   net::FetchResult r;
//   do {
//     loop.count_attempt();
//     r = client.fetch(ctx, request);
//   } while (loop.after(r) == RetryStep::again);
//
// Thread safety: decide() and backoff() may be called from any number of threads at once; the
// jitter source is a lock-free counter. A RetryLoop belongs to the one fiber that runs it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/net/http_error.hpp"
#include "siteaudit/net/response.hpp"

namespace siteaudit::rt {
class Context;
}

namespace siteaudit::audit {

struct AuditConfig;
class HostHealth;

// RetryDecision is what to do after one attempt.
struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // how long to wait before the next attempt
  // reason says why the check is retried ("status 503, retry 1 of 2 in 1500 ms (Retry-After)")
  // or why a transient failure is final ("gave up after 3 attempts: status 503"); empty for
  // outcomes that are not transient.
  std::string reason;
};

class RetryPolicy {
 public:
  // kDefaultBaseDelay is the backoff ceiling of the first retry.
  static constexpr std::chrono::milliseconds kDefaultBaseDelay{500};
  // kMaxRetries bounds --retries: Result::attempts is a byte, and more retries than this are
  // never what a user meant.
  static constexpr unsigned kMaxRetries = 100;

  // RetryPolicy() makes `retries` extra attempts, never waiting longer than `max_wait`. `seed`
  // fixes the jitter sequence (tests); 0 seeds it from std::random_device.
  RetryPolicy(unsigned retries, std::chrono::milliseconds max_wait,
              std::chrono::milliseconds base_delay = kDefaultBaseDelay, std::uint64_t seed = 0);
  RetryPolicy(const RetryPolicy& other);
  RetryPolicy& operator=(const RetryPolicy&) = delete;

  // from_config() validates --retries and --retry-max-wait.
  [[nodiscard]] static ParseResult<RetryPolicy> from_config(const AuditConfig& config);

  // is_transient() is true for the transport errors worth retrying: connect, reset, timeout.
  static bool is_transient(net::ErrorKind kind) noexcept;
  // is_transient_status() is true for 429, 502, 503 and 504.
  static bool is_transient_status(int status) noexcept;

  // decide() judges the outcome of attempt number `attempts` (1 for the first) of one check.
  // `now` is the wall clock, needed for a Retry-After HTTP-date.
  RetryDecision decide(const net::FetchResult& result, unsigned attempts,
                       std::chrono::system_clock::time_point now) const;

  // backoff() draws the jittered wait before retry number `attempts` (1 for the first).
  std::chrono::milliseconds backoff(unsigned attempts) const;

  // parse_retry_after() reads a Retry-After value as a wait from `now`: delta-seconds or an
  // HTTP-date (a past date gives 0). nullopt when it is neither.
  static std::optional<std::chrono::milliseconds> parse_retry_after(
      std::string_view value, std::chrono::system_clock::time_point now);

  unsigned max_attempts() const noexcept { return retries_ + 1; }
  std::chrono::milliseconds max_wait() const noexcept { return max_wait_; }

 private:
  unsigned retries_;
  std::chrono::milliseconds max_wait_;
  std::chrono::milliseconds base_delay_;
  std::uint64_t seed_;
  mutable std::atomic<std::uint64_t> draws_{0};
};

// RetryStep is what a RetryLoop says after an attempt.
enum class RetryStep : std::uint8_t {
  again,      // the backoff was waited out: make the next attempt
  done,       // no retry: the attempt's outcome is final (or the run was cancelled during it)
  cancelled,  // the run was cancelled while waiting to retry: no outcome is final
};

// RetryLoop counts the attempts of one fetch and, after each, asks the policy and waits out
// the backoff on the calling fiber (a cancelled Context cuts the wait short).
class RetryLoop {
 public:
  // RetryLoop() retries under `policy`, or never when it is null. `hosts`, when given, learns
  // from every attempt, and a connection not made to a host it knows to be down is final at
  // once (HostHealth). The arguments must outlive the loop.
  RetryLoop(const RetryPolicy* policy, const rt::Context& ctx, HostHealth* hosts = nullptr)
      : policy_(policy), ctx_(ctx), hosts_(hosts) {}
  // A temporary Context (rt::background()) would dangle: name it first.
  RetryLoop(const RetryPolicy* policy, const rt::Context&& ctx,
            HostHealth* hosts = nullptr) = delete;

  // count_attempt() is called before each attempt, retries and fallbacks alike.
  void count_attempt() noexcept { ++attempts_; }
  // after() judges the attempt just made. An attempt that was cancelled, or made while the
  // Context ended, is `done`: the caller reports the cancellation its own way.
  RetryStep after(const net::FetchResult& result);

  // attempts() counts the attempts made so far.
  unsigned attempts() const noexcept { return attempts_; }
  // gave_up() is true when a transient failure was retried and is final all the same.
  bool gave_up() const noexcept { return attempts_ > 1 && final_; }
  // host_down() is true when the last attempt made no connection and was not retried because
  // its host is down.
  bool host_down() const noexcept { return host_down_; }

 private:
  const RetryPolicy* policy_;
  const rt::Context& ctx_;
  unsigned attempts_ = 0;
  HostHealth* hosts_;
  bool final_ = false;  // the policy judged the last attempt and did not retry it
  bool host_down_ = false;
  RetryDecision last_;
};

}  // namespace siteaudit::audit
