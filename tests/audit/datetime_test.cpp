#include "siteaudit/audit/datetime.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono;
using siteaudit::audit::format_http_date;
using siteaudit::audit::parse_http_date;
using siteaudit::audit::parse_w3c_datetime;
using siteaudit::audit::UtcSeconds;

namespace {

// 2024-06-01T00:00:00Z, a fixed "now" so two-digit years are deterministic.
const UtcSeconds kNow = sys_days(year{2024} / June / 1);
const UtcSeconds kRfcExample{seconds(784111777)};  // Sun, 06 Nov 1994 08:49:37 GMT

UtcSeconds utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  return sys_days(year{y} / month{m} / day{d}) + hours(h) + minutes(min) + seconds(s);
}

}  // namespace

TEST_CASE("parse_http_date reads the three forms of RFC 9110", "[audit]") {
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", kNow) == kRfcExample);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow) == kRfcExample);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994", kNow) == kRfcExample);
  CHECK(parse_http_date("Sun Nov 16 08:49:37 1994", kNow) == kRfcExample + days(10));
  CHECK(parse_http_date("  Wed, 21 Oct 2015 07:28:00 GMT \r", kNow) == utc(2015, 10, 21, 7, 28));
  // Lenient about case; the day name is not cross-checked.
  CHECK(parse_http_date("sun, 06 NOV 1994 08:49:37 gmt", kNow) == kRfcExample);
  CHECK(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT", kNow) == kRfcExample);
  CHECK(parse_http_date("Tue, 31 Dec 2024 23:59:60 GMT", kNow) == utc(2025, 1, 1));
}

TEST_CASE("parse_http_date: RFC 850 two-digit years are at most 50 years ahead", "[audit]") {
  CHECK(parse_http_date("Monday, 01-Jan-24 00:00:00 GMT", kNow) == utc(2024, 1, 1));
  CHECK(parse_http_date("Monday, 01-Jan-74 00:00:00 GMT", kNow) == utc(2074, 1, 1));
  CHECK(parse_http_date("Monday, 01-Jan-75 00:00:00 GMT", kNow) == utc(1975, 1, 1));
  CHECK(parse_http_date("Monday, 01-Jan-99 00:00:00 GMT", kNow) == utc(1999, 1, 1));
  CHECK(parse_http_date("Monday, 01-Jan-00 00:00:00 GMT", kNow) == utc(2000, 1, 1));
}

TEST_CASE("parse_http_date rejects malformed and impossible dates", "[audit]") {
  for (const char* bad :
       {"", "0", "120", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 2023 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT x", "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "1994-11-06T08:49:37Z",
        "Xyz, 06 Nov 1994 08:49:37 GMT"}) {
    INFO(bad);
    CHECK_FALSE(parse_http_date(bad, kNow).has_value());
  }
  CHECK(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", kNow) == utc(2024, 2, 29));
}

TEST_CASE("parse_w3c_datetime: values with a time are one instant in UTC", "[audit]") {
  auto z = parse_w3c_datetime("2024-05-02T10:20:30Z");
  REQUIRE(z);
  CHECK(z->has_time);
  CHECK(z->earliest == utc(2024, 5, 2, 10, 20, 30));
  CHECK(z->latest == z->earliest);
  CHECK(parse_w3c_datetime("2024-05-02T10:20Z")->earliest == utc(2024, 5, 2, 10, 20));
  CHECK(parse_w3c_datetime("2024-05-02T10:20:30.123456+02:00")->earliest ==
        utc(2024, 5, 2, 8, 20, 30));
  CHECK(parse_w3c_datetime("2024-05-02T23:30:00-05:30")->earliest == utc(2024, 5, 3, 5, 0));
  CHECK(parse_w3c_datetime(" 2024-05-02T10:20:30Z\n")->earliest == utc(2024, 5, 2, 10, 20, 30));
}

TEST_CASE("parse_w3c_datetime: dates are spans over every time zone", "[audit]") {
  auto day = parse_w3c_datetime("2024-05-02");
  REQUIRE(day);
  CHECK_FALSE(day->has_time);
  CHECK(day->earliest == utc(2024, 5, 1, 10));
  CHECK(day->latest == utc(2024, 5, 3, 11, 59, 59));
  auto month = parse_w3c_datetime("2024-02");
  REQUIRE(month);
  CHECK(month->earliest == utc(2024, 1, 31, 10));
  CHECK(month->latest == utc(2024, 3, 1, 11, 59, 59));
  auto whole_year = parse_w3c_datetime("2023");
  REQUIRE(whole_year);
  CHECK(whole_year->earliest == utc(2022, 12, 31, 10));
  CHECK(whole_year->latest == utc(2024, 1, 1, 11, 59, 59));
}

TEST_CASE("parse_w3c_datetime rejects what the profile does not allow", "[audit]") {
  for (const char* bad :
       {"", "24", "2024-5-02", "2024-05-2", "2024-13-01", "2024-02-30", "2024-05-02T10:20:30",
        "2024-05-02T10Z", "2024-05-02 10:20:30Z", "2024-05T10:20Z", "2024-05-02T25:00Z",
        "2024-05-02T10:20:30.Z", "2024-05-02T10:20:30+0200", "2024-05-02T10:20:30+15:00",
        "2024-05-02Z", "2024-05-02T10:20:30Zx", "May 2, 2024"}) {
    INFO(bad);
    CHECK_FALSE(parse_w3c_datetime(bad).has_value());
  }
}

TEST_CASE("format_http_date writes the IMF-fixdate that parse_http_date reads", "[audit]") {
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Fri, 01 May 2026 00:00:00 GMT",
                           "Thu, 29 Feb 2024 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:01 GMT"}) {
    const std::optional<UtcSeconds> parsed = parse_http_date(text, kNow);
    REQUIRE(parsed);
    CHECK(format_http_date(*parsed) == text);
  }
}
