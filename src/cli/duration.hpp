// duration.hpp — durations as users write them on the command line: "500ms", "10s", "1m30s".
//
// A duration is one or more numbers, each followed by a unit: ms, s, m or h ("1.5s", "2m",
// "1h30m"); the bare number 0 means zero (the "off" or "none" of --slow and --max-time). Values
// are kept in whole milliseconds. format_duration() writes what parse_duration() reads back.
//
// Example:
//   std::optional<std::chrono::milliseconds> t = parse_duration("1m30s");  // 90'000 ms
//   std::string text = format_duration(*t);                                 // "1m30s"
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace siteaudit::cli {

// kMaxDuration is the longest duration an option takes: 365 days, longer than any audit needs,
// and a small fraction of the 292 years that std::chrono::steady_clock's 64-bit nanoseconds
// hold, so a deadline or timer computed as now() plus an option's value cannot overflow.
inline constexpr std::chrono::milliseconds kMaxDuration = std::chrono::hours(24 * 365);

// parse_duration() reads a duration; nullopt when `text` is not one (no unit, unknown unit,
// negative, or more than about 292 million years).
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// format_duration() writes `value` in the largest exact units: "0", "250ms", "30s", "1m30s",
// "1h", "2s500ms".
[[nodiscard]] std::string format_duration(std::chrono::milliseconds value);

}  // namespace siteaudit::cli
