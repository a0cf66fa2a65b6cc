// robots_cache.cpp — one robots.txt fetch per origin, shared by every asker.
//
// Lock order: mu_ is held only to find or create an origin's Entry, never across a fetch;
// the fetch runs inside the Entry's Once, which parks the other askers of that origin only.
#include "siteaudit/audit/robots_cache.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>

#include "siteaudit/net/http_client.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/once.hpp"

namespace siteaudit::audit {

namespace {

// kMaxRobotsRedirects is RFC 9309 §2.3.1.2's "at least five consecutive redirects".
constexpr int kMaxRobotsRedirects = 5;

}  // namespace

struct RobotsCache::Entry {
  rt::Once once;
  // robots is written inside `once` and read only after once.call() returned, which orders
  // the write before every read.
  std::shared_ptr<const RobotsTxt> robots;
};

RobotsCache::RobotsCache(net::HttpClient& client, std::chrono::milliseconds timeout)
    : client_(client), timeout_(timeout) {}

RobotsCache::~RobotsCache() = default;

std::uint64_t RobotsCache::fetches() const noexcept {
  return fetches_.load();
}

std::shared_ptr<RobotsCache::Entry> RobotsCache::entry_for(const std::string& origin) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(origin);
  if (it == entries_.end()) it = entries_.emplace(origin, std::make_shared<Entry>()).first;
  return it->second;
}

std::shared_ptr<const RobotsTxt> RobotsCache::fetch(const rt::Context& ctx,
                                                    const std::string& origin) {
  ++fetches_;
  std::string url = origin + "/robots.txt";
  std::string body;
  net::Request request;
  request.method = net::Method::get;
  request.url = url;
  request.max_redirects = kMaxRobotsRedirects;
  request.timeout = timeout_;
  // Past the parse limit nothing is read anyway; stop the download there.
  request.on_body = [&](std::string_view chunk) {
    body.append(
        chunk.substr(0, kRobotsParseLimit + 1 - std::min(body.size(), kRobotsParseLimit + 1)));
    return body.size() <= kRobotsParseLimit;
  };
  net::FetchResult r = client_.fetch(ctx, request);
  if (!r.ok()) {
    if (r.error.kind == net::ErrorKind::cancelled) return nullptr;
    return std::make_shared<const RobotsTxt>(RobotsTxt::disallow_all());
  }
  int status = r.response.status;
  if (status >= 200 && status <= 299) {
    std::string final_url = r.response.url.empty() ? url : r.response.url;
    return std::make_shared<const RobotsTxt>(RobotsTxt::parse(body, final_url));
  }
  // A redirect chain longer than we follow ends on a 3xx: RFC 9309 treats that as unavailable.
  if (status >= 300 && status <= 399) {
    return std::make_shared<const RobotsTxt>(RobotsTxt::allow_all());
  }
  return std::make_shared<const RobotsTxt>(RobotsTxt::for_status(status));
}

std::shared_ptr<const RobotsTxt> RobotsCache::rules(const rt::Context& ctx, std::string_view url) {
  std::string origin = net::origin_of(url);
  if (origin.empty()) return nullptr;
  for (;;) {
    std::shared_ptr<Entry> entry = entry_for(origin);
    bool cancelled = false;
    entry->once.call([&] {
      entry->robots = fetch(ctx, origin);
      cancelled = entry->robots == nullptr;
    });
    if (entry->robots != nullptr) return entry->robots;
    // The fetch was cancelled: forget this entry so a later asker (with a live context)
    // fetches again, and answer for this one without rules.
    {
      std::lock_guard lock(mu_);
      auto it = entries_.find(origin);
      if (it != entries_.end() && it->second == entry) entries_.erase(it);
    }
    if (cancelled || ctx.is_done()) return nullptr;
  }
}

bool RobotsCache::allowed(const rt::Context& ctx, std::string_view url) {
  if (!net::is_absolute_http_url(url)) return true;
  std::shared_ptr<const RobotsTxt> robots = rules(ctx, url);
  if (robots == nullptr) return false;
  return robots->allowed(kRobotsUserAgent, url);
}

std::optional<std::chrono::milliseconds> RobotsCache::crawl_delay(const rt::Context& ctx,
                                                                  std::string_view url) {
  std::shared_ptr<const RobotsTxt> robots = rules(ctx, url);
  if (robots == nullptr) return std::nullopt;
  return robots->crawl_delay(kRobotsUserAgent);
}

std::size_t RobotsCache::origins() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void RobotsCache::insert(std::string_view url, RobotsTxt robots) {
  std::string origin = net::origin_of(url);
  if (origin.empty()) return;
  std::shared_ptr<Entry> entry = entry_for(origin);
  auto shared = std::make_shared<const RobotsTxt>(std::move(robots));
  entry->once.call([&] { entry->robots = std::move(shared); });
}

}  // namespace siteaudit::audit
