// robots_test.cpp — RFC 9309 groups, matching, leniency, limits and status handling.
#include "siteaudit/audit/robots.hpp"

#include <catch2/catch.hpp>

#include "audit/sitemap_test_support.hpp"

using namespace siteaudit::audit;
using siteaudit::testing::fixture;

TEST_CASE("robots.txt groups: the named agent's group, else *", "[audit]") {
  auto r = RobotsTxt::parse(fixture("robots/basic.txt"), "https://example.com/robots.txt");
  // siteaudit is named (as "SiteAudit"), so only its group applies: /cart is allowed for it.
  CHECK(r.allowed("siteaudit", "/cart"));
  CHECK_FALSE(r.allowed("siteaudit/0.1", "/private/x"));
  CHECK(r.allowed("siteaudit", "/private/public-a.html"));
  CHECK_FALSE(r.allowed("siteaudit", "/private/public-a.html?x"));
  CHECK(r.allowed("OtherBot", "/cart"));
  // Others fall back to *.
  CHECK_FALSE(r.allowed("googlebot", "/cart"));
  CHECK_FALSE(r.allowed("googlebot", "/cart/item"));
  CHECK_FALSE(r.allowed("googlebot", "/search?q=shoes"));
  CHECK(r.allowed("googlebot", "/search?q=help"));
  CHECK(r.allowed("googlebot", "/private/x"));
  CHECK(r.crawl_delay("googlebot") == std::chrono::milliseconds(2000));
  CHECK_FALSE(r.crawl_delay("siteaudit").has_value());
  REQUIRE(r.sitemaps().size() == 2);
  CHECK(r.sitemaps()[0].url == "https://example.com/sitemap.xml");
  CHECK(r.sitemaps()[1].url == "https://example.com/relative-sitemap.xml");
  CHECK(r.sitemaps()[1].line == 14);
  CHECK(r.looks_like_robots());
}

TEST_CASE("Longest match wins, allow wins ties, * and $", "[audit]") {
  auto r = RobotsTxt::parse(
      "user-agent: *\n"
      "disallow: /a\n"
      "allow: /a/b\n"
      "disallow: /a/b/c\n"
      "allow: /tie\n"
      "disallow: /tie\n"
      "disallow: /*.pdf$\n"
      "disallow: /x*y\n",
      "https://example.com/robots.txt");
  CHECK_FALSE(r.allowed("bot", "/a"));
  CHECK(r.allowed("bot", "/a/b"));
  CHECK_FALSE(r.allowed("bot", "/a/b/c/d"));
  CHECK(r.allowed("bot", "/tie"));
  CHECK_FALSE(r.allowed("bot", "/docs/file.pdf"));
  CHECK(r.allowed("bot", "/docs/file.pdf?download=1"));
  CHECK_FALSE(r.allowed("bot", "/x123y456"));
  CHECK(r.allowed("bot", "/x123"));
  CHECK(r.allowed("bot", "/b"));
  CHECK(r.allowed("bot", "https://example.com/b?q"));
  CHECK_FALSE(r.allowed("bot", "https://example.com/a?q"));
}

TEST_CASE("/robots.txt is always allowed", "[audit]") {
  auto r = RobotsTxt::parse("User-agent: *\nDisallow: /\n", "");
  CHECK_FALSE(r.allowed("bot", "/"));
  CHECK(r.allowed("bot", "/robots.txt"));
  CHECK_FALSE(RobotsTxt::disallow_all().allowed("bot", "/x"));
  CHECK(RobotsTxt::disallow_all().allowed("bot", "/robots.txt"));
}

TEST_CASE("Pattern matcher edge cases", "[audit]") {
  CHECK(robots_pattern_matches("/", "/anything"));
  CHECK(robots_pattern_matches("*", ""));
  CHECK(robots_pattern_matches("/$", "/"));
  CHECK_FALSE(robots_pattern_matches("/$", "/a"));
  CHECK(robots_pattern_matches("/a*b*c$", "/a__b__c"));
  CHECK_FALSE(robots_pattern_matches("/a*b*c$", "/a__b__c_"));
  CHECK(robots_pattern_matches("/a$b", "/a$b"));  // only a final $ anchors
  // No exponential backtracking on many stars.
  std::string path(5000, 'a');
  CHECK_FALSE(robots_pattern_matches("/*a*a*a*a*a*a*a*a*a*a*b", "/" + path));
}

TEST_CASE("Lenient syntax: case, CRLF, comments, spacing, spellings, BOM", "[audit]") {
  auto r = RobotsTxt::parse(
      "\xEF\xBB\xBFUSER-AGENT : *   # everyone\r\n"
      "DisAllow:/secret   \r\n"
      "\r\n"
      "  Site-map:https://example.com/a.xml  \r\n"
      "sitemap : https://example.com/b.xml#frag\r\n"
      "Disallow: /after-sitemap\r\n"
      "Crawl-delay: 0.5",
      "https://example.com/robots.txt");
  CHECK_FALSE(r.allowed("bot", "/secret/x"));
  // A Sitemap line does not end the group.
  CHECK_FALSE(r.allowed("bot", "/after-sitemap"));
  REQUIRE(r.sitemaps().size() == 2);
  CHECK(r.sitemaps()[0].url == "https://example.com/a.xml");
  CHECK(r.sitemaps()[1].url == "https://example.com/b.xml");
  CHECK(r.crawl_delay("bot") == std::chrono::milliseconds(500));
}

TEST_CASE("Weird spacing and no trailing newline", "[audit]") {
  auto r = RobotsTxt::parse(fixture("robots/weird_spacing.txt"), "https://example.com/robots.txt");
  REQUIRE(r.sitemaps().size() == 1);
  CHECK(r.sitemaps()[0].url == "https://example.com/nextjs/sitemap.xml");
}

TEST_CASE("Rules before any user-agent and empty disallow are ignored", "[audit]") {
  auto r = RobotsTxt::parse("Disallow: /\nUser-agent: *\nDisallow:\n", "");
  CHECK(r.allowed("bot", "/anything"));
  auto merged = RobotsTxt::parse(
      "User-agent: a\nDisallow: /one\n\nUser-agent: b\nDisallow: /x\n\nUser-agent: a\n"
      "Disallow: /two\n",
      "");
  CHECK_FALSE(merged.allowed("a", "/one"));
  CHECK_FALSE(merged.allowed("a", "/two"));
  CHECK(merged.allowed("a", "/x"));
  CHECK(merged.allowed("c", "/one"));
}

TEST_CASE("Percent-encoding and non-ASCII compare as octets", "[audit]") {
  auto r = RobotsTxt::parse("User-agent: *\nDisallow: /caf\xC3\xA9\nDisallow: /a%3cb\n", "");
  CHECK_FALSE(r.allowed("bot", "/caf%C3%A9/menu"));
  CHECK_FALSE(r.allowed("bot", "/caf%c3%a9"));
  CHECK_FALSE(r.allowed("bot", "/a%3Cb"));
}

TEST_CASE("Escapes of unreserved characters match the characters", "[audit]") {
  // RFC 9309 §2.2.2's table: "/foo/bar/%62%61%7A" is matched as "/foo/bar/baz". A normal URL
  // holds "~" where a robots.txt may write "%7E", and the other way round.
  auto r = RobotsTxt::parse(
      "User-agent: *\nDisallow: /%7Ejoe/\nDisallow: /foo/bar/%62%61%7A\n"
      "Disallow: /x%2Ay\nDisallow: /~ann/\n",
      "");
  CHECK_FALSE(r.allowed("bot", "http://a.test/~joe/index.html"));
  CHECK_FALSE(r.allowed("bot", "/%7ejoe/"));
  CHECK_FALSE(r.allowed("bot", "/foo/bar/baz"));
  CHECK_FALSE(r.allowed("bot", "/%7Eann/"));
  // A reserved character stays escaped: "%2A" is a literal '*', not the wildcard.
  CHECK_FALSE(r.allowed("bot", "/x%2ay"));
  CHECK(r.allowed("bot", "/xzy"));
  CHECK(r.allowed("bot", "/x*y"));
}

TEST_CASE("A rule with braces matches the normal URL, which escapes them", "[audit]") {
  auto r = RobotsTxt::parse("User-agent: *\nDisallow: /user/{id}\nDisallow: /%3Cx%3E\n", "");
  CHECK_FALSE(r.allowed("bot", "http://a.test/user/%7bid%7d"));
  CHECK_FALSE(r.allowed("bot", "/user/{id}/edit"));
  CHECK_FALSE(r.allowed("bot", "/<x>"));
  CHECK(r.allowed("bot", "/user/7"));
}

TEST_CASE("Only the first 500 KiB are parsed", "[audit]") {
  std::string body = "User-agent: *\n";
  while (body.size() < kRobotsParseLimit) body += "Disallow: /filler-path-that-is-long\n";
  body += "Disallow: /beyond\nSitemap: https://example.com/late.xml\n";
  auto r = RobotsTxt::parse(body, "https://example.com/robots.txt");
  CHECK(r.allowed("bot", "/beyond"));
  CHECK(r.sitemaps().empty());
  REQUIRE(r.findings().size() == 1);
  CHECK(r.findings()[0].code == FindingCode::robots_too_large);
}

TEST_CASE("Fetch status: 4xx allows all, 5xx and unreachable disallow all", "[audit]") {
  CHECK(RobotsTxt::for_status(404).allowed("bot", "/x"));
  CHECK(RobotsTxt::for_status(403).allowed("bot", "/x"));
  CHECK_FALSE(RobotsTxt::for_status(429).allowed("bot", "/x"));
  CHECK_FALSE(RobotsTxt::for_status(503).allowed("bot", "/x"));
  CHECK_FALSE(RobotsTxt::for_status(0).allowed("bot", "/x"));
}

TEST_CASE("A text sitemap does not look like robots.txt", "[audit]") {
  CHECK_FALSE(
      RobotsTxt::parse("https://example.com/a\nhttps://example.com/b\n", "").looks_like_robots());
  CHECK_FALSE(RobotsTxt::parse("", "").looks_like_robots());
}
