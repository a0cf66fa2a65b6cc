// robots_cache.hpp — robots.txt rules per origin for --respect-robots, fetched once each.
//
// allowed(ctx, url) answers for the user-agent token "siteaudit" (RFC 9309 matching, see
// robots.hpp). The first asker for an origin fetches its /robots.txt (following up to 5
// redirects, §2.3.1.2); every concurrent asker for the same origin parks on that origin's
// rt::Once until the one fetch is done, so a thousand workers cause one request. A 2xx body is
// parsed; 4xx allows everything; 5xx, 429 and no response disallow everything (§2.3.1.3–4).
// Rules the loader already read (robots.txt inputs) can be handed in with insert().
//
// Example (inside a fiber):
//   RobotsCache robots(client);
//   if (!robots.allowed(ctx, job.check_url)) skip(job, "robots.txt disallows it");
//   auto delay = robots.crawl_delay(ctx, job.check_url);
//
// Thread safety: allowed(), crawl_delay(), rules() and insert() may be called from any number
// of fibers on any threads at once. They must run on fibers (they may park).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "siteaudit/audit/robots.hpp"
#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::net {
class HttpClient;
}
namespace siteaudit::rt {
class Context;
}

namespace siteaudit::audit {

// kRobotsUserAgent is the product token robots.txt groups are matched against.
inline constexpr std::string_view kRobotsUserAgent = "siteaudit";

class RobotsCache {
 public:
  // RobotsCache() fetches with `client`, which must outlive it.
  explicit RobotsCache(net::HttpClient& client,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~RobotsCache();
  RobotsCache(const RobotsCache&) = delete;
  RobotsCache& operator=(const RobotsCache&) = delete;

  // allowed() says whether robots.txt lets siteaudit fetch `url`. A URL that is not http(s)
  // is allowed (robots.txt has nothing to say about it). If `ctx` ends during the fetch the
  // origin is not cached and the answer is "disallowed", so nothing is requested by mistake.
  bool allowed(const rt::Context& ctx, std::string_view url);
  // crawl_delay() is the Crawl-delay robots.txt asks of siteaudit on `url`'s origin, if any.
  std::optional<std::chrono::milliseconds> crawl_delay(const rt::Context& ctx,
                                                       std::string_view url);
  // rules() returns the rules for `url`'s origin, fetching them first if needed; null when
  // `url` is not http(s).
  std::shared_ptr<const RobotsTxt> rules(const rt::Context& ctx, std::string_view url);
  // insert() records rules for an origin ("https://host:port" or any URL on it) unless that
  // origin already has some.
  void insert(std::string_view url, RobotsTxt robots);
  // origins() counts the origins that have rules, fetched or inserted.
  std::size_t origins() const;
  // fetches() counts robots.txt requests made (one per origin).
  std::uint64_t fetches() const noexcept;

 private:
  struct Entry;
  std::shared_ptr<Entry> entry_for(const std::string& origin);
  std::shared_ptr<const RobotsTxt> fetch(const rt::Context& ctx, const std::string& origin);

  net::HttpClient& client_;
  std::chrono::milliseconds timeout_;
  mutable rt::Mutex mu_;  // guards entries_
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
  std::atomic<std::uint64_t> fetches_{0};
};

}  // namespace siteaudit::audit
