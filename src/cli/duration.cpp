// duration.cpp — parsing and formatting of "1m30s"-style durations.
#include "cli/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace siteaudit::cli {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};

// Longest name first, so that "ms" is not read as "m" followed by a stray "s".
constexpr std::array<Unit, 4> kUnits{{{"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::milliseconds{0};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t whole = 0;
    std::size_t digits = 0;
    for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
      if (__builtin_mul_overflow(whole, 10, &whole) ||
          __builtin_add_overflow(whole, text[i] - '0', &whole)) {
        return std::nullopt;
      }
    }
    // Up to 9 fraction digits are kept: beyond that they are far below a millisecond, and
    // 9 digits times the largest unit still fits in 64 bits.
    std::int64_t fraction = 0;
    std::int64_t scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
        if (scale < 1'000'000'000) {
          fraction = fraction * 10 + (text[i] - '0');
          scale *= 10;
        }
      }
    }
    if (digits == 0) return std::nullopt;
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.substr(i, candidate.name.size()) == candidate.name) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    i += unit->name.size();
    std::int64_t part = 0;
    if (__builtin_mul_overflow(whole, unit->ms, &part) ||
        __builtin_add_overflow(part, fraction * unit->ms / scale, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
  }
  return std::chrono::milliseconds{total};
}

std::string format_duration(std::chrono::milliseconds value) {
  std::int64_t ms = value.count();
  if (ms == 0) return "0";
  std::string text;
  if (ms < 0) {
    // Not produced by parse_duration(); written so that a caller's bug is visible, not hidden.
    text.push_back('-');
    ms = -ms;
  }
  // Largest unit first, unlike kUnits, which is ordered for matching.
  static constexpr std::array<Unit, 4> kDescending{
      {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
  for (const Unit& unit : kDescending) {
    if (ms >= unit.ms) {
      text += std::to_string(ms / unit.ms);
      text += unit.name;
      ms %= unit.ms;
    }
  }
  return text;
}

}  // namespace siteaudit::cli
