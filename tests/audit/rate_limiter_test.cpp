#include "siteaudit/audit/rate_limiter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/runtime/runtime.hpp"

using namespace std::chrono;
using siteaudit::audit::AuditConfig;
using siteaudit::audit::RateLimiter;
namespace rt = siteaudit::rt;

namespace {

const RateLimiter::Clock::time_point kStart = RateLimiter::Clock::time_point(hours(1000));

}  // namespace

TEST_CASE("RateLimiter without a rate never waits", "[audit]") {
  RateLimiter unlimited(0);
  for (int i = 0; i < 100; ++i) CHECK(unlimited.reserve("example.com", kStart) == nanoseconds(0));
  CHECK(unlimited.interval("example.com") == nanoseconds(0));
  CHECK(RateLimiter(-3).rate() == 0);
  CHECK(RateLimiter(std::nan("")).reserve("a.test", kStart) == nanoseconds(0));
}

TEST_CASE("RateLimiter spaces requests to one host by 1/rate", "[audit]") {
  RateLimiter limiter(4);  // 250 ms apart
  CHECK(limiter.interval("a.test") == milliseconds(250));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(0));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(250));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(500));
  // Time passing uses up the wait: 600 ms later the next slot is 750 ms after the start.
  CHECK(limiter.reserve("a.test", kStart + milliseconds(600)) == milliseconds(150));
  // After a pause the bucket is full again, but holds only one token.
  CHECK(limiter.reserve("a.test", kStart + seconds(10)) == milliseconds(0));
  CHECK(limiter.reserve("a.test", kStart + seconds(10)) == milliseconds(250));
}

TEST_CASE("RateLimiter keeps one bucket per host, hosts compared in any case", "[audit]") {
  RateLimiter limiter(1);
  CHECK(limiter.reserve("a.test", kStart) == seconds(0));
  CHECK(limiter.reserve("b.test", kStart) == seconds(0));
  CHECK(limiter.reserve("A.TEST", kStart) == seconds(1));
  CHECK(limiter.reserve("b.test", kStart) == seconds(1));
}

TEST_CASE("RateLimiter lets a burst through, then spaces the rest", "[audit]") {
  RateLimiter limiter(10, 3);  // 100 ms apart, 3 at once
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(0));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(0));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(0));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(100));
  CHECK(limiter.reserve("a.test", kStart) == milliseconds(200));
}

TEST_CASE("RateLimiter: Crawl-delay lowers one host's rate, never raises it", "[audit]") {
  RateLimiter limiter(10);  // 100 ms
  CHECK(limiter.set_crawl_delay("slow.test", seconds(2)) == seconds(2));
  CHECK(limiter.set_crawl_delay("fast.test", milliseconds(10)) == milliseconds(100));
  CHECK(limiter.reserve("slow.test", kStart) == seconds(0));
  CHECK(limiter.reserve("slow.test", kStart) == seconds(2));
  CHECK(limiter.reserve("fast.test", kStart) == seconds(0));
  CHECK(limiter.reserve("fast.test", kStart) == milliseconds(100));
  CHECK(limiter.reserve("other.test", kStart) == seconds(0));
  CHECK(limiter.reserve("other.test", kStart) == milliseconds(100));

  // Without --rate a Crawl-delay still applies to its host, and only to it.
  RateLimiter unlimited(0);
  unlimited.set_crawl_delay("Slow.Test", seconds(3));
  CHECK(unlimited.reserve("slow.test", kStart) == seconds(0));
  CHECK(unlimited.reserve("slow.test", kStart) == seconds(3));
  CHECK(unlimited.reserve("other.test", kStart) == seconds(0));
  CHECK(unlimited.reserve("other.test", kStart) == seconds(0));

  // Capped, and never negative.
  CHECK(unlimited.set_crawl_delay("x.test", hours(5)) == RateLimiter::kMaxCrawlDelay);
  CHECK(unlimited.set_crawl_delay("y.test", seconds(-5)) == seconds(0));
}

TEST_CASE("RateLimiter shared by threads books every slot exactly once", "[audit]") {
  RateLimiter limiter(100);  // 10 ms apart
  constexpr int kThreads = 4, kPerThread = 50;
  std::vector<std::vector<RateLimiter::Clock::duration>> waits(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) waits[t].push_back(limiter.reserve("a.test", kStart));
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<RateLimiter::Clock::duration> all;
  for (auto& w : waits) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == kThreads * kPerThread);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == milliseconds(10) * i);
}

TEST_CASE("RateLimiter::from_config validates --rate", "[audit]") {
  AuditConfig config;
  auto unlimited = RateLimiter::from_config(config);
  REQUIRE(unlimited.ok());
  CHECK(unlimited.value()->rate() == 0);
  config.rate = 2.5;
  auto limited = RateLimiter::from_config(config);
  REQUIRE(limited.ok());
  CHECK(limited.value()->interval("a.test") == milliseconds(400));

  for (double bad : {-1.0, std::numeric_limits<double>::infinity(), std::nan("")}) {
    config.rate = bad;
    auto parsed = RateLimiter::from_config(config);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error() ==
          "--rate: must be a number of requests per second, 0 or more (0 = unlimited)");
  }
  config.rate = 2e6;
  auto too_fast = RateLimiter::from_config(config);
  REQUIRE_FALSE(too_fast.ok());
  CHECK(too_fast.error() == "--rate: at most 1000000 requests per second (0 = unlimited)");
}

TEST_CASE("RateLimiter::wait parks fibers until their slot, in booking order", "[audit]") {
  RateLimiter limiter(200);  // 5 ms apart
  std::vector<rt::ContextError> errors;
  auto result = rt::Runtime({.threads = 2}).run([&] {
    for (int i = 0; i < 4; ++i) errors.push_back(limiter.wait(rt::background(), "a.test"));
  });
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(errors == std::vector<rt::ContextError>(4, rt::ContextError::none));
  // Four slots were booked; the next one lies in the future of the last booking.
  CHECK(limiter.reserve("a.test", RateLimiter::Clock::now() - seconds(1)) > nanoseconds(0));
}

TEST_CASE("RateLimiter::wait returns early when the context is cancelled", "[audit]") {
  RateLimiter limiter(0);
  limiter.set_crawl_delay("slow.test", seconds(60));
  rt::ContextError first = rt::ContextError::cancelled, second = rt::ContextError::none;
  rt::ContextError already = rt::ContextError::none;
  auto result = rt::Runtime({.threads = 2}).run([&] {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    first = limiter.wait(ctx, "slow.test");  // the first request goes at once
    rt::go([cancel = cancel] {
      rt::yield();
      cancel();
    });
    second = limiter.wait(ctx, "slow.test");  // would wait 60 s
    already = limiter.wait(ctx, "other.test");
  });
  INFO(result.message);
  REQUIRE(result.ok());
  CHECK(first == rt::ContextError::none);
  CHECK(second == rt::ContextError::cancelled);
  CHECK(already == rt::ContextError::cancelled);
}
