// datetime.hpp — the two date formats the rules read: HTTP-date and the W3C Datetime profile.
//
// HTTP-date (RFC 9110 §5.6.7) arrives in Retry-After and Last-Modified. Senders must use
// IMF-fixdate, but recipients must also accept the two obsolete forms, and old servers still
// send them:
//   IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT
//   RFC 850       Sunday, 06-Nov-94 08:49:37 GMT
//   asctime       Sun Nov  6 08:49:37 1994
// Names of days and months are matched without regard to case (lenient: the RFC's grammar is
// case-sensitive, real servers are not always). The day name is not checked against the date.
// An RFC 850 two-digit year that would be more than 50 years in the future is taken as the
// most recent past year with those digits (RFC 9110), which is why parsing needs `now`.
//
// W3C Datetime (sitemap <lastmod>) has six precisions: YYYY, YYYY-MM, YYYY-MM-DD,
// YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD, YYYY-MM-DDThh:mm:ss.sTZD (TZD = Z or ±hh:mm).
// A value with a time is one instant (fractions of a second dropped). A value without one is
// a span of local time in an unknown zone, so it is returned as the earliest and latest UTC
// instants it can denote (zones run from UTC-12 to UTC+14).
//
// Example:
//   auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", now);   // 784111777 s
//   auto lastmod = parse_w3c_datetime("2024-05-02");  // earliest 2024-05-01T10:00:00Z
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace siteaudit::audit {

using UtcSeconds = std::chrono::sys_seconds;

// parse_http_date() reads any of the three HTTP-date forms; nullopt when `text` is none of
// them or names an impossible date or time. Surrounding whitespace is ignored.
std::optional<UtcSeconds> parse_http_date(std::string_view text, UtcSeconds now);

// format_http_date() writes `time` as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the
// form servers send: what a finding quotes of a header it no longer has.
std::string format_http_date(UtcSeconds time);

// W3cDatetime is the span of UTC instants a W3C datetime can denote; earliest == latest for a
// value with a time.
struct W3cDatetime {
  UtcSeconds earliest;
  UtcSeconds latest;
  bool has_time = false;
};

// parse_w3c_datetime() reads the W3C Datetime profile; nullopt when `text` is not one.
std::optional<W3cDatetime> parse_w3c_datetime(std::string_view text);

}  // namespace siteaudit::audit
