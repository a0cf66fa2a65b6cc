// robots.hpp — robots.txt per RFC 9309: groups, allow/disallow matching, Sitemap: lines.
//
// RobotsTxt::parse() reads a robots.txt body into user-agent groups (consecutive User-agent
// lines share the rules that follow; groups naming the same agent are merged), the Crawl-delay
// of each group and every Sitemap: line (which belongs to no group and never ends one). It is
// lenient the way real files need: case-insensitive field names, `Site-map:` and other
// spellings, odd spacing, CRLF, a BOM, comments, no trailing newline. Only the first 500 KiB
// are parsed (RFC 9309 §2.5), with a finding saying so.
//
// allowed() applies RFC 9309 §2.2.2: the rules of the group matching the product token (else
// the `*` group, else none), the longest matching pattern wins (in octets), `*` matches any
// sequence and `$` anchors the end, allow wins a tie, and /robots.txt is always allowed.
// for_status() builds the rules a fetch outcome implies: 4xx "unavailable" allows everything,
// 5xx or unreachable disallows everything (§2.3.1.3–4).
//
// Example:
//   RobotsTxt robots = RobotsTxt::parse(body, "https://example.com/robots.txt");
//   robots.allowed("siteaudit", "/private/a?x=1");   // false under "Disallow: /private"
//   for (auto& sitemap : robots.sitemaps()) load(sitemap);
//
// Thread safety: a parsed RobotsTxt is immutable; const members may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/model_types.hpp"

namespace siteaudit::audit {

// kRobotsParseLimit is how much of a robots.txt is parsed (RFC 9309 §2.5: at least 500 KiB).
inline constexpr std::size_t kRobotsParseLimit = 500 * 1024;

struct RobotsRule {
  bool allow = false;
  std::string pattern;  // percent-encoding normalised; may contain `*` and a final `$`
  std::uint32_t line = 0;
};

struct RobotsGroup {
  std::vector<std::string> agents;  // product tokens, lower-case; "*" for the default group
  std::vector<RobotsRule> rules;
  std::optional<double> crawl_delay;  // seconds
};

// RobotsSitemap is one Sitemap: line, resolved to an absolute URL.
struct RobotsSitemap {
  std::string url;
  std::uint32_t line = 0;
};

class RobotsTxt {
 public:
  // parse() parses a robots.txt body fetched from `robots_url` (the base for relative
  // Sitemap: lines; may be empty for a body of unknown origin).
  static RobotsTxt parse(std::string_view body, std::string_view robots_url);
  // allow_all() / disallow_all() are the rules of an unavailable / unreachable robots.txt.
  static RobotsTxt allow_all();
  static RobotsTxt disallow_all();
  // for_status() maps an HTTP status without a usable body: 4xx allows all (429 excepted, it
  // is treated like 5xx as crawlers do), 5xx and 0 (no response) disallow all.
  static RobotsTxt for_status(int status);

  // allowed() says whether `user_agent` may fetch `path` (path, optionally with ?query; a full
  // URL is reduced to its path and query first).
  bool allowed(std::string_view user_agent, std::string_view path) const;
  // crawl_delay() is the Crawl-delay of the group that applies to `user_agent`, if any.
  std::optional<std::chrono::milliseconds> crawl_delay(std::string_view user_agent) const;

  const std::vector<RobotsSitemap>& sitemaps() const noexcept { return sitemaps_; }
  const std::vector<RobotsGroup>& groups() const noexcept { return groups_; }
  // findings are problems with the file itself (truncated at the limit, unresolvable sitemap).
  const std::vector<Finding>& findings() const noexcept { return findings_; }
  // looks_like_robots() is true when the body had at least one robots.txt field line; the
  // loader uses it to tell a robots.txt from a text sitemap by content.
  bool looks_like_robots() const noexcept { return fields_ > 0; }

 private:
  // applicable_agent() is the product token of `user_agent` when a group names it, else "*".
  std::string applicable_agent(std::string_view user_agent) const;

  enum class Mode : std::uint8_t { rules, allow_all, disallow_all };
  Mode mode_ = Mode::rules;
  std::vector<RobotsGroup> groups_;
  std::vector<RobotsSitemap> sitemaps_;
  std::vector<Finding> findings_;
  std::size_t fields_ = 0;
};

// robots_pattern_matches() is the RFC 9309 matcher: `*` matches any octets, a final `$`
// anchors the end of `path`; otherwise `pattern` must match a prefix of `path`.
bool robots_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace siteaudit::audit
