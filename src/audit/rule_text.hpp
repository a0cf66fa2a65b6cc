// rule_text.hpp — small text helpers shared by the rule parsers in src/audit (not a contract).
//
// The rule grammars (--accept, --status-rule, --rewrite, routes files, headers) are ASCII, so
// these helpers are deliberately locale-free: std::tolower and std::isspace consult the global
// locale, which a library must not depend on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::audit::rules_detail {

inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

inline char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

inline bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

inline std::string_view strip(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// split_words() splits on runs of ASCII whitespace.
inline std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// url_host() returns the host of an absolute URL, lower-cased, without userinfo, port or IPv6
// brackets; empty when `url` has no authority. The URLs the rules see were normalised by
// curl_url in the loader, so this only has to find the authority, not validate it.
inline std::string url_host(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    return lowercase(
        authority.substr(1, close == std::string_view::npos ? authority.size() - 1 : close - 1));
  }
  return lowercase(authority.substr(0, authority.find(':')));
}

}  // namespace siteaudit::audit::rules_detail
