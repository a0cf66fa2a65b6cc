// robots.cpp — RFC 9309 parsing and matching.
#include "siteaudit/audit/robots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

namespace {

enum class Field : std::uint8_t { unknown, user_agent, allow, disallow, sitemap, crawl_delay };

// field_of() accepts the spellings real files use; RFC 9309 §2.2.4 allows this leniency as
// long as it does not change how the defined records parse.
Field field_of(std::string_view key) {
  std::string k = net::ascii_lower(key);
  std::erase_if(k, [](char c) { return c == ' ' || c == '\t'; });
  static constexpr std::array<std::pair<std::string_view, Field>, 14> kNames = {{
      {"user-agent", Field::user_agent},
      {"useragent", Field::user_agent},
      {"user_agent", Field::user_agent},
      {"allow", Field::allow},
      {"disallow", Field::disallow},
      {"dissallow", Field::disallow},
      {"dissalow", Field::disallow},
      {"disalow", Field::disallow},
      {"sitemap", Field::sitemap},
      {"site-map", Field::sitemap},
      {"sitemaps", Field::sitemap},
      {"site_map", Field::sitemap},
      {"crawl-delay", Field::crawl_delay},
      {"crawldelay", Field::crawl_delay},
  }};
  for (const auto& [name, field] : kNames) {
    if (k == name) return field;
  }
  return Field::unknown;
}

// product_token() reduces a User-agent value to its product token ("Googlebot/2.1 (+url)" ->
// "googlebot"), as §2.2.1 compares crawler names.
std::string product_token(std::string_view value) {
  if (value.starts_with('*')) return "*";
  std::size_t n = 0;
  while (n < value.size() && (std::isalpha(static_cast<unsigned char>(value[n])) ||
                              value[n] == '-' || value[n] == '_')) {
    ++n;
  }
  return net::ascii_lower(value.substr(0, n));
}

// normalize_octets() makes a pattern and a path comparable octet for octet (RFC 9309 §2.2.2):
// bytes outside ASCII are percent-encoded, escapes of unreserved characters are decoded (the
// RFC's "/foo/bar/%62%61%7A" matches "/foo/bar/baz", and "/%7Ejoe" matches the "/~joe" a
// normal URL holds), the characters a normal URL escapes (net::kPathEscapes) are escaped, and
// the other escapes get upper-case hex. Reserved characters stay escaped, so "%2A" in a
// pattern is a literal '*', not the wildcard.
std::string normalize_octets(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || c == ' ' ||
        net::kPathEscapes.find(static_cast<char>(c)) != std::string_view::npos) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      const auto decoded =
          static_cast<char>(net::hex_value(s[i + 1]) * 16 + net::hex_value(s[i + 2]));
      if (net::is_unreserved(decoded)) {
        out += decoded;
      } else {
        out += '%';
        out += net::to_upper(s[i + 1]);
        out += net::to_upper(s[i + 2]);
      }
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// path_of() reduces a full URL to path?query; a path is returned as is. Fragments never reach
// a server, so they never match.
std::string_view path_of(std::string_view url) {
  if (std::optional<std::string_view> rest = net::after_authority(url)) url = *rest;
  auto hash = url.find('#');
  if (hash != std::string_view::npos) url = url.substr(0, hash);
  return url;
}

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
  // Track every prefix length of `path` the pattern read so far can have matched (the matcher
  // Google's robots.cc uses): linear in the path per pattern octet, no backtracking blow-up.
  std::vector<std::size_t> positions{0};
  std::vector<std::size_t> next;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '$' && i + 1 == pattern.size()) {
      return positions.back() == path.size();
    }
    next.clear();
    if (c == '*') {
      for (std::size_t p = positions.front(); p <= path.size(); ++p) next.push_back(p);
    } else {
      for (std::size_t p : positions) {
        if (p < path.size() && path[p] == c) next.push_back(p + 1);
      }
    }
    if (next.empty()) return false;
    positions.swap(next);
  }
  return true;
}

RobotsTxt RobotsTxt::allow_all() {
  RobotsTxt r;
  r.mode_ = Mode::allow_all;
  return r;
}

RobotsTxt RobotsTxt::disallow_all() {
  RobotsTxt r;
  r.mode_ = Mode::disallow_all;
  return r;
}

RobotsTxt RobotsTxt::for_status(int status) {
  if (status >= 400 && status < 500 && status != 429) return allow_all();
  return disallow_all();
}

RobotsTxt RobotsTxt::parse(std::string_view body, std::string_view robots_url) {
  RobotsTxt r;
  if (body.size() > kRobotsParseLimit) {
    // Drop the partial last line: half a rule could disallow more than the author meant.
    body = body.substr(0, kRobotsParseLimit);
    auto nl = body.rfind('\n');
    body = nl == std::string_view::npos ? std::string_view() : body.substr(0, nl + 1);
    r.findings_.push_back(
        Finding{.code = FindingCode::robots_too_large,
                .message = fmt::format("robots.txt is larger than {} bytes; the rest is ignored",
                                       kRobotsParseLimit),
                .where = std::string(robots_url),
                .line = 0,
                .severity = Severity::warning});
  }
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);

  bool in_agent_lines = false;  // the previous record was a User-agent line
  RobotsGroup* group = nullptr;
  std::uint32_t line_no = 0;
  while (!body.empty()) {
    ++line_no;
    // Lines end in LF, CRLF or a lone CR (§2.2: EOL = %x0D / %x0A / %x0D.0A).
    auto eol = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, eol);
    if (eol == std::string_view::npos) {
      body = {};
    } else {
      std::size_t skip =
          body[eol] == '\r' && eol + 1 < body.size() && body[eol + 1] == '\n' ? 2 : 1;
      body.remove_prefix(eol + skip);
    }
    auto hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = net::trim(line);
    auto colon = line.find(':');
    if (line.empty() || colon == std::string_view::npos) continue;
    Field field = field_of(net::trim(line.substr(0, colon)));
    std::string_view value = net::trim(line.substr(colon + 1));
    if (field != Field::unknown) ++r.fields_;
    switch (field) {
      case Field::user_agent:
        if (!in_agent_lines || group == nullptr) {
          r.groups_.emplace_back();
          group = &r.groups_.back();
        }
        in_agent_lines = true;
        if (std::string token = product_token(value); !token.empty()) {
          group->agents.push_back(std::move(token));
        }
        break;
      case Field::allow:
      case Field::disallow:
        in_agent_lines = false;
        // Rules before any User-agent line belong to no group (§2.2.1) and an empty value
        // matches nothing.
        if (group != nullptr && !value.empty()) {
          group->rules.push_back(RobotsRule{
              .allow = field == Field::allow, .pattern = normalize_octets(value), .line = line_no});
        }
        break;
      case Field::crawl_delay: {
        in_agent_lines = false;
        double seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (group != nullptr && ec == std::errc() && seconds >= 0 &&
            end == value.data() + value.size()) {
          group->crawl_delay = seconds;
        }
        break;
      }
      case Field::sitemap: {
        // Sitemap records belong to no group and do not end one (§2.2.4).
        if (value.empty()) break;
        net::UrlResult url =
            robots_url.empty() ? net::normalize_url(value) : net::resolve_url(robots_url, value);
        if (url.ok()) {
          r.sitemaps_.push_back(RobotsSitemap{.url = std::move(url.url), .line = line_no});
        } else {
          r.findings_.push_back(Finding{
              .code = FindingCode::invalid_sitemap_url,
              .message = fmt::format("Sitemap: {} is not a usable URL: {}", value, url.error),
              .where = std::string(robots_url),
              .line = line_no,
              .severity = Severity::warning});
        }
        break;
      }
      case Field::unknown:
        break;
    }
  }
  return r;
}

std::string RobotsTxt::applicable_agent(std::string_view user_agent) const {
  std::string token = product_token(user_agent);
  for (const RobotsGroup& g : groups_) {
    if (!token.empty() && std::find(g.agents.begin(), g.agents.end(), token) != g.agents.end()) {
      return token;
    }
  }
  return "*";
}

bool RobotsTxt::allowed(std::string_view user_agent, std::string_view path_or_url) const {
  std::string path = normalize_octets(path_of(path_or_url));
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  if (path == "/robots.txt") return true;
  if (mode_ == Mode::allow_all) return true;
  if (mode_ == Mode::disallow_all) return false;

  // Groups naming the same agent are merged (§2.2.1): collect the rules of every group that
  // names the product token, else of every `*` group.
  std::string wanted = applicable_agent(user_agent);
  std::size_t best_allow = 0, best_disallow = 0;
  bool any_allow = false, any_disallow = false;
  for (const RobotsGroup& g : groups_) {
    if (std::find(g.agents.begin(), g.agents.end(), wanted) == g.agents.end()) continue;
    for (const RobotsRule& rule : g.rules) {
      if (!robots_pattern_matches(rule.pattern, path)) continue;
      if (rule.allow) {
        any_allow = true;
        best_allow = std::max(best_allow, rule.pattern.size());
      } else {
        any_disallow = true;
        best_disallow = std::max(best_disallow, rule.pattern.size());
      }
    }
  }
  if (!any_disallow) return true;
  // The longest match wins; allow wins a tie (§2.2.2).
  return any_allow && best_allow >= best_disallow;
}

std::optional<std::chrono::milliseconds> RobotsTxt::crawl_delay(std::string_view user_agent) const {
  if (mode_ != Mode::rules) return std::nullopt;
  std::string wanted = applicable_agent(user_agent);
  for (const RobotsGroup& g : groups_) {
    if (std::find(g.agents.begin(), g.agents.end(), wanted) == g.agents.end()) continue;
    if (g.crawl_delay) {
      // A day is more than any run waits; it also keeps the conversion in range.
      double ms = std::min(*g.crawl_delay, 86'400.0) * 1000.0;
      return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
    }
  }
  return std::nullopt;
}

}  // namespace siteaudit::audit
