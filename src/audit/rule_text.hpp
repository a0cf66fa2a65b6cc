// rule_text.hpp — small text helpers shared by the rule parsers in src/audit (not a contract).
//
// The rule grammars (--accept, --status-rule, --rewrite, routes files, headers) are ASCII, so
// these helpers are deliberately locale-free (net/ascii.hpp says why).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit::rules_detail {

// The ASCII helpers are the net layer's (net/ascii.hpp); the rule parsers name them here.
using net::iequals;
using net::is_space;
using net::istarts_with;
using net::split_words;
using net::to_lower;
inline std::string lowercase(std::string_view text) {
  return net::ascii_lower(text);
}
inline std::string_view strip(std::string_view text) noexcept {
  return net::trim(text);
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
