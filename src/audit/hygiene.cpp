#include "siteaudit/audit/hygiene.hpp"

#include <algorithm>
#include <iterator>

#include "audit/rule_text.hpp"
#include "siteaudit/audit/audit_config.hpp"

namespace siteaudit::audit {

namespace {

using namespace rules_detail;

// kRuleOrder is the order in which hygiene_findings() applies the rules: a listed URL's
// findings are reported in it, however they were gathered (LinkGraph adds the lastmod rule's
// after the check).
constexpr FindingCode kRuleOrder[] = {
    FindingCode::redirected_url, FindingCode::robots_disallowed,
    FindingCode::noindex,        FindingCode::lastmod_after_last_modified,
    FindingCode::content_type,   FindingCode::slow};

std::size_t rule_rank(FindingCode code) {
  return static_cast<std::size_t>(std::find(std::begin(kRuleOrder), std::end(kRuleOrder), code) -
                                  std::begin(kRuleOrder));
}

Finding make(FindingCode code, std::string message, std::string_view url,
             const HygieneRules& rules) {
  return Finding{code, std::move(message), std::string(url), 0,
                 rules.strict ? Severity::failure : Severity::warning};
}

// media_type() is the type/subtype of a Content-Type value, lower-case, parameters dropped.
std::string media_type(std::string_view value) {
  return lowercase(strip(value.substr(0, value.find(';'))));
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
}

bool is_media_type(std::string_view type) {
  std::size_t slash = type.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == type.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (i != slash && !is_token_char(type[i])) return false;
  }
  return true;
}

// Directives of X-Robots-Tag that take a value after ':' and so are not user agents.
bool is_valued_directive(std::string_view name) {
  return name == "unavailable_after" || name == "max-snippet" || name == "max-image-preview" ||
         name == "max-video-preview";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

ParseResult<HygieneRules> HygieneRules::from_config(const AuditConfig& config) {
  using Result = ParseResult<HygieneRules>;
  HygieneRules rules;
  rules.strict = config.strict;
  if (config.slow < std::chrono::milliseconds(0)) {
    return Result::failure("--slow: must not be negative (0 turns it off)");
  }
  rules.slow = config.slow;
  std::string_view rest = config.content_type;
  if (!strip(rest).empty()) {
    while (true) {
      std::size_t comma = rest.find(',');
      std::string type = media_type(rest.substr(0, comma));
      if (!is_media_type(type)) {
        std::string given(strip(rest.substr(0, comma)));
        return Result::failure("--content-type: '" + given +
                               "' is not a media type (expected e.g. text/html or "
                               "text/html,application/xhtml+xml)");
      }
      rules.content_types.push_back(std::move(type));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return Result::success(std::move(rules));
}

std::optional<Finding> redirected_url_finding(std::string_view url, const net::Response& response,
                                              const HygieneRules& rules) {
  if (!response.redirects.empty()) {
    std::string statuses;
    for (const net::Hop& hop : response.redirects) {
      if (!statuses.empty()) statuses += ", ";
      statuses += std::to_string(hop.status);
    }
    std::string final_url =
        response.url.empty() ? response.redirects.back().location : response.url;
    std::string how = response.redirects.size() == 1
                          ? "redirects (" + statuses + ")"
                          : "redirects " + std::to_string(response.redirects.size()) + " times (" +
                                statuses + ")";
    return make(
        FindingCode::redirected_url,
        "listed URL " + how + " to " + final_url + ": list the final URL in the sitemap instead",
        url, rules);
  }
  if (response.status >= 300 && response.status <= 399) {
    for (const auto& [name, value] : response.headers) {
      // An empty Location leads nowhere: the URL's failure says so, and there is no final
      // URL to list instead.
      if (name != "location" || strip(value).empty()) continue;
      return make(FindingCode::redirected_url,
                  "listed URL redirects (" + std::to_string(response.status) + ") to " +
                      std::string(strip(value)) + ": list the final URL in the sitemap instead",
                  url, rules);
    }
  }
  return std::nullopt;
}

std::optional<Finding> noindex_finding(std::string_view url, const net::Response& response,
                                       const HygieneRules& rules) {
  std::vector<std::string> agents;  // "" stands for every crawler
  for (const auto& [name, value] : response.headers) {
    if (name != "x-robots-tag") continue;
    std::string agent;
    std::string_view rest = value;
    while (true) {
      std::size_t comma = rest.find(',');
      std::string_view directive = strip(rest.substr(0, comma));
      std::size_t colon = directive.find(':');
      if (colon != std::string_view::npos) {
        std::string head = lowercase(strip(directive.substr(0, colon)));
        if (!is_valued_directive(head)) {
          agent = head;
          directive = strip(directive.substr(colon + 1));
        }
      }
      std::string word = lowercase(directive);
      if ((word == "noindex" || word == "none") &&
          std::find(agents.begin(), agents.end(), agent) == agents.end()) {
        agents.push_back(agent);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (agents.empty()) return std::nullopt;
  bool everyone = std::find(agents.begin(), agents.end(), "") != agents.end();
  std::string whom = everyone ? "search engines" : join(agents);
  return make(FindingCode::noindex,
              "X-Robots-Tag tells " + whom +
                  " not to index this page, yet the sitemap lists it: remove it from the "
                  "sitemap or drop the noindex",
              url, rules);
}

std::optional<Finding> robots_disallowed_finding(std::string_view url, bool disallowed,
                                                 const HygieneRules& rules) {
  if (!disallowed) return std::nullopt;
  return make(FindingCode::robots_disallowed,
              "robots.txt disallows this URL, yet the sitemap lists it: remove it from the "
              "sitemap or allow it in robots.txt",
              url, rules);
}

std::optional<Finding> lastmod_finding(std::string_view url, std::string_view lastmod,
                                       const net::Response& response, const HygieneRules& rules,
                                       UtcSeconds now) {
  // Most URLs have no lastmod (every link a crawl finds): no date to read then.
  if (strip(lastmod).empty()) return std::nullopt;
  std::optional<std::string_view> served_text = response.header("last-modified");
  if (!served_text) return std::nullopt;
  std::optional<UtcSeconds> served = parse_http_date(*served_text, now);
  if (!served) return std::nullopt;
  return lastmod_finding(url, lastmod, *served, *served_text, rules);
}

std::optional<Finding> lastmod_finding(std::string_view url, std::string_view lastmod,
                                       UtcSeconds served, std::string_view served_text,
                                       const HygieneRules& rules) {
  std::optional<W3cDatetime> listed = parse_w3c_datetime(lastmod);  // nullopt when empty
  if (!listed || listed->earliest <= served) return std::nullopt;
  return make(FindingCode::lastmod_after_last_modified,
              "sitemap lastmod " + std::string(strip(lastmod)) +
                  " is later than the page's Last-Modified (" + std::string(strip(served_text)) +
                  "): set lastmod to when the page last changed, not when the sitemap was "
                  "generated",
              url, rules);
}

std::optional<UtcSeconds> last_modified(const net::Response& response, UtcSeconds now) {
  std::optional<std::string_view> text = response.header("last-modified");
  return text ? parse_http_date(*text, now) : std::nullopt;
}

std::optional<Finding> content_type_finding(std::string_view url, const net::Response& response,
                                            const HygieneRules& rules) {
  if (rules.content_types.empty()) return std::nullopt;
  const std::string expected = join(rules.content_types);
  for (const auto& [name, value] : response.headers) {
    if (name != "content-type") continue;
    std::string type = media_type(value);
    for (const std::string& accepted : rules.content_types) {
      if (type == accepted) return std::nullopt;
    }
    return make(FindingCode::content_type,
                "content type is " + (type.empty() ? std::string("empty") : type) + ", expected " +
                    expected + " (--content-type)",
                url, rules);
  }
  return make(FindingCode::content_type,
              "the response has no Content-Type, expected " + expected + " (--content-type)", url,
              rules);
}

std::optional<Finding> slow_finding(std::string_view url, const net::Response& response,
                                    const HygieneRules& rules) {
  if (rules.slow.count() <= 0 || response.time_ms <= rules.slow.count()) return std::nullopt;
  return make(FindingCode::slow,
              "took " + std::to_string(response.time_ms) + " ms, more than --slow " +
                  std::to_string(rules.slow.count()) + " ms",
              url, rules);
}

std::vector<Finding> hygiene_findings(const Job& job, const net::Response& response,
                                      bool robots_disallowed, const HygieneRules& rules,
                                      UtcSeconds now) {
  std::vector<Finding> out;
  auto add = [&out](std::optional<Finding> finding) {
    if (finding) out.push_back(std::move(*finding));
  };
  add(redirected_url_finding(job.url, response, rules));
  add(robots_disallowed_finding(job.url, robots_disallowed, rules));
  // Headers of an error page say nothing about the page the sitemap means.
  if (response.status >= 200 && response.status <= 299) {
    add(noindex_finding(job.url, response, rules));
    add(lastmod_finding(job.url, job.lastmod, response, rules, now));
    add(content_type_finding(job.url, response, rules));
  }
  add(slow_finding(job.url, response, rules));
  return out;
}

void add_hygiene_findings(Result& result, std::vector<Finding> findings) {
  if (findings.empty()) return;
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return rule_rank(a.code) < rule_rank(b.code);
  });
  ResultDetail& detail = result.details();
  for (Finding& finding : findings) {
    if (finding.code == FindingCode::slow) detail.slow = true;
    if (finding.severity == Severity::failure && result.outcome == Outcome::ok) {
      result.outcome = Outcome::failed;
      detail.error = finding.message;
      detail.error_kind = ErrorKind::finding;
      detail.failed_by = finding.code;
    }
    detail.findings.push_back(std::move(finding));
  }
}

}  // namespace siteaudit::audit
