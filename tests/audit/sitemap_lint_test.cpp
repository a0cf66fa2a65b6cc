// sitemap_lint_test.cpp — W3C datetimes, changefreq, priority, loc scope, the per-code cap.
#include "siteaudit/audit/sitemap_lint.hpp"

#include <catch2/catch.hpp>

#include "audit/sitemap_test_support.hpp"

using namespace siteaudit::audit;
using siteaudit::testing::count_code;

TEST_CASE("W3C datetime forms", "[audit]") {
  for (const char* ok :
       {"2024", "2024-02", "2024-02-29", "2024-02-29T10:15+01:00", "2024-02-29T10:15:30Z",
        "2024-05-14T08:21:37.512Z", "1997-07-16T19:20:30.45-05:00", "2016-12-31T23:59:60Z"}) {
    INFO(ok);
    CHECK(is_w3c_datetime(ok));
  }
  for (const char* bad :
       {"", "24", "2024-2-1", "2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01T10:00",
        "2024-01-01 10:00:00Z", "2024-01-01T25:00Z", "2024-01-01T10:00:00+0100",
        "2024-01-01T10:00:00.Z", "Tue, 05 Mar 2024", "2024-01-01Z", "2024-01-01T10:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(is_w3c_datetime(bad));
  }
}

TEST_CASE("changefreq and priority values", "[audit]") {
  CHECK(is_valid_changefreq("weekly"));
  CHECK(is_valid_changefreq("Never"));
  CHECK_FALSE(is_valid_changefreq("fortnightly"));
  CHECK(is_valid_priority("0"));
  CHECK(is_valid_priority("0.5"));
  CHECK(is_valid_priority("1.0"));
  CHECK_FALSE(is_valid_priority("1.01"));
  CHECK_FALSE(is_valid_priority("-0.1"));
  CHECK_FALSE(is_valid_priority("high"));
  CHECK_FALSE(is_valid_priority("0.5x"));
}

TEST_CASE("check_loc resolves, normalises and checks scope", "[audit]") {
  SitemapLint lint("https://example.com/blog/sitemap.xml");
  CHECK(lint.check_loc("  https://EXAMPLE.com/blog/a \n", 3) == "https://example.com/blog/a");
  CHECK(lint.check_loc("https://example.com/blog", 4) == "https://example.com/blog");
  CHECK(lint.check_loc("post/", 5) == "https://example.com/blog/post/");
  CHECK(lint.check_loc("http://example.com/blog/b", 6) == "http://example.com/blog/b");
  CHECK(lint.check_loc("https://example.com/shop/c", 7) == "https://example.com/shop/c");
  CHECK(lint.check_loc("mailto:someone@example.com", 8).empty());
  CHECK(lint.check_loc("", 9).empty());
  auto findings = lint.finish(7, 100);
  CHECK(count_code(findings, FindingCode::relative_loc) == 1);
  CHECK(count_code(findings, FindingCode::loc_out_of_scope) == 2);
  CHECK(count_code(findings, FindingCode::non_http_loc) == 1);
  CHECK(count_code(findings, FindingCode::empty_loc) == 1);
}

TEST_CASE("A local file cannot resolve relative locs", "[audit]") {
  SitemapLint lint("/tmp/sitemap.xml");
  CHECK(lint.check_loc("/a", 1).empty());
  CHECK(lint.check_loc("https://anywhere.example/a", 2) == "https://anywhere.example/a");
  auto findings = lint.finish(1, 10);
  CHECK(count_code(findings, FindingCode::relative_loc) == 1);
  CHECK(count_code(findings, FindingCode::loc_out_of_scope) == 0);
}

TEST_CASE("check_loc: a control character is a finding, never a different URL", "[audit]") {
  SitemapLint lint("https://example.com/sitemap.xml");
  CHECK(lint.check_loc(std::string("https://example.com/a\0b", 23), 3).empty());
  CHECK(lint.check_loc("https://example.com/c\x1b[0md", 4).empty());
  CHECK(lint.check_loc(" https://example.com/ok\n", 5) == "https://example.com/ok");
  auto findings = lint.finish(1, 10);
  REQUIRE(count_code(findings, FindingCode::control_character_in_url) == 2);
  CHECK(findings[0].message ==
        "https://example.com/a\\x00b contains the control character U+0000; not checked");
  CHECK(findings[1].message.starts_with("https://example.com/c\\x1B[0md "));
  CHECK(escape_controls("a\tb\x7f") == "a\\x09b\\x7F");
}

TEST_CASE("check_loc: a URL of 2,048 characters or more is a finding, and still checked",
          "[audit]") {
  SitemapLint lint("https://example.com/sitemap.xml");
  const std::string base = "https://example.com/";
  const std::string longest = base + std::string(kMaxLocCharacters - base.size(), 'a');
  CHECK(lint.check_loc(longest, 1) == longest);
  const std::string too_long = longest + "b";
  CHECK(lint.check_loc(too_long, 2) == too_long);
  // Characters, not bytes: 2,047 of them with a two-byte letter among them pass.
  const std::string accented =
      base + "\xC3\xA9" + std::string(kMaxLocCharacters - base.size() - 1, 'c');
  CHECK_FALSE(lint.check_loc(accented, 3).empty());
  CHECK_FALSE(lint.check_loc(accented + "\xC3\xA9", 4).empty());
  auto findings = lint.finish(1, 10);
  REQUIRE(count_code(findings, FindingCode::loc_too_long) == 2);
  CHECK(findings[0].line == 2);
  CHECK(findings[0].message == "a URL of 2048 characters (sitemaps.org allows fewer than 2,048): " +
                                   base + std::string(80, 'a') + "...");
  // The quoted start never cuts a character in two.
  CHECK(findings[1].line == 4);
  CHECK(findings[1].message.ends_with(base + "\xC3\xA9" + std::string(79, 'c') + "..."));
}

TEST_CASE("check_sitemap_loc: in a local index, a loc without a scheme is a file", "[audit]") {
  SitemapLint local("/srv/site/index.xml");
  CHECK(local.check_sitemap_loc("child.xml", 1) == "/srv/site/child.xml");
  CHECK(local.check_sitemap_loc("./a/../b/c.xml.gz", 2) == "/srv/site/b/c.xml.gz");
  CHECK(local.check_sitemap_loc("/elsewhere/d.xml", 3) == "/elsewhere/d.xml");
  CHECK(local.check_sitemap_loc("https://example.com/e.xml", 4) == "https://example.com/e.xml");
  CHECK(local.check_sitemap_loc("ftp://example.com/f.xml", 5).empty());
  CHECK(SitemapLint("index.xml").check_sitemap_loc("g.xml", 6) == "g.xml");
  auto findings = local.finish(0, 10);
  CHECK(findings.size() == 1);
  CHECK(count_code(findings, FindingCode::non_http_loc) == 1);
  // In an http(s) index, a relative loc is a URL, as for pages.
  SitemapLint remote("https://example.com/blog/index.xml");
  CHECK(remote.check_sitemap_loc("child.xml", 1) == "https://example.com/blog/child.xml");
  CHECK(count_code(remote.finish(0, 10), FindingCode::relative_loc) == 1);
}

TEST_CASE("Findings of one code are capped and summarised", "[audit]") {
  SitemapLint lint("https://example.com/sitemap.xml");
  for (std::uint32_t line = 1; line <= 100; ++line) lint.check_lastmod("yesterday", line);
  auto findings = lint.finish(100, kMaxBytesPerSitemap + 1);
  CHECK(count_code(findings, FindingCode::invalid_lastmod) == kMaxFindingsPerCode + 1);
  CHECK(findings.back().message == "80 more invalid_lastmod findings not listed");
  CHECK(count_code(findings, FindingCode::sitemap_too_large) == 1);
}

TEST_CASE("The summaries of capped codes follow the codes' words, as they always have", "[audit]") {
  // relative_loc comes before invalid_lastmod in the enum; the report lists by the word.
  SitemapLint lint("https://example.com/sitemap.xml");
  for (std::uint32_t line = 1; line <= 30; ++line) {
    lint.add(FindingCode::relative_loc, "relative", line);
    lint.add(FindingCode::invalid_lastmod, "lastmod", line);
  }
  auto findings = lint.finish(30, 10);
  REQUIRE(findings.size() >= 2);
  CHECK(findings[findings.size() - 2].message == "10 more invalid_lastmod findings not listed");
  CHECK(findings.back().message == "10 more relative_loc findings not listed");
}

TEST_CASE("check_loc agrees with normalize_url on every shape of URL", "[audit]") {
  // check_loc skips curl for URLs already in normal form; it must return what curl would.
  for (const char* url : {"https://example.com/a",
                          "https://example.com/a?b=c&d=e",
                          "https://example.com:8443/x",
                          "https://example.com:443/x",
                          "http://example.com:80/x",
                          "HTTPS://Example.com/A",
                          "https://example.com/a/./b",
                          "https://example.com/a/../b",
                          "https://example.com/%7Ea",
                          "https://example.com/a%2fb",
                          "https://example.com/a#frag",
                          "https://example.com/a b",
                          "https://example.com",
                          "https://example.com./a",
                          "https://ex_ample.com/a",
                          "https://example.com/caf\xC3\xA9",
                          "https://example.com/a:b@c!$'()*+,;=~",
                          "http://127.0.0.1:8080/p/1/2",
                          "https://example.com/a/.",
                          "https://example.com/.hidden",
                          "https://example.com:0/a",
                          "https://example.com:/a"}) {
    INFO(url);
    SitemapLint lint("https://example.com/sitemap.xml");
    siteaudit::net::UrlResult expected = siteaudit::net::normalize_url(url);
    std::string got = lint.check_loc(url, 1);
    if (expected.ok()) {
      CHECK(got == expected.url);
    } else {
      CHECK(got.empty());
    }
  }
}

TEST_CASE("check_loc: a byte that is not UTF-8 is a finding, and the URL is still checked",
          "[audit]") {
  SitemapLint lint("https://example.com/sitemap.xml");
  CHECK(lint.check_loc("https://example.com/caf\xE9.html", 3) == "https://example.com/caf%e9.html");
  CHECK(lint.check_loc("https://example.com/caf\xC3\xA9.html", 4) ==
        "https://example.com/caf%c3%a9.html");
  auto findings = lint.finish(2, 10);
  REQUIRE(count_code(findings, FindingCode::not_utf8) == 1);
  CHECK(findings[0].line == 3);
  CHECK(findings[0].message ==
        "https://example.com/caf\xE9.html has the byte 0xE9, which is not UTF-8 (sitemaps.org "
        "requires UTF-8); checked with it percent-encoded");
}
