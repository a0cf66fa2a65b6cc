// checker.hpp — one Job in, one Result out: the HTTP check of one sitemap URL.
//
// The Checker requests the URL (HEAD by default, falling back to GET when the server refuses
// HEAD with 405/501 or drops the connection), follows and records redirects, retries transient
// failures with backoff (honouring Retry-After), applies the politeness limits (per-host rate,
// robots.txt), and judges the outcome with the status policy, the redirect mode and the
// hygiene rules. It never throws and never loses a Job: every call returns a Result, and a
// cancelled context yields a `cancelled` Result.
//
// Example (inside a worker fiber):
//   for (Job job : jobs) results.send(checker.check(ctx, job));
//
// Thread safety: check() may be called from any number of fibers at once; the Checker and the
// objects it points to must outlive every call.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/datetime.hpp"
#include "siteaudit/audit/hygiene.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/retry_policy.hpp"
#include "siteaudit/audit/status_policy.hpp"

namespace siteaudit::net {
class HttpClient;
struct Response;
}  // namespace siteaudit::net
namespace siteaudit::rt {
class Context;
}

namespace siteaudit::audit {

class HostHealth;
class RateLimiter;
class RobotsCache;

// NoticeFunction takes a warning a person should see while the run goes on. Called from any
// fiber on any thread.
using NoticeFunction = std::function<void(std::string_view)>;

// CheckSettings are the parts of AuditConfig the checker applies, already validated.
struct CheckSettings {
  bool use_get = false;              // --method get
  std::vector<std::string> headers;  // sent only to jobs whose origin is OriginTrust::trusted
  RedirectMode redirects = RedirectMode::warn;
  std::chrono::milliseconds timeout{30'000};
  std::uint64_t max_body = 10ull << 20;
  HygieneRules hygiene;   // --content-type, --slow, --strict
  NoticeFunction notice;  // a warning to show now, besides the finding (may be empty)
  // cached, when set (--cache), gives the status of a URL that passed within the cache's age;
  // such a URL is reported ok without a request. Called from any worker; it must not block.
  std::function<std::optional<int>(std::string_view check_url)> cached;
};

// FetchedPage is what crawl mode needs of a page beyond its Result: the body (read with GET,
// within --max-body) and the headers that decide whether and how to parse it.
struct FetchedPage {
  std::string body;
  std::string content_type;  // the Content-Type header, empty when absent
  std::string x_robots_tag;  // every X-Robots-Tag header, joined with ", "
  std::string url;           // the URL the body came from (after redirects)
};

// CheckFacts is what a check learns that its Result does not keep: for a URL the crawl found
// by a link or as an input, the 2xx response's Last-Modified, which a sitemap's lastmod for the
// URL is compared with if a sitemap lists it after all (LinkGraph::settled()).
struct CheckFacts {
  std::optional<UtcSeconds> last_modified;
};

class Checker {
 public:
  // Checker() keeps references; `hosts` learns which hosts are down, whose URLs are then not
  // requested nor retried (HostHealth); `hosts`, `robots` and `rate` may be null (feature off).
  Checker(net::HttpClient& client, CheckSettings settings, const StatusPolicy& status,
          const RetryPolicy& retry, HostHealth* hosts, RateLimiter* rate, RobotsCache* robots);

  // check() checks one job and returns its result (cancelled when `ctx` ends first). With
  // `page`, the URL is fetched with GET and its body and headers are kept there; `facts`, when
  // given, receives the CheckFacts.
  Result check(const rt::Context& ctx, const Job& job, FetchedPage* page = nullptr,
               CheckFacts* facts = nullptr) const;

  // cancelled() is the result of a job that was never checked because the run was cancelled.
  static Result cancelled(const Job& job, const char* why);

 private:
  // judge() turns a response into the result's outcome and findings.
  void judge(Result& result, const Job& job, const net::Response& response) const;

  net::HttpClient& client_;
  CheckSettings settings_;
  const StatusPolicy& status_;
  const RetryPolicy& retry_;
  HostHealth* hosts_;
  RateLimiter* rate_;
  RobotsCache* robots_;
};

}  // namespace siteaudit::audit
