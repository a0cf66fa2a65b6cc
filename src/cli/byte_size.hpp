// byte_size.hpp — byte counts as users write them on the command line: "512KiB", "10MiB", "1GB".
//
// A size is a number with an optional unit: B; kB, MB, GB, TB (powers of 1000); KiB, MiB, GiB,
// TiB (powers of 1024). Units are matched without regard to case ("10mib"), a bare number counts
// bytes, and a fraction is allowed when the result is whole bytes' worth ("1.5MiB").
// format_byte_size() writes what parse_byte_size() reads back.
//
// Example:
//   std::optional<std::uint64_t> n = parse_byte_size("10MiB");  // 10485760
//   std::string text = format_byte_size(*n);                   // "10MiB"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siteaudit::cli {

// parse_byte_size() reads a size; nullopt when `text` is not one or does not fit in 64 bits.
// Fractions of a byte are rounded down.
[[nodiscard]] std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// format_byte_size() writes `bytes` in the largest binary unit that divides it exactly
// ("10MiB", "1536KiB"), or as a bare number of bytes.
[[nodiscard]] std::string format_byte_size(std::uint64_t bytes);

}  // namespace siteaudit::cli
