// crawl_scope.cpp — the crawl's scope as URL prefixes.
#include "siteaudit/audit/crawl_scope.hpp"

#include <fmt/format.h>

#include <utility>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

namespace {

// origin_prefix() is "scheme://authority/" of a normalised absolute URL.
std::string origin_prefix(std::string_view normal) {
  const std::size_t authority = normal.find("://");
  if (authority == std::string_view::npos) return std::string(normal);
  const std::size_t path = normal.find('/', authority + 3);
  if (path == std::string_view::npos) return std::string(normal) + '/';
  return std::string(normal.substr(0, path + 1));
}

}  // namespace

ParseResult<CrawlScope> CrawlScope::from_config(const AuditConfig& config) {
  CrawlScope scope;
  for (const std::string& prefix : config.scope) {
    net::UrlResult normal = net::normalize_url(prefix);
    if (!normal.ok()) {
      return ParseResult<CrawlScope>::failure(fmt::format(
          "--scope: '{}' is not an absolute http(s) URL prefix (e.g. https://example.com/docs/)",
          prefix));
    }
    // An origin alone ("https://a.test") means the whole origin; a longer prefix is kept as
    // written, so "https://a.test/docs" also takes "/docs-old" and "/docs/" does not.
    const bool origin_only = origin_prefix(normal.url) == normal.url;
    scope.add(origin_only ? normal.url : std::move(normal.url));
  }
  if (config.scope.empty()) {
    for (const std::string& input : config.inputs) {
      if (!net::is_absolute_http_url(input)) continue;
      net::UrlResult normal = net::normalize_url(input);
      if (normal.ok()) scope.add(origin_prefix(normal.url));
    }
  }
  return ParseResult<CrawlScope>::success(std::move(scope));
}

void CrawlScope::add(std::string prefix) {
  for (const std::string& known : prefixes_)
    if (known == prefix) return;
  prefixes_.push_back(std::move(prefix));
}

bool CrawlScope::contains(std::string_view url) const noexcept {
  for (const std::string& prefix : prefixes_)
    if (url.starts_with(prefix)) return true;
  return false;
}

}  // namespace siteaudit::audit
