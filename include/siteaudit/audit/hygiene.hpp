// hygiene.hpp — sitemap hygiene: what a listed page's response says about the sitemap itself.
//
// A sitemap should list the final, indexable, crawlable URL of every page, with a lastmod no
// later than the page's own. These rules read one fetch outcome (net::Response) of a listed
// URL and return audit::Findings — warnings, or failures under --strict — each with a stable
// code and a message that says what to change:
//
//   redirected_url               the listed URL redirects (or answers 3xx with a Location):
//                                sitemaps should list final URLs.
//   noindex                      X-Robots-Tag says noindex or none. Directives without a user
//                                agent apply to every crawler; agent-specific ones
//                                ("googlebot: noindex") are reported too, naming the agent,
//                                since the sitemap is read by that crawler. In one header
//                                value, "agent:" applies to the directives after it.
//   robots_disallowed            robots.txt disallows the URL (the caller asks robots.txt).
//   lastmod_after_last_modified  the sitemap's <lastmod> is later than the Last-Modified
//                                header. A date without a time is only flagged when it is later
//                                in every time zone (see datetime.hpp), so zones never cause a
//                                false alarm.
//   content_type                 the media type (parameters ignored, any case) is not one of
//                                --content-type, or the response has none.
//   slow                         the fetch took longer than --slow.
//
// Each rule is a pure function returning std::nullopt when it has nothing to say.
// hygiene_findings() applies all of them the way the checker does: the page rules (noindex,
// lastmod, content type) only to a 2xx final response, the others to any response.
//
// Example:
//   ParseResult<HygieneRules> rules = HygieneRules::from_config(config);
//   if (!rules.ok()) return fail(rules.error());
//   for (Finding& f : hygiene_findings(job, response, disallowed, rules.value(), now))
//     result.details().findings.push_back(std::move(f));
//
// Thread safety: pure functions over immutable rules; call from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/datetime.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/net/response.hpp"

namespace siteaudit::audit {

struct AuditConfig;

struct HygieneRules {
  // content_types are the accepted media types, lower-case; empty accepts any.
  std::vector<std::string> content_types;
  // slow flags fetches that take longer; 0 turns the rule off.
  std::chrono::milliseconds slow{0};
  // strict makes every finding a failure.
  bool strict = false;

  // from_config() validates --content-type (a comma-separated list of TYPE/SUBTYPE; parameters
  // after ';' are dropped) and --slow.
  [[nodiscard]] static ParseResult<HygieneRules> from_config(const AuditConfig& config);
};

std::optional<Finding> redirected_url_finding(std::string_view url, const net::Response& response,
                                              const HygieneRules& rules);
std::optional<Finding> noindex_finding(std::string_view url, const net::Response& response,
                                       const HygieneRules& rules);
std::optional<Finding> robots_disallowed_finding(std::string_view url, bool disallowed,
                                                 const HygieneRules& rules);
// lastmod_finding() compares the sitemap's `lastmod` text with the Last-Modified header; `now`
// resolves two-digit RFC 850 years. Unparseable values are left to the loader's lint.
std::optional<Finding> lastmod_finding(std::string_view url, std::string_view lastmod,
                                       const net::Response& response, const HygieneRules& rules,
                                       UtcSeconds now);
// lastmod_finding() for a Last-Modified read before: the instant `served`, quoted in the
// message as `served_text`.
std::optional<Finding> lastmod_finding(std::string_view url, std::string_view lastmod,
                                       UtcSeconds served, std::string_view served_text,
                                       const HygieneRules& rules);
// last_modified() is the instant the response's first Last-Modified header names; nullopt when
// there is none or it does not parse.
std::optional<UtcSeconds> last_modified(const net::Response& response, UtcSeconds now);
std::optional<Finding> content_type_finding(std::string_view url, const net::Response& response,
                                            const HygieneRules& rules);
std::optional<Finding> slow_finding(std::string_view url, const net::Response& response,
                                    const HygieneRules& rules);

// hygiene_findings() applies every rule above to the response to `job`, naming `job.url` (the
// URL as listed). `robots_disallowed` is robots.txt's verdict on the URL.
std::vector<Finding> hygiene_findings(const Job& job, const net::Response& response,
                                      bool robots_disallowed, const HygieneRules& rules,
                                      UtcSeconds now);

// add_hygiene_findings() adds the hygiene `findings` of a listed URL to `result`, in the order
// hygiene_findings() applies the rules: a slow one marks it slow, and the first of failure
// severity (--strict, --redirects fail) fails a result that had passed, naming its code. The
// checker calls it for a URL a sitemap listed before the check; LinkGraph::finish() for one that a
// crawled page linked to first.
void add_hygiene_findings(Result& result, std::vector<Finding> findings);

}  // namespace siteaudit::audit
