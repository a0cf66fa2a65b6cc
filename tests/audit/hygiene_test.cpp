#include "siteaudit/audit/hygiene.hpp"

#include <catch2/catch.hpp>

#include "siteaudit/audit/audit_config.hpp"

using namespace std::chrono;
using namespace siteaudit::audit;
using siteaudit::net::Response;

namespace {

const UtcSeconds kNow = sys_days(year{2024} / June / 1);
const std::string kUrl = "https://example.com/a";

Response response(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Response r;
  r.status = status;
  r.url = kUrl;
  r.headers = siteaudit::net::HeaderList(headers);
  return r;
}

HygieneRules rules_for(std::string content_type, milliseconds slow = milliseconds(0),
                       bool strict = false) {
  AuditConfig config;
  config.content_type = std::move(content_type);
  config.slow = slow;
  config.strict = strict;
  auto parsed = HygieneRules::from_config(config);
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

}  // namespace

TEST_CASE("hygiene: a listed URL that redirects", "[audit]") {
  HygieneRules rules;
  CHECK_FALSE(redirected_url_finding(kUrl, response(200), rules));

  Response one = response(200);
  one.url = "https://example.com/a/";
  one.redirects.push_back({kUrl, 301, "https://example.com/a/", 3});
  auto f = redirected_url_finding(kUrl, one, rules);
  REQUIRE(f);
  CHECK(f->code == FindingCode::redirected_url);
  CHECK(f->where == kUrl);
  CHECK(f->severity == Severity::warning);
  CHECK(f->message ==
        "listed URL redirects (301) to https://example.com/a/: list the final URL in the "
        "sitemap instead");

  Response chain = one;
  chain.url = "https://www.example.com/a/";
  chain.redirects.push_back({"https://example.com/a/", 302, chain.url, 2});
  CHECK(redirected_url_finding(kUrl, chain, rules)->message ==
        "listed URL redirects 2 times (301, 302) to https://www.example.com/a/: list the final "
        "URL in the sitemap instead");

  // Not followed: a 3xx with a Location is a redirect too; a 304 without one is not.
  auto unfollowed =
      redirected_url_finding(kUrl, response(308, {{"location", " https://example.com/b "}}), rules);
  REQUIRE(unfollowed);
  CHECK(unfollowed->message ==
        "listed URL redirects (308) to https://example.com/b: list the final URL in the "
        "sitemap instead");
  CHECK_FALSE(redirected_url_finding(kUrl, response(304), rules));
}

TEST_CASE("hygiene: X-Robots-Tag noindex, none and agent-specific forms", "[audit]") {
  HygieneRules rules;
  auto noindex = [&](std::vector<std::pair<std::string, std::string>> headers) {
    return noindex_finding(kUrl, response(200, std::move(headers)), rules);
  };
  CHECK_FALSE(noindex({}));
  CHECK_FALSE(noindex({{"x-robots-tag", "nofollow"}}));
  CHECK_FALSE(noindex({{"x-robots-tag", "unavailable_after: 25 Jun 2010 15:00:00 PST"}}));
  CHECK_FALSE(noindex({{"x-robots-tag", "max-snippet: 20, noarchive"}}));
  CHECK_FALSE(noindex({{"x-frame-options", "noindex"}}));

  auto all = noindex({{"x-robots-tag", "noindex"}});
  REQUIRE(all);
  CHECK(all->code == FindingCode::noindex);
  CHECK(all->message ==
        "X-Robots-Tag tells search engines not to index this page, yet the sitemap lists it: "
        "remove it from the sitemap or drop the noindex");
  CHECK(noindex({{"x-robots-tag", "NoIndex, nofollow"}}));
  CHECK(noindex({{"x-robots-tag", "none"}}));
  CHECK(noindex({{"x-robots-tag", "nofollow"}, {"x-robots-tag", "noindex"}}));

  auto google = noindex({{"x-robots-tag", "googlebot: noindex"}});
  REQUIRE(google);
  CHECK(google->message ==
        "X-Robots-Tag tells googlebot not to index this page, yet the sitemap lists it: remove "
        "it from the sitemap or drop the noindex");
  // The agent applies to the directives after it, up to the next agent.
  CHECK_FALSE(noindex({{"x-robots-tag", "googlebot: nofollow, noarchive"}}));
  auto two = noindex({{"x-robots-tag", "googlebot: nofollow, BingBot: none, noindex"}});
  REQUIRE(two);
  CHECK(two->message.starts_with("X-Robots-Tag tells bingbot not to index"));
  auto mixed = noindex({{"x-robots-tag", "otherbot: noindex"}, {"x-robots-tag", "noindex"}});
  REQUIRE(mixed);
  CHECK(mixed->message.starts_with("X-Robots-Tag tells search engines not to index"));
  auto many = noindex({{"x-robots-tag", "googlebot: noindex"}, {"x-robots-tag", "bingbot: none"}});
  REQUIRE(many);
  CHECK(many->message.starts_with("X-Robots-Tag tells googlebot, bingbot not to index"));
}

TEST_CASE("hygiene: robots.txt disallows a listed URL", "[audit]") {
  HygieneRules rules;
  CHECK_FALSE(robots_disallowed_finding(kUrl, false, rules));
  auto f = robots_disallowed_finding(kUrl, true, rules);
  REQUIRE(f);
  CHECK(f->code == FindingCode::robots_disallowed);
  CHECK(f->where == kUrl);
  CHECK(f->message ==
        "robots.txt disallows this URL, yet the sitemap lists it: remove it from the sitemap "
        "or allow it in robots.txt");
}

TEST_CASE("hygiene: lastmod later than Last-Modified", "[audit]") {
  HygieneRules rules;
  Response r = response(200, {{"last-modified", "Wed, 01 May 2024 10:00:00 GMT"}});
  auto f = lastmod_finding(kUrl, "2024-05-01T10:00:01Z", r, rules, kNow);
  REQUIRE(f);
  CHECK(f->code == FindingCode::lastmod_after_last_modified);
  CHECK(f->message ==
        "sitemap lastmod 2024-05-01T10:00:01Z is later than the page's Last-Modified (Wed, 01 "
        "May 2024 10:00:00 GMT): set lastmod to when the page last changed, not when the "
        "sitemap was generated");
  CHECK_FALSE(lastmod_finding(kUrl, "2024-05-01T10:00:00Z", r, rules, kNow));
  CHECK_FALSE(lastmod_finding(kUrl, "2024-05-01T12:00:00+02:00", r, rules, kNow));
  CHECK(lastmod_finding(kUrl, "2024-05-01T12:00:01+02:00", r, rules, kNow));
  // Dates: only when later in every time zone (earliest is 14 h before UTC midnight).
  CHECK_FALSE(lastmod_finding(kUrl, "2024-05-01", r, rules, kNow));
  CHECK_FALSE(lastmod_finding(kUrl, "2024-05-02", r, rules, kNow));
  CHECK(lastmod_finding(kUrl, "2024-05-03", r, rules, kNow));
  CHECK(lastmod_finding(kUrl, "2025", r, rules, kNow));
  // Obsolete HTTP-date forms are read too.
  Response rfc850 = response(200, {{"last-modified", "Wednesday, 01-May-24 10:00:00 GMT"}});
  CHECK(lastmod_finding(kUrl, "2024-05-01T10:00:01Z", rfc850, rules, kNow));
  Response asctime = response(200, {{"last-modified", "Wed May  1 10:00:00 2024"}});
  CHECK(lastmod_finding(kUrl, "2024-05-01T10:00:01Z", asctime, rules, kNow));
  // Nothing to compare: no lastmod, a bad lastmod (the loader lints it), no or bad header.
  CHECK_FALSE(lastmod_finding(kUrl, "", r, rules, kNow));
  CHECK_FALSE(lastmod_finding(kUrl, "yesterday", r, rules, kNow));
  CHECK_FALSE(lastmod_finding(kUrl, "2030-01-01", response(200), rules, kNow));
  CHECK_FALSE(lastmod_finding(kUrl, "2030-01-01", response(200, {{"last-modified", "never"}}),
                              rules, kNow));
}

TEST_CASE("hygiene: content type compares the media type only, any case", "[audit]") {
  HygieneRules any;
  CHECK_FALSE(content_type_finding(kUrl, response(200, {{"content-type", "image/png"}}), any));

  HygieneRules html = rules_for("text/html");
  CHECK(html.content_types == std::vector<std::string>{"text/html"});
  CHECK_FALSE(content_type_finding(kUrl, response(200, {{"content-type", "text/html"}}), html));
  CHECK_FALSE(content_type_finding(
      kUrl, response(200, {{"content-type", "Text/HTML; charset=UTF-8"}}), html));
  auto wrong = content_type_finding(
      kUrl, response(200, {{"content-type", "application/json; charset=utf-8"}}), html);
  REQUIRE(wrong);
  CHECK(wrong->code == FindingCode::content_type);
  CHECK(wrong->message == "content type is application/json, expected text/html (--content-type)");
  auto missing = content_type_finding(kUrl, response(200), html);
  REQUIRE(missing);
  CHECK(missing->message ==
        "the response has no Content-Type, expected text/html (--content-type)");
  CHECK(content_type_finding(kUrl, response(200, {{"content-type", ""}}), html)->message ==
        "content type is empty, expected text/html (--content-type)");

  HygieneRules two = rules_for(" TEXT/HTML; charset=utf-8 , application/xhtml+xml");
  CHECK(two.content_types == std::vector<std::string>{"text/html", "application/xhtml+xml"});
  CHECK_FALSE(
      content_type_finding(kUrl, response(200, {{"content-type", "application/xhtml+xml"}}), two));
  CHECK(content_type_finding(kUrl, response(200, {{"content-type", "text/plain"}}), two)->message ==
        "content type is text/plain, expected text/html, application/xhtml+xml "
        "(--content-type)");
}

TEST_CASE("HygieneRules::from_config rejects what is not a media type", "[audit]") {
  auto error = [](std::string content_type) {
    AuditConfig config;
    config.content_type = std::move(content_type);
    auto parsed = HygieneRules::from_config(config);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error();
  };
  const std::string expected =
      " is not a media type (expected e.g. text/html or "
      "text/html,application/xhtml+xml)";
  CHECK(error("html") == "--content-type: 'html'" + expected);
  CHECK(error("text/") == "--content-type: 'text/'" + expected);
  CHECK(error("/html") == "--content-type: '/html'" + expected);
  CHECK(error("text/html,") == "--content-type: ''" + expected);
  CHECK(error("text/html/x") == "--content-type: 'text/html/x'" + expected);
  CHECK(error("text /html") == "--content-type: 'text /html'" + expected);

  AuditConfig negative;
  negative.slow = milliseconds(-5);
  auto slow = HygieneRules::from_config(negative);
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.error() == "--slow: must not be negative (0 turns it off)");
}

TEST_CASE("hygiene: slow pages over --slow", "[audit]") {
  Response r = response(200);
  r.time_ms = 2300;
  CHECK_FALSE(slow_finding(kUrl, r, rules_for("")));
  CHECK_FALSE(slow_finding(kUrl, r, rules_for("", milliseconds(2300))));
  auto f = slow_finding(kUrl, r, rules_for("", milliseconds(1000)));
  REQUIRE(f);
  CHECK(f->code == FindingCode::slow);
  CHECK(f->message == "took 2300 ms, more than --slow 1000 ms");
}

TEST_CASE("hygiene_findings applies every rule, page rules only to 2xx, --strict fails",
          "[audit]") {
  Job job{.url = kUrl, .check_url = kUrl, .lastmod = "2024-06-01"};
  HygieneRules rules = rules_for("text/html", milliseconds(100), true);
  Response r = response(200, {{"x-robots-tag", "noindex"},
                              {"content-type", "text/plain"},
                              {"last-modified", "Mon, 01 Jan 2024 00:00:00 GMT"}});
  r.time_ms = 500;
  r.redirects.push_back({kUrl, 301, kUrl + "/", 1});
  auto findings = hygiene_findings(job, r, true, rules, kNow);
  std::vector<std::string> codes;
  for (const auto& f : findings) {
    codes.push_back(to_string(f.code));
    CHECK(f.severity == Severity::failure);
    CHECK(f.where == kUrl);
  }
  CHECK(codes == std::vector<std::string>{"redirected_url", "robots_disallowed", "noindex",
                                          "lastmod_after_last_modified", "content_type", "slow"});

  Response error_page = r;
  error_page.status = 404;
  codes.clear();
  for (const auto& f : hygiene_findings(job, error_page, false, rules, kNow))
    codes.push_back(to_string(f.code));
  CHECK(codes == std::vector<std::string>{"redirected_url", "slow"});

  Response clean = response(200, {{"content-type", "text/html"}});
  CHECK(hygiene_findings(job, clean, false, rules, kNow).empty());
}

TEST_CASE("add_hygiene_findings reports in rule order; slow marks, failure fails", "[audit]") {
  // A crawl gathers a late-listed URL's findings in two steps (the check's, then the lastmod
  // rule's): they come out in the order hygiene_findings() gives.
  const auto finding = [](FindingCode code, Severity severity) {
    return Finding{code, std::string(to_string(code)), kUrl, 0, severity};
  };
  Result result;
  add_hygiene_findings(result,
                       {finding(FindingCode::slow, Severity::warning),
                        finding(FindingCode::lastmod_after_last_modified, Severity::failure),
                        finding(FindingCode::noindex, Severity::failure)});
  REQUIRE(result.detail);
  std::vector<FindingCode> codes;
  for (const Finding& f : result.detail->findings) codes.push_back(f.code);
  CHECK(codes == std::vector<FindingCode>{FindingCode::noindex,
                                          FindingCode::lastmod_after_last_modified,
                                          FindingCode::slow});
  CHECK(result.detail->slow);
  CHECK(result.outcome == siteaudit::model::Outcome::failed);
  CHECK(result.detail->failed_by == FindingCode::noindex);  // the first failure, in rule order
  CHECK(result.detail->error_kind == siteaudit::model::ErrorKind::finding);

  Result none;
  add_hygiene_findings(none, {});
  CHECK_FALSE(none.detail);
}
