#include "siteaudit/audit/retry_policy.hpp"

#include <catch2/catch.hpp>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/host_health.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"

using namespace std::chrono;
using siteaudit::audit::HostHealth;
using siteaudit::audit::RetryLoop;
using siteaudit::audit::RetryPolicy;
using siteaudit::audit::RetryStep;
namespace rt = siteaudit::rt;
using siteaudit::net::ErrorKind;
using siteaudit::net::FetchResult;

namespace {

// 2024-06-01T00:00:00Z
const system_clock::time_point kNow = sys_days(year{2024} / June / 1);

FetchResult status(int code, std::vector<std::pair<std::string, std::string>> headers = {}) {
  FetchResult r;
  r.response.status = code;
  r.response.headers = siteaudit::net::HeaderList(headers);
  return r;
}

FetchResult error(ErrorKind kind, std::string message = {}) {
  FetchResult r;
  r.error.kind = kind;
  r.error.message = std::move(message);
  return r;
}

}  // namespace

TEST_CASE("RetryPolicy: only connect, reset, timeout and 429/502/503/504 are transient",
          "[audit]") {
  CHECK(RetryPolicy::is_transient(ErrorKind::connect));
  CHECK(RetryPolicy::is_transient(ErrorKind::reset));
  CHECK(RetryPolicy::is_transient(ErrorKind::timeout));
  for (ErrorKind kind :
       {ErrorKind::none, ErrorKind::dns, ErrorKind::tls, ErrorKind::too_many_redirects,
        ErrorKind::redirect_loop, ErrorKind::redirect_refused, ErrorKind::body_too_large,
        ErrorKind::cancelled, ErrorKind::protocol, ErrorKind::invalid_url}) {
    CHECK_FALSE(RetryPolicy::is_transient(kind));
  }
  for (int s : {429, 502, 503, 504}) CHECK(RetryPolicy::is_transient_status(s));
  for (int s : {0, 200, 301, 400, 404, 408, 500, 501, 505}) {
    CHECK_FALSE(RetryPolicy::is_transient_status(s));
  }

  RetryPolicy retry(2, seconds(30), milliseconds(500), 42);
  for (int s : {200, 404, 500}) {
    auto d = retry.decide(status(s), 1, kNow);
    CHECK_FALSE(d.retry);
    CHECK(d.reason.empty());
  }
  CHECK_FALSE(retry.decide(error(ErrorKind::dns), 1, kNow).retry);
  CHECK(retry.decide(error(ErrorKind::reset), 1, kNow).retry);
}

TEST_CASE("RetryPolicy: full-jitter backoff stays under the doubling ceiling and the cap",
          "[audit]") {
  RetryPolicy retry(10, milliseconds(3000), milliseconds(100), 7);
  bool saw_nonzero = false;
  for (unsigned attempt = 1; attempt <= 8; ++attempt) {
    std::int64_t ceiling = std::min<std::int64_t>(100 << (attempt - 1), 3000);
    for (int i = 0; i < 200; ++i) {
      auto d = retry.backoff(attempt);
      CHECK(d >= milliseconds(0));
      CHECK(d.count() <= ceiling);
      saw_nonzero = saw_nonzero || d.count() > 0;
    }
  }
  CHECK(saw_nonzero);
  // Large attempt numbers neither overflow nor exceed the cap.
  CHECK(retry.backoff(1000) <= milliseconds(3000));
  CHECK(RetryPolicy(3, milliseconds(0), milliseconds(100), 1).backoff(2) == milliseconds(0));
}

TEST_CASE("RetryPolicy: a fixed seed gives a fixed jitter sequence", "[audit]") {
  RetryPolicy a(5, seconds(30), milliseconds(500), 1234);
  RetryPolicy b(5, seconds(30), milliseconds(500), 1234);
  RetryPolicy c(5, seconds(30), milliseconds(500), 999);
  std::vector<std::int64_t> sa, sb, sc;
  for (int i = 0; i < 16; ++i) {
    sa.push_back(a.backoff(5).count());
    sb.push_back(b.backoff(5).count());
    sc.push_back(c.backoff(5).count());
  }
  CHECK(sa == sb);
  CHECK(sa != sc);
  // The values are spread out, not all equal.
  std::sort(sa.begin(), sa.end());
  CHECK(sa.front() != sa.back());
}

TEST_CASE("RetryPolicy: attempts are capped by --retries", "[audit]") {
  RetryPolicy retry(2, seconds(30), milliseconds(500), 3);
  CHECK(retry.max_attempts() == 3);
  auto first = retry.decide(status(503), 1, kNow);
  CHECK(first.retry);
  CHECK(first.delay <= milliseconds(500));
  CHECK(first.reason ==
        "status 503, retry 1 of 2 in " + std::to_string(first.delay.count()) + " ms (backoff)");
  CHECK(retry.decide(status(503), 2, kNow).retry);
  auto last = retry.decide(status(503), 3, kNow);
  CHECK_FALSE(last.retry);
  CHECK(last.reason == "gave up after 3 attempts: status 503");

  auto timeout = RetryPolicy(1, seconds(30), milliseconds(500), 3)
                     .decide(error(ErrorKind::timeout, "no response in 30 s"), 2, kNow);
  CHECK_FALSE(timeout.retry);
  CHECK(timeout.reason == "gave up after 2 attempts: timeout (no response in 30 s)");

  RetryPolicy off(0, seconds(30));
  auto none = off.decide(status(429), 1, kNow);
  CHECK_FALSE(none.retry);
  CHECK(none.reason == "status 429 (retries are off: --retries 0)");
}

TEST_CASE("RetryPolicy honours Retry-After in seconds and as an HTTP-date", "[audit]") {
  RetryPolicy retry(3, seconds(30), milliseconds(500), 3);
  auto secs = retry.decide(status(429, {{"retry-after", "7"}}), 1, kNow);
  CHECK(secs.retry);
  CHECK(secs.delay == seconds(7));
  CHECK(secs.reason == "status 429, retry 1 of 3 in 7000 ms (Retry-After)");

  auto date = retry.decide(status(503, {{"retry-after", "Sat, 01 Jun 2024 00:00:20 GMT"}}), 1,
                           kNow + milliseconds(500));
  CHECK(date.retry);
  CHECK(date.delay == milliseconds(19500));

  auto rfc850 =
      retry.decide(status(503, {{"retry-after", "Saturday, 01-Jun-24 00:00:05 GMT"}}), 1, kNow);
  CHECK(rfc850.delay == seconds(5));
  auto asctime = retry.decide(status(503, {{"retry-after", "Sat Jun  1 00:00:09 2024"}}), 1, kNow);
  CHECK(asctime.delay == seconds(9));

  // A date in the past means at once.
  auto past =
      retry.decide(status(503, {{"retry-after", "Fri, 31 May 2024 00:00:00 GMT"}}), 1, kNow);
  CHECK(past.retry);
  CHECK(past.delay == milliseconds(0));

  // Exactly the cap is still honoured.
  CHECK(retry.decide(status(429, {{"retry-after", "30"}}), 1, kNow).retry);
}

TEST_CASE("RetryPolicy gives up when Retry-After asks for more than --retry-max-wait", "[audit]") {
  RetryPolicy retry(3, seconds(30), milliseconds(500), 3);
  auto d = retry.decide(status(429, {{"retry-after", "120"}}), 1, kNow);
  CHECK_FALSE(d.retry);
  CHECK(d.reason ==
        "status 429: the server asked to retry after 120 s (Retry-After), more than "
        "--retry-max-wait 30 s");
  auto huge = retry.decide(status(429, {{"retry-after", "99999999999999999999"}}), 1, kNow);
  CHECK_FALSE(huge.retry);
  RetryPolicy short_cap(3, milliseconds(1500), milliseconds(500), 3);
  CHECK(short_cap.decide(status(503, {{"retry-after", "2"}}), 1, kNow).reason ==
        "status 503: the server asked to retry after 2 s (Retry-After), more than "
        "--retry-max-wait 1500 ms");
}

TEST_CASE("RetryPolicy: an unreadable Retry-After falls back to backoff", "[audit]") {
  RetryPolicy retry(3, seconds(30), milliseconds(500), 3);
  for (const char* bad : {"", "soon", "-5", "1.5", "Sat, 01 Jun 2024"}) {
    INFO(bad);
    auto d = retry.decide(status(503, {{"retry-after", bad}}), 1, kNow);
    CHECK(d.retry);
    CHECK(d.delay <= milliseconds(500));
    CHECK(d.reason.ends_with("(backoff)"));
  }
  CHECK(RetryPolicy::parse_retry_after(" 12 ", kNow) == milliseconds(12000));
  CHECK(RetryPolicy::parse_retry_after("0", kNow) == milliseconds(0));
  CHECK_FALSE(RetryPolicy::parse_retry_after("12s", kNow).has_value());
}

TEST_CASE("RetryPolicy::from_config validates --retries and --retry-max-wait", "[audit]") {
  siteaudit::audit::AuditConfig config;
  auto defaults = RetryPolicy::from_config(config);
  REQUIRE(defaults.ok());
  CHECK(defaults.value().max_attempts() == 3);
  CHECK(defaults.value().max_wait() == seconds(30));

  config.retries = 101;
  auto too_many = RetryPolicy::from_config(config);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.error() == "--retries: 101 is too many (at most 100)");

  config.retries = 1;
  config.retry_max_wait = milliseconds(-1);
  auto negative = RetryPolicy::from_config(config);
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error() == "--retry-max-wait: must not be negative");
}

TEST_CASE("RetryLoop retries transient outcomes, waits out the backoff and stops when cancelled",
          "[audit]") {
  rt::Runtime runtime({.threads = 1});
  const auto run = runtime.run([] {
    RetryPolicy retry(2, milliseconds(5), milliseconds(1), 11);
    const rt::Context background = rt::background();
    // A 503 three times: two retries, then final, and it says it gave up.
    RetryLoop loop(&retry, background);
    std::vector<RetryStep> steps;
    do {
      loop.count_attempt();
      steps.push_back(loop.after(status(503)));
    } while (steps.back() == RetryStep::again);
    CHECK(steps == std::vector<RetryStep>{RetryStep::again, RetryStep::again, RetryStep::done});
    CHECK(loop.attempts() == 3);
    CHECK(loop.gave_up());
    // Without a policy one attempt is final; a final 404 did not "give up".
    RetryLoop once(nullptr, background);
    once.count_attempt();
    CHECK(once.after(status(503)) == RetryStep::done);
    CHECK_FALSE(once.gave_up());
    // A run cancelled while the loop waits: no retry happens.
    auto [ctx, cancel] = rt::with_cancel(background);
    RetryPolicy slow(2, seconds(30), seconds(30), 5);
    RetryLoop waiting(&slow, ctx);
    waiting.count_attempt();
    rt::go([cancel = cancel] { cancel(); });
    const RetryStep step = waiting.after(status(503));
    CHECK((step == RetryStep::cancelled || step == RetryStep::done));
    CHECK_FALSE(waiting.gave_up());
  });
  REQUIRE(run.ok());
}

TEST_CASE("RetryLoop does not retry a connection error to a host that is down", "[audit]") {
  rt::Runtime runtime({.threads = 1});
  const auto run = runtime.run([] {
    RetryPolicy retry(2, milliseconds(1), milliseconds(1), 7);
    const rt::Context background = rt::background();
    HostHealth hosts;
    FetchResult down = error(ErrorKind::connect, "connection refused by 127.0.0.1:1");
    down.error.unreached = true;
    down.response.url = "http://127.0.0.1:1/a";
    // The first refusals are retried: the host may be restarting.
    for (unsigned i = 1; i < HostHealth::kDownAfter; ++i) {
      RetryLoop loop(&retry, background, &hosts);
      loop.count_attempt();
      CHECK(loop.after(down) == RetryStep::again);
      CHECK_FALSE(loop.host_down());
    }
    // The kDownAfter-th in a row is final, and the loop says why.
    RetryLoop stopped(&retry, background, &hosts);
    stopped.count_attempt();
    CHECK(stopped.after(down) == RetryStep::done);
    CHECK(stopped.host_down());
    CHECK(stopped.attempts() == 1);
    // A connect that timed out is no connection either.
    FetchResult blackholed = error(ErrorKind::timeout, "connecting to 127.0.0.1:1 timed out");
    blackholed.error.unreached = true;
    blackholed.response.url = "http://127.0.0.1:1/d";
    RetryLoop timed_out(&retry, background, &hosts);
    timed_out.count_attempt();
    CHECK(timed_out.after(blackholed) == RetryStep::done);
    CHECK(timed_out.host_down());
    // Another host's refusal is still retried, and so are other errors of the down host.
    FetchResult elsewhere = down;
    elsewhere.response.url = "http://127.0.0.1:2/a";
    RetryLoop other(&retry, background, &hosts);
    other.count_attempt();
    CHECK(other.after(elsewhere) == RetryStep::again);
    FetchResult busy = status(503);
    busy.response.url = "http://127.0.0.1:1/b";
    RetryLoop unavailable(&retry, background, &hosts);
    unavailable.count_attempt();
    CHECK(unavailable.after(busy) == RetryStep::again);
    CHECK_FALSE(unavailable.host_down());
    // An answer from the host clears it: its next refusal is retried again.
    FetchResult answered = status(200);
    answered.response.url = "http://127.0.0.1:1/c";
    hosts.note(answered);
    RetryLoop again(&retry, background, &hosts);
    again.count_attempt();
    CHECK(again.after(down) == RetryStep::again);
  });
  REQUIRE(run.ok());
}
