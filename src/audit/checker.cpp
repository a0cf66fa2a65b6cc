// checker.cpp — HEAD with GET fallback, retries with backoff, and the verdict of one URL.
#include "siteaudit/audit/checker.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "siteaudit/audit/host_health.hpp"
#include "siteaudit/audit/hygiene.hpp"
#include "siteaudit/audit/rate_limiter.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::audit {

namespace {

// head_refused() is true when a HEAD answer says nothing about the page: the server does not
// implement HEAD (405, 501) or dropped the connection instead of answering it.
bool head_refused(const net::FetchResult& fetched) {
  if (fetched.ok()) return fetched.response.status == 405 || fetched.response.status == 501;
  return fetched.error.kind == net::ErrorKind::reset ||
         fetched.error.kind == net::ErrorKind::protocol;
}

// head_failed() is true when a HEAD answer would fail the URL by its status, unless the
// status is a transient one (429, 502-504): the retries have asked about it already.
bool head_failed(const net::FetchResult& fetched) {
  return fetched.ok() && fetched.response.status >= 400 &&
         !RetryPolicy::is_transient_status(fetched.response.status);
}

// error_kind_of() is the report's kind for a transport error. A switch, not the words: a new
// net kind must be given a report word (and a line in the man page and the JSON Schema).
ErrorKind error_kind_of(net::ErrorKind kind) {
  switch (kind) {
    case net::ErrorKind::none:
      return ErrorKind::none;
    case net::ErrorKind::dns:
      return ErrorKind::dns;
    case net::ErrorKind::connect:
      return ErrorKind::connect;
    case net::ErrorKind::tls:
      return ErrorKind::tls;
    case net::ErrorKind::timeout:
      return ErrorKind::timeout;
    case net::ErrorKind::reset:
      return ErrorKind::reset;
    case net::ErrorKind::too_many_redirects:
      return ErrorKind::too_many_redirects;
    case net::ErrorKind::redirect_loop:
      return ErrorKind::redirect_loop;
    case net::ErrorKind::redirect_refused:
      return ErrorKind::redirect_refused;
    case net::ErrorKind::body_too_large:
      return ErrorKind::body_too_large;
    case net::ErrorKind::cancelled:
      return ErrorKind::cancelled;
    case net::ErrorKind::protocol:
      return ErrorKind::protocol;
    case net::ErrorKind::invalid_url:
      return ErrorKind::invalid_url;
    case net::ErrorKind::too_many_open_files:
      return ErrorKind::too_many_open_files;
  }
  return ErrorKind::protocol;
}

std::string host_of(std::string_view url) {
  net::UrlParts parts;
  if (!net::split_url(url, parts)) return {};
  return parts.host;
}

// crawl_delay_finding() says that `host`'s Crawl-delay was capped, and what bounds the run.
Finding crawl_delay_finding(const Job& job, std::string_view host,
                            std::chrono::milliseconds asked) {
  const auto cap = std::chrono::duration_cast<std::chrono::seconds>(RateLimiter::kMaxCrawlDelay);
  return Finding{FindingCode::crawl_delay_capped,
                 fmt::format("robots.txt of {} asks for a Crawl-delay of {} s; siteaudit waits at "
                             "most {} s between requests to it (--max-time bounds the whole run)",
                             host, asked.count() / 1000, cap.count()),
                 std::string(job.url), job.line, Severity::warning};
}

// bot_wall() says why a failing answer looks like a wall against bots rather than a broken
// page, or "" when it does not: LinkedIn's 999, a CDN's challenge page (Cloudflare marks it
// with cf-mitigated, AWS WAF with x-amzn-waf-action), or a 403 or 429 (after the retries) from
// a host outside the crawl's scope, which siteaudit cannot log in to or slow down for enough.
std::string bot_wall(const Job& job, const net::Response& response) {
  if (response.status == 999) {
    return "status 999 is a site refusing automated clients, not an answer about the page "
           "(inconclusive)";
  }
  if (auto mitigated = response.header("cf-mitigated"); mitigated && *mitigated == "challenge") {
    return "the CDN answered with a bot challenge (cf-mitigated: challenge), not the page "
           "(inconclusive)";
  }
  if (auto waf = response.header("x-amzn-waf-action");
      waf && (*waf == "challenge" || *waf == "captcha")) {
    return "the CDN answered with a bot challenge (x-amzn-waf-action), not the page "
           "(inconclusive)";
  }
  if (job.external && (response.status == 403 || response.status == 429)) {
    return "an external host refusing automated clients, not an answer about the page "
           "(inconclusive)";
  }
  return {};
}

void add_finding(Result& result, Finding finding) {
  result.details().findings.push_back(std::move(finding));
}

}  // namespace

Checker::Checker(net::HttpClient& client, CheckSettings settings, const StatusPolicy& status,
                 const RetryPolicy& retry, HostHealth* hosts, RateLimiter* rate,
                 RobotsCache* robots)
    : client_(client),
      settings_(std::move(settings)),
      status_(status),
      retry_(retry),
      hosts_(hosts),
      rate_(rate),
      robots_(robots) {}

Result Checker::cancelled(const Job& job, const char* why) {
  Result result;
  result.url = job.url;
  result.set_seq(job.seq);
  result.source = job.source;
  result.line = job.line;
  result.found = job.found;
  result.outcome = Outcome::cancelled;
  ResultDetail& detail = result.details();
  detail.error = why;
  detail.error_kind = ErrorKind::cancelled;
  if (job.check_url != job.url) detail.check_url = job.check_url;
  if (!job.lastmod.empty()) detail.lastmod = job.lastmod;
  return result;
}

Result Checker::check(const rt::Context& ctx, const Job& job, FetchedPage* page,
                      CheckFacts* facts) const {
  Result result;
  result.url = job.url;
  result.set_seq(job.seq);
  result.source = job.source;
  result.line = job.line;
  result.found = job.found;
  if (job.check_url != job.url) result.details().check_url = job.check_url;
  if (!job.lastmod.empty()) result.details().lastmod = job.lastmod;

  if (!job.skip.empty()) {
    // The frontier decided not to request it (Frontier::offer and screen).
    result.outcome = Outcome::skipped;
    result.details().error = job.skip;
    result.details().error_kind = job.skip_kind;
    if (job.skip_kind == ErrorKind::robots) {
      if (auto finding = robots_disallowed_finding(job.url, true, settings_.hygiene)) {
        add_finding(result, std::move(*finding));
      }
    }
    return result;
  }
  // A page the crawl parses is always fetched: the cache knows its status, not its links.
  if (settings_.cached && !job.parse) {
    if (std::optional<int> status = settings_.cached(job.check_url)) {
      result.status = static_cast<std::int16_t>(*status);
      result.cached = true;  // ok, method none: passed within --cache-max-age, not requested
      return result;
    }
  }
  if (hosts_ != nullptr) {
    if (std::optional<net::HttpError> down = hosts_->not_tried(job.check_url)) {
      // A host that is down is not asked again for each of its URLs (HostHealth).
      result.outcome = Outcome::failed;
      result.attempts = 0;
      result.details().error = std::move(down->message);
      result.details().error_kind = error_kind_of(down->kind);
      return result;
    }
  }
  // Only the rate limiter keys on the host: without one, no URL is split for it.
  const std::string host = rate_ != nullptr ? host_of(job.check_url) : std::string();
  if (robots_ != nullptr) {
    // The Crawl-delay is politeness, the checker's; the frontier has already decided whether
    // robots.txt allows the URL at all. The rules are cached by then.
    std::shared_ptr<const RobotsTxt> rules = robots_->rules(ctx, job.check_url);
    if (rules && rate_ != nullptr) {
      if (auto delay = rules->crawl_delay(kRobotsUserAgent)) {
        rate_->set_crawl_delay(host, *delay);
        if (*delay > RateLimiter::kMaxCrawlDelay && rate_->claim_crawl_delay_notice(host)) {
          Finding capped = crawl_delay_finding(job, host, *delay);
          if (settings_.notice) settings_.notice(capped.message);
          add_finding(result, std::move(capped));
        }
      }
    }
  }
  net::Request request;
  request.method = settings_.use_get ? net::Method::get : net::Method::head;
  request.url = job.check_url;
  // The user's headers go only where the loader found the origin trusted (TrustedOrigins): a
  // sitemap may list any origin, and a token must not follow it there.
  if (job.origin == OriginTrust::trusted) request.headers = settings_.headers;
  request.max_body_bytes = settings_.max_body;
  request.timeout = settings_.timeout;
  if (page != nullptr) {
    // A page to crawl: its body is the point. The cap (--max-body) bounds what is kept.
    request.method = net::Method::get;
    request.on_body = [page](std::string_view chunk) {
      page->body.append(chunk);
      return true;
    };
  }

  net::FetchResult fetched;
  std::uint32_t total_ms = 0;
  RetryLoop retries(&retry_, ctx, hosts_);
  for (;;) {
    if (rate_ != nullptr && rate_->wait(ctx, host) != rt::ContextError::none) {
      return cancelled(job, "the run was cancelled");
    }
    retries.count_attempt();
    if (page != nullptr) page->body.clear();  // an attempt that failed left a partial body
    fetched = client_.fetch(ctx, request);
    total_ms += fetched.response.time_ms;
    if (fetched.error.kind == net::ErrorKind::cancelled || ctx.is_done()) {
      Result gone = cancelled(job, "the run was cancelled while this URL was being checked");
      gone.attempts = static_cast<std::uint8_t>(std::min(retries.attempts(), 255u));
      return gone;
    }
    if (request.method == net::Method::head && head_refused(fetched)) {
      // A server that cannot answer HEAD says nothing about the page; GET decides.
      request.method = net::Method::get;
      result.details().fell_back_to_get = true;
      continue;
    }
    const RetryStep step = retries.after(fetched);
    if (step == RetryStep::done) {
      if (request.method == net::Method::head && head_failed(fetched) &&
          status_.judge(job.check_url, fetched.response.status).kind ==
              StatusVerdict::Kind::failure) {
        // Some servers answer HEAD wrongly (404 or 403 for a page GET serves): a URL is
        // reported broken only when GET agrees. Broken URLs are few, so this costs little.
        request.method = net::Method::get;
        result.details().fell_back_to_get = true;
        continue;
      }
      break;
    }
    if (step == RetryStep::cancelled) {
      return cancelled(job, "the run was cancelled while waiting to retry");
    }
  }
  const unsigned attempts = retries.attempts();

  const net::Response& response = fetched.response;
  result.attempts = static_cast<std::uint8_t>(std::min(attempts, 255u));
  result.time_ms = total_ms;
  result.status = static_cast<std::int16_t>(response.status);
  result.method = request.method == net::Method::get ? CheckMethod::get : CheckMethod::head;
  if (!response.redirects.empty()) {
    ResultDetail& detail = result.details();
    detail.final_url = response.url;
    for (const net::Hop& hop : response.redirects) {
      detail.redirects.push_back({hop.url, hop.status, hop.location, hop.time_ms});
    }
  }
  if (request.method == net::Method::get) result.set_bytes(response.body_bytes);
  if (page != nullptr) {
    page->url = response.url.empty() ? job.check_url : response.url;
    if (auto type = response.header("content-type")) page->content_type = *type;
    for (const auto& [name, value] : response.headers) {
      if (name != "x-robots-tag") continue;
      if (!page->x_robots_tag.empty()) page->x_robots_tag += ", ";
      page->x_robots_tag += value;
    }
  }

  if (!fetched.ok()) {
    result.outcome = Outcome::failed;
    result.details().error = fetched.error.message;
    if (retries.host_down()) {
      result.details().error.append(" (not retried: ").append(HostHealth::kDownWords) += ')';
    }
    result.details().error_kind = error_kind_of(fetched.error.kind);
    return result;
  }
  judge(result, job, response);
  if (facts != nullptr && job.found != Discovery::sitemap && response.status >= 200 &&
      response.status <= 299) {
    facts->last_modified = last_modified(
        response,
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  }
  // The content type is kept for a GET (a crawl's page) and for results that carry details
  // anyway (failures, warnings, redirects), not for a plain "200" to a HEAD: the reports have
  // always shown it so. It costs a GET no detail block (Result::set_content_type).
  if (request.method == net::Method::get || result.detail) {
    if (auto type = response.header("content-type")) result.set_content_type(*type);
  }
  return result;
}

void Checker::judge(Result& result, const Job& job, const net::Response& response) const {
  // The status policy judges the final status of the URL as listed (rules name the listed
  // host; a cross-host redirect target is judged by the same rule).
  StatusVerdict verdict = status_.judge(job.check_url, response.status);
  auto fail = [&](std::string reason, ErrorKind kind) {
    result.outcome = Outcome::failed;
    result.details().error = std::move(reason);
    result.details().error_kind = kind;
  };
  switch (verdict.kind) {
    case StatusVerdict::Kind::ok:
      break;
    case StatusVerdict::Kind::warning:
      add_finding(result, Finding{FindingCode::status, verdict.reason, std::string(job.url),
                                  job.line, Severity::warning});
      break;
    case StatusVerdict::Kind::failure:
      if (std::string wall = bot_wall(job, response); !wall.empty()) {
        result.outcome = Outcome::inconclusive;
        result.details().error = verdict.reason + "; " + wall;
        result.details().error_kind = ErrorKind::status;
        return;
      }
      // A redirect status we did not follow for want of a target: say so, or the user would
      // take the status itself for the fault and accept it.
      if (net::is_redirect_status(response.status) &&
          response.header("location").value_or("").empty()) {
        fail(verdict.reason + ": a redirect without a Location header, to nowhere",
             ErrorKind::status);
        break;
      }
      fail(verdict.reason, ErrorKind::status);
      break;
    case StatusVerdict::Kind::skipped:
      result.outcome = Outcome::skipped;
      result.details().error = verdict.reason;
      result.details().error_kind = ErrorKind::status_rule;
      return;
  }

  // The hygiene rules are about what a sitemap lists. A URL the crawl found by a link, or a
  // page named as an input (http://example.com/, which redirects to https: as it should), may
  // be listed too, but perhaps only later: its findings wait in `listing_findings`, and
  // LinkGraph::finish() keeps them if a sitemap lists it (links have their own findings there:
  // linked_redirect, missing_from_sitemap, ...).
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::vector<Finding> findings = hygiene_findings(job, response, false, settings_.hygiene, now);
  // --redirects decides what a listed URL that redirects means.
  for (Finding& finding : findings) {
    if (finding.code == FindingCode::redirected_url && settings_.redirects == RedirectMode::fail)
      finding.severity = Severity::failure;
  }
  if (settings_.redirects == RedirectMode::follow) {
    std::erase_if(findings, [](const Finding& f) { return f.code == FindingCode::redirected_url; });
  }
  if (job.found == Discovery::link || job.found == Discovery::input) {
    if (!findings.empty()) result.details().listing_findings = std::move(findings);
    return;
  }
  add_hygiene_findings(result, std::move(findings));
}

}  // namespace siteaudit::audit
