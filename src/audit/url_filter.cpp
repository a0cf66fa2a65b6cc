#include "siteaudit/audit/url_filter.hpp"

#include <utility>

namespace siteaudit::audit {

bool UrlFilter::compile(const char* option, const std::vector<std::string>& patterns,
                        std::vector<UrlPattern>& out, std::string& error) {
  for (const std::string& text : patterns) {
    // An empty pattern matches every URL; that is never what someone who typed the option
    // meant (usually an unset shell variable), so it is refused rather than silently applied.
    if (text.empty()) {
      error = std::string(option) + ": empty pattern (it would match every URL)";
      return false;
    }
    ParseResult<UrlPattern> pattern = UrlPattern::compile(option, text);
    if (!pattern.ok()) {
      error = pattern.error();
      return false;
    }
    out.push_back(std::move(pattern).value());
  }
  return true;
}

ParseResult<UrlFilter> UrlFilter::parse(const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude) {
  UrlFilter filter;
  std::string error;
  if (!compile("--include", include, filter.include_, error) ||
      !compile("--exclude", exclude, filter.exclude_, error)) {
    return ParseResult<UrlFilter>::failure(std::move(error));
  }
  return ParseResult<UrlFilter>::success(std::move(filter));
}

FilterDecision UrlFilter::check(std::string_view url) const {
  FilterDecision decision;
  if (!include_.empty()) {
    bool included = false;
    for (const UrlPattern& p : include_) {
      if (p.search(url)) {
        included = true;
        break;
      }
    }
    if (!included) {
      decision.checked = false;
      decision.reason =
          include_.size() == 1
              ? "not matched by --include '" + include_.front().text() + "'"
              : "matched by none of the " + std::to_string(include_.size()) + " --include patterns";
      return decision;
    }
  }
  for (const UrlPattern& p : exclude_) {
    if (p.search(url)) {
      decision.checked = false;
      decision.reason = "excluded by --exclude '" + p.text() + "'";
      return decision;
    }
  }
  return decision;
}

}  // namespace siteaudit::audit
