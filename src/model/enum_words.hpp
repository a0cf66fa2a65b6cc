// enum_words.hpp — a check that a table of an enum's words can be indexed by the enum.
//
// The report's words for an enum come from one table of {value, word} rows, and to_string()
// reads the row at the value's index; this check, run by a static_assert, makes the compiler
// reject a table whose rows are out of order, missing or doubled.
//
//   static_assert(rows_follow_enum<&Row::kind>(kRows, Kind::last_value), "...");
#pragma once

#include <cstddef>

namespace siteaudit::model {

// rows_follow_enum() is true when row i holds the value i in `Member`, for every value up to
// `last`.
template <auto Member, typename Row, std::size_t N, typename Enum>
constexpr bool rows_follow_enum(const Row (&rows)[N], Enum last) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(rows[i].*Member) != i) return false;
  }
  return N == static_cast<std::size_t>(last) + 1;
}

}  // namespace siteaudit::model
