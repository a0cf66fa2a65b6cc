// crawl_scope.cpp — the crawl's scope as URL prefixes.
#include "siteaudit/audit/crawl_scope.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <mutex>
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

// Widened holds the origins added during the run. Readers take `count` (acquire) and read
// that many slots, which are written once, before the count that publishes them: contains()
// takes no lock on the path every offered link goes through.
struct CrawlScope::Widened {
  std::mutex writer;
  std::array<std::string, kMaxWidened> origins;
  std::atomic<std::size_t> count{0};
};

CrawlScope::CrawlScope() = default;
CrawlScope::~CrawlScope() = default;
CrawlScope::CrawlScope(CrawlScope&&) noexcept = default;
CrawlScope& CrawlScope::operator=(CrawlScope&&) noexcept = default;

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
    scope.widened_ = std::make_unique<Widened>();
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
  if (widened_ == nullptr) return false;
  const std::size_t count = widened_->count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < count; ++i)
    if (url.starts_with(widened_->origins[i])) return true;
  return false;
}

bool CrawlScope::widen_to_origin_of(std::string_view url) {
  if (widened_ == nullptr || !net::is_absolute_http_url(url)) return false;
  net::UrlResult normal = net::normalize_url(url);
  if (!normal.ok()) return false;
  std::string origin = origin_prefix(normal.url);
  const std::lock_guard<std::mutex> hold(widened_->writer);
  if (contains(origin)) return false;
  const std::size_t count = widened_->count.load(std::memory_order_relaxed);
  if (count == kMaxWidened) return false;
  widened_->origins[count] = std::move(origin);
  widened_->count.store(count + 1, std::memory_order_release);
  return true;
}

std::vector<std::string> CrawlScope::prefixes() const {
  std::vector<std::string> out = prefixes_;
  if (widened_ != nullptr) {
    const std::size_t count = widened_->count.load(std::memory_order_acquire);
    out.insert(out.end(), widened_->origins.begin(),
               widened_->origins.begin() + static_cast<std::ptrdiff_t>(count));
  }
  return out;
}

}  // namespace siteaudit::audit
