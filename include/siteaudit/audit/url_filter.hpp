// url_filter.hpp — --include / --exclude: which listed URLs are checked at all.
//
// A UrlFilter holds the --include and --exclude patterns, each a regular expression (UrlPattern)
// searched anywhere in the URL (anchor with ^ and $ to match the whole URL), compiled once.
// A URL is checked when it matches at least one include pattern (or there are none) and no
// exclude pattern. Excluded URLs are not dropped: the checker reports them as skipped, with
// the reason naming the pattern, so every listed URL still appears in the report once.
// Patterns are tried in the order given; the first exclude that matches is the one named.
// The filter sees the URL as the sitemap listed it (Job::url), before --rewrite.
//
// Example:
//   ParseResult<UrlFilter> parsed = UrlFilter::parse({}, {"/private/", "\\.pdf$"});
//   if (!parsed.ok()) return fail(parsed.error());
//   FilterDecision d = parsed.value().check("https://example.com/private/a");
//   // d.checked == false, d.reason == "excluded by --exclude '/private/'"
//
// Thread safety: immutable after parse(); check() may be called from any number of threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/audit/url_pattern.hpp"

namespace siteaudit::audit {

// FilterDecision says whether a URL is checked and, when it is not, why.
struct FilterDecision {
  bool checked = true;
  std::string reason;  // empty when checked
};

class UrlFilter {
 public:
  // UrlFilter() checks every URL.
  UrlFilter() = default;

  // parse() compiles every pattern; the error names the option and the pattern, e.g.
  // "--exclude: '[a-' is not a valid regular expression: unmatched '[' or ']'".
  [[nodiscard]] static ParseResult<UrlFilter> parse(const std::vector<std::string>& include,
                                                    const std::vector<std::string>& exclude);

  // check() decides whether `url` is checked.
  FilterDecision check(std::string_view url) const;

  // empty() is true when the filter lets every URL through without looking at it.
  bool empty() const noexcept { return include_.empty() && exclude_.empty(); }

 private:
  static bool compile(const char* option, const std::vector<std::string>& patterns,
                      std::vector<UrlPattern>& out, std::string& error);

  std::vector<UrlPattern> include_;
  std::vector<UrlPattern> exclude_;
};

}  // namespace siteaudit::audit
