// ascii.hpp — locale-free text helpers for the ASCII grammars of protocols and options.
//
// HTTP header names, robots.txt fields, sitemap values and the option grammars are ASCII and
// compared without regard to case. std::tolower and std::isspace consult the global locale,
// which a library must not depend on (a Turkish locale lower-cases 'I' to a dotless i), so
// every such comparison in siteaudit goes through these.
//
// Example:
//   if (net::iequals(net::trim(name), "content-type")) ...
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::net {

// is_space() is true for the ASCII whitespace characters: space, \t, \n, \v, \f, \r.
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// is_letter() is true for an ASCII letter.
constexpr bool is_letter(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// is_unreserved() is true for RFC 3986's unreserved characters (letters, digits, "-._~"),
// which an escape never needs: normalisation decodes their escapes.
constexpr bool is_unreserved(char c) noexcept {
  return is_letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// hex_value() is the value of a hexadecimal digit (either case), or -1 for any other byte.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// to_lower() lower-cases one ASCII letter; every other byte is returned as it is.
constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ascii_lower() is `text` with its ASCII letters lower-cased.
inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

// to_upper() upper-cases one ASCII letter; every other byte is returned as it is.
constexpr char to_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// iequals() compares two strings ignoring the case of ASCII letters.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

// istarts_with() is true when `text` starts with `prefix`, ignoring ASCII case.
constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// kAsciiSpace is what is_space() accepts; kXmlSpace is XML's whitespace (S in XML 1.0), which
// leaves \v and \f in place for the lint to see.
inline constexpr std::string_view kAsciiSpace = " \t\r\n\f\v";
inline constexpr std::string_view kXmlSpace = " \t\r\n";

// trim() is `text` without the characters of `space` (ASCII whitespace) at either end.
constexpr std::string_view trim(std::string_view text,
                                std::string_view space = kAsciiSpace) noexcept {
  const std::size_t first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// split_words() splits on runs of ASCII whitespace.
inline std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace siteaudit::net
