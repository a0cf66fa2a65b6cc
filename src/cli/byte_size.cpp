// byte_size.cpp — parsing and formatting of "10MiB"-style sizes.
#include "cli/byte_size.hpp"

#include <array>
#include <cctype>

#include "siteaudit/net/ascii.hpp"

namespace siteaudit::cli {
namespace {

struct Unit {
  std::string_view name;  // lower case; input is compared without regard to case
  std::uint64_t bytes;
};

constexpr std::uint64_t kKi = 1024;
constexpr std::array<Unit, 10> kUnits{{
    {"", 1},
    {"b", 1},
    {"kb", 1000},
    {"mb", 1000 * 1000},
    {"gb", 1000ull * 1000 * 1000},
    {"tb", 1000ull * 1000 * 1000 * 1000},
    {"kib", kKi},
    {"mib", kKi* kKi},
    {"gib", kKi* kKi* kKi},
    {"tib", kKi* kKi* kKi* kKi},
}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t i = 0;
  std::size_t digits = 0;
  std::uint64_t whole = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
    if (__builtin_mul_overflow(whole, 10u, &whole) ||
        __builtin_add_overflow(whole, static_cast<unsigned>(text[i] - '0'), &whole)) {
      return std::nullopt;
    }
  }
  // Six fraction digits are plenty for a size, and six digits times a TiB fit in 64 bits.
  std::uint64_t fraction = 0;
  std::uint64_t scale = 1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
      if (scale < 1'000'000) {
        fraction = fraction * 10 + static_cast<unsigned>(text[i] - '0');
        scale *= 10;
      }
    }
  }
  if (digits == 0) return std::nullopt;
  const std::string unit_name = net::ascii_lower(text.substr(i));
  for (const Unit& unit : kUnits) {
    if (unit.name != unit_name) continue;
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(whole, unit.bytes, &bytes) ||
        __builtin_add_overflow(bytes, fraction * unit.bytes / scale, &bytes)) {
      return std::nullopt;
    }
    return bytes;
  }
  return std::nullopt;
}

std::string format_byte_size(std::uint64_t bytes) {
  static constexpr std::array<Unit, 4> kBinary{
      {{"TiB", kKi * kKi * kKi * kKi}, {"GiB", kKi * kKi * kKi}, {"MiB", kKi * kKi}, {"KiB", kKi}}};
  if (bytes != 0) {
    for (const Unit& unit : kBinary) {
      if (bytes % unit.bytes == 0)
        return std::to_string(bytes / unit.bytes) + std::string(unit.name);
    }
  }
  return std::to_string(bytes);
}

}  // namespace siteaudit::cli
