// crawl_scope.hpp — which pages crawl mode parses for links, and which links are external.
//
// A crawl follows the links of the pages inside its scope and only checks the links that lead
// out of it. By default the scope is the origins of the http(s) inputs (scheme, host and
// port, as a browser compares them): auditing https://www.example.com/ crawls that origin,
// not the CDN or the social networks it links to. `--scope PREFIX` (repeatable) replaces the
// default: a URL is in scope when its normalised form starts with one of the prefixes, which
// can narrow the crawl (https://example.com/docs/) or widen it (a second origin).
//
// Example:
//   CrawlScope scope = CrawlScope::from_config(config).value();
//   if (scope.contains("https://example.com/about")) ...   // parse it
//
// Thread safety: immutable after construction; contains() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

struct AuditConfig;

class CrawlScope {
 public:
  // CrawlScope() contains nothing.
  CrawlScope() = default;

  // from_config() is the --scope prefixes (each an absolute http(s) URL, normalised; an origin
  // alone gets its "/"), or the origins of the http(s) inputs when none is given. A prefix that
  // is not an http(s) URL is an error naming it.
  static ParseResult<CrawlScope> from_config(const AuditConfig& config);

  // contains() is true when the normalised `url` starts with one of the prefixes.
  bool contains(std::string_view url) const noexcept;

  // prefixes() lists the scope, for the report.
  const std::vector<std::string>& prefixes() const noexcept { return prefixes_; }

 private:
  void add(std::string prefix);
  std::vector<std::string> prefixes_;
};

}  // namespace siteaudit::audit
