// page_crawler_test.cpp — the header rules the crawler reads; crawling itself is tested end to
// end against real servers (tests/integration/audit_crawl_test.cpp).
#include "audit/page_crawler.hpp"

#include <catch2/catch.hpp>

using siteaudit::audit::is_css_type;
using siteaudit::audit::is_html_type;
using siteaudit::audit::robots_directives;

TEST_CASE("page crawler: X-Robots-Tag noindex, nofollow and none", "[audit][crawl]") {
  CHECK(robots_directives("noindex").noindex);
  CHECK_FALSE(robots_directives("noindex").nofollow);
  CHECK(robots_directives("NoFollow, noarchive").nofollow);
  auto none = robots_directives("none");
  CHECK((none.noindex && none.nofollow));
  CHECK(robots_directives("googlebot: nofollow").nofollow);
  auto plain = robots_directives("noarchive, max-snippet:20");
  CHECK_FALSE((plain.noindex || plain.nofollow));
}

TEST_CASE("page crawler: only HTML content types are parsed", "[audit][crawl]") {
  CHECK(is_html_type("text/html"));
  CHECK(is_html_type("Text/HTML; charset=utf-8"));
  CHECK(is_html_type("application/xhtml+xml"));
  CHECK_FALSE(is_html_type("text/plain"));
  CHECK_FALSE(is_html_type("image/png"));
  CHECK_FALSE(is_html_type(""));
}

TEST_CASE("page crawler: only text/css is read as a stylesheet", "[audit][crawl]") {
  CHECK(is_css_type("text/css"));
  CHECK(is_css_type("TEXT/CSS ; charset=utf-8"));
  CHECK_FALSE(is_css_type("text/plain"));
  CHECK_FALSE(is_css_type("text/html"));
  CHECK_FALSE(is_css_type("text/css2"));
  CHECK_FALSE(is_css_type(""));
}
