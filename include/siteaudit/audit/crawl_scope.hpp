// crawl_scope.hpp — which pages crawl mode parses for links, and which links are external.
//
// A crawl follows the links of the pages inside its scope and only checks the links that lead
// out of it. By default the scope is the origins of the http(s) inputs (scheme, host and
// port, as a browser compares them): auditing https://www.example.com/ crawls that origin,
// not the CDN or the social networks it links to. An input that redirects to another origin
// (http: to https:, example.com to www.example.com) brings that origin in too, once the run
// sees the redirect: the site is where the named URL lands. `--scope PREFIX` (repeatable)
// replaces the default, and is never widened: a URL is in scope when its normalised form
// starts with one of the prefixes, which can narrow the crawl (https://example.com/docs/) or
// widen it (a second origin).
//
// Example:
//   CrawlScope scope = CrawlScope::from_config(config).value();
//   if (scope.contains("https://example.com/about")) ...   // parse it
//   scope.widen_to_origin_of("https://www.example.com/");  // the root redirected there
//
// Thread safety: contains(), widen_to_origin_of() and prefixes() may be called from any
// thread at once; a prefix once in scope stays in it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

struct AuditConfig;

class CrawlScope {
 public:
  // CrawlScope() contains nothing.
  CrawlScope();
  ~CrawlScope();
  CrawlScope(CrawlScope&&) noexcept;
  CrawlScope& operator=(CrawlScope&&) noexcept;

  // from_config() is the --scope prefixes (each an absolute http(s) URL, normalised; an origin
  // alone gets its "/"), or the origins of the http(s) inputs when none is given. A prefix that
  // is not an http(s) URL is an error naming it.
  static ParseResult<CrawlScope> from_config(const AuditConfig& config);

  // contains() is true when the normalised `url` starts with one of the prefixes.
  bool contains(std::string_view url) const noexcept;

  // widen_to_origin_of() adds the origin of the normalised http(s) `url` where an input
  // landed, unless --scope was given, the scope already holds it, or kMaxWidened origins
  // were added before. Returns whether it added it.
  bool widen_to_origin_of(std::string_view url);
  static constexpr std::size_t kMaxWidened = 16;

  // prefixes() lists the scope, for the report: the first ones, then the origins added.
  std::vector<std::string> prefixes() const;

 private:
  struct Widened;
  void add(std::string prefix);
  std::vector<std::string> prefixes_;  // fixed once made
  std::unique_ptr<Widened> widened_;   // null: --scope was given
};

}  // namespace siteaudit::audit
