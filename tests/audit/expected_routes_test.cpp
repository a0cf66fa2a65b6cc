#include "siteaudit/audit/expected_routes.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using siteaudit::audit::ExpectedRoutes;
using siteaudit::audit::FindingCode;
using siteaudit::audit::RouteMatcher;
using siteaudit::audit::RouteReport;
using siteaudit::audit::Severity;

namespace {

ExpectedRoutes routes(std::string_view text) {
  auto parsed = ExpectedRoutes::parse(text, "routes.txt");
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

std::string routes_error(std::string_view text) {
  auto parsed = ExpectedRoutes::parse(text, "routes.txt");
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

}  // namespace

TEST_CASE("ExpectedRoutes::normalize: paths only, canonical escapes, index and slash", "[audit]") {
  auto n = [](std::string_view s) { return ExpectedRoutes::normalize(s); };
  CHECK(n("https://example.com/docs/") == "/docs");
  CHECK(n("https://preview.example.net:8443/docs") == "/docs");
  CHECK(n("https://example.com") == "/");
  CHECK(n("https://example.com/") == "/");
  CHECK(n("https://example.com?x=1") == "/?x=1");
  CHECK(n("/docs/index.html") == "/docs");
  CHECK(n("/docs/index.htm") == "/docs");
  CHECK(n("/index.html") == "/");
  CHECK(n("/docs/index.html.bak") == "/docs/index.html.bak");
  CHECK(n("/docs/myindex.html") == "/docs/myindex.html");
  CHECK(n("/a//") == "/a");
  CHECK(n("/%7Euser/%41b") == "/~user/Ab");
  CHECK(n("/caf%c3%a9") == "/caf%C3%A9");
  CHECK(n("/caf\xC3\xA9") == "/caf%C3%A9");
  CHECK(n("/a%2fb") == "/a%2Fb");
  CHECK(n("/100%") == "/100%");
  CHECK(n("/%zz") == "/%zz");
  CHECK(n("/a#frag") == "/a");
  CHECK(n("/a?b=%7e#frag") == "/a?b=~");
  CHECK(ExpectedRoutes::normalize("/a?b=1", false) == "/a");
  CHECK(n("/Docs") == "/Docs");
  // What a normal URL escapes as a browser does, a route escapes too.
  CHECK(n("/user/{id}/\"a\"<b>`c`?q=<{x}>") == "/user/%7Bid%7D/%22a%22%3Cb%3E%60c%60?q=%3C{x}%3E");
}

TEST_CASE("RouteMatcher: a route matches its URL however the braces are written", "[audit]") {
  // Normalisation escapes '{' and '}' in a URL's path (a browser does): the route written with
  // them bare must still match the listed URL, escaped or not.
  RouteMatcher m(routes("/user/{id}\n/q?x=<a>\n"));
  CHECK(m.add("https://e.com/user/%7Bid%7D"));
  CHECK(m.add("https://e.com/q?x=%3ca%3e"));
  CHECK(m.missing().empty());
}

TEST_CASE("RouteMatcher: literal routes, missing and unexpected", "[audit]") {
  RouteMatcher m(
      routes("# routes of the demo site\n"
             "/\n"
             "\n"
             "/about/\n"
             "/docs/index.html   # the docs home\n"
             "/contact\n"));
  CHECK(m.add("https://example.com/"));
  CHECK(m.add("https://preview.example.net/about"));
  CHECK(m.add("https://example.com/docs/"));
  CHECK(m.add("https://example.com/about/?utm_source=x"));  // query ignored: route has none
  CHECK_FALSE(m.add("https://example.com/old-page"));
  CHECK_FALSE(m.add("https://example.com/About"));  // case-sensitive
  CHECK(m.missing() == std::vector<std::string>{"/contact"});
  CHECK(m.unexpected() ==
        std::vector<std::string>{"https://example.com/old-page", "https://example.com/About"});
  CHECK(m.unexpected_total() == 2);
  CHECK(m.urls_seen() == 6);

  RouteReport report;
  m.fill(report);
  CHECK(report.enabled);
  CHECK(report.file == "routes.txt");
  CHECK(report.missing == std::vector<std::string>{"/contact"});
  CHECK(report.unexpected.size() == 2);
  // Every route of the file, as written, in file order (JUnit has one testcase per route).
  REQUIRE(report.expected.size() == 4);
  CHECK(report.expected.front() == "/");
  CHECK(report.expected.back() == "/contact");
}

TEST_CASE("RouteMatcher: '*' is within one segment, '**' any number of segments", "[audit]") {
  RouteMatcher m(routes("/blog/*\n/docs/**\n/img/*.png\n/a/**/z\n"));
  CHECK(m.add("https://e.com/blog/hello"));
  CHECK_FALSE(m.add("https://e.com/blog/2024/hello"));
  CHECK_FALSE(m.add("https://e.com/blog"));
  CHECK(m.add("https://e.com/docs"));
  CHECK(m.add("https://e.com/docs/"));
  CHECK(m.add("https://e.com/docs/a/b/c"));
  CHECK_FALSE(m.add("https://e.com/docs-old"));
  CHECK(m.add("https://e.com/img/logo.png"));
  CHECK(m.add("https://e.com/img/.png"));
  CHECK_FALSE(m.add("https://e.com/img/logo.jpg"));
  CHECK(m.add("https://e.com/a/z"));
  CHECK(m.add("https://e.com/a/b/c/z"));
  CHECK_FALSE(m.add("https://e.com/a/b/c/y"));
  CHECK(m.missing().empty());
  CHECK(m.unexpected_total() == 5);
}

TEST_CASE("RouteMatcher: a glob that nothing matched is missing", "[audit]") {
  RouteMatcher m(routes("/\n/blog/*\n/docs/**\n"));
  m.add("https://e.com/");
  m.add("https://e.com/docs/x/y");
  CHECK(m.missing() == std::vector<std::string>{"/blog/*"});
  // A URL matched by a literal route still marks the globs it matches.
  RouteMatcher overlap(routes("/docs/intro\n/docs/*\n"));
  CHECK(overlap.add("https://e.com/docs/intro"));
  CHECK(overlap.missing().empty());
  // "/**" matches everything, the root too.
  RouteMatcher all(routes("/**\n"));
  CHECK(all.add("https://e.com"));
  CHECK(all.add("https://e.com/a/b?c"));
  CHECK(all.missing().empty());
}

TEST_CASE("RouteMatcher: a route with a query matches that query only", "[audit]") {
  RouteMatcher m(routes("/search?q=test\n/list/*?page=2\n"));
  CHECK(m.add("https://e.com/search?q=test"));
  CHECK(m.add("https://e.com/search/?q=%74est"));
  CHECK_FALSE(m.add("https://e.com/search?q=other"));
  CHECK_FALSE(m.add("https://e.com/search"));
  CHECK_FALSE(m.add("https://e.com/list/a?page=3"));
  CHECK(m.missing() == std::vector<std::string>{"/list/*?page=2"});
  CHECK(m.add("https://e.com/list/a?page=2"));
  CHECK(m.missing().empty());

  // A query-less route matches with any query; both routes are marked.
  RouteMatcher both(routes("/s\n/s?x=1\n"));
  CHECK(both.add("https://e.com/s?x=1"));
  CHECK(both.missing().empty());
}

TEST_CASE("ExpectedRoutes accepts full URLs, a BOM and CRLF line ends", "[audit]") {
  RouteMatcher m(
      routes("\xEF\xBB\xBFhttps://example.com/docs/\r\nhttps://example.com\r\n"
             "  /caf%c3%a9  \r\n"));
  CHECK(m.routes().size() == 3);
  CHECK(m.add("https://preview.test/docs"));
  CHECK(m.add("https://preview.test/"));
  CHECK(m.add("https://preview.test/caf\xC3\xA9"));
  CHECK(m.missing().empty());
}

TEST_CASE("ExpectedRoutes reports errors with file and line", "[audit]") {
  CHECK(routes_error("/\ndocs/x\n") ==
        "routes.txt:2: 'docs/x' is not a path (a route starts with '/', e.g. /docs/)");
  CHECK(routes_error("/a b\n") ==
        "routes.txt:1: '/a b' contains whitespace (one route per line; write a space as %20)");
  CHECK(routes_error("/a\n/b\n/a/**b\n") ==
        "routes.txt:3: '/a/**b': '**' must be a whole segment (/docs/** matches any depth; use "
        "* within a segment)");
  CHECK(routes_error("/a/../b\n") ==
        "routes.txt:1: '/a/../b' has a '..' segment; write the path it stands for");
  CHECK(routes_error("/./b\n") ==
        "routes.txt:1: '/./b' has a '.' segment; write the path it stands for");
  CHECK(routes_error("/docs\n# comment\n/docs/index.html\n") ==
        "routes.txt:3: '/docs/index.html' is the same route as '/docs' on line 1 (after "
        "normalisation both are /docs)");
  CHECK(routes_error("/blog/*\n/blog/*/\n") ==
        "routes.txt:2: '/blog/*/' is the same route as '/blog/*' on line 1 (after "
        "normalisation both are /blog/*)");
  CHECK(routes_error("# nothing\n\n   \n") ==
        "routes.txt: no routes (every line is blank or a comment)");
  CHECK(routes_error("") == "routes.txt: no routes (every line is blank or a comment)");
  CHECK(routes_error("/\n/" + std::string(9000, 'a') + "\n") ==
        "routes.txt:2: line longer than 8192 bytes");
}

TEST_CASE("ExpectedRoutes::load reads a file and names it in errors", "[audit]") {
  const std::string path = "expected_routes_test_routes.txt";
  {
    std::ofstream out(path);
    out << "/\n/about\nabout\n";
  }
  auto bad = ExpectedRoutes::load(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == path + ":3: 'about' is not a path (a route starts with '/', e.g. /docs/)");
  {
    std::ofstream out(path);
    out << "/\n/about\n";
  }
  auto good = ExpectedRoutes::load(path);
  REQUIRE(good.ok());
  CHECK(good.value().size() == 2);
  CHECK(good.value().file() == path);
  std::remove(path.c_str());

  auto missing = ExpectedRoutes::load("no/such/routes.txt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "--expect: cannot read 'no/such/routes.txt': No such file or directory");
  auto directory = ExpectedRoutes::load(".");
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error() == "--expect: cannot read '.': it is a directory");
}

TEST_CASE("RouteMatcher keeps unexpected URLs up to a cap and counts the rest", "[audit]") {
  RouteMatcher m(routes("/docs/**\n"), 3);
  for (int i = 0; i < 20'000; ++i) m.add("https://e.com/page/" + std::to_string(i));
  CHECK(m.unexpected().size() == 3);
  CHECK(m.unexpected().front() == "https://e.com/page/0");
  CHECK(m.unexpected_total() == 20'000);
  CHECK(m.urls_seen() == 20'000);

  auto findings = m.findings(false);
  REQUIRE(findings.size() == 5);
  CHECK(findings[0].code == FindingCode::missing_route);
  CHECK(findings[0].message ==
        "expected route '/docs/**' matches no sitemap URL: add the page to the sitemap, or "
        "remove the route if the page is gone");
  CHECK(findings[0].where == "routes.txt");
  CHECK(findings[0].line == 1);
  CHECK(findings[0].severity == Severity::failure);
  CHECK(findings[1].code == FindingCode::unexpected_url);
  CHECK(findings[1].where == "https://e.com/page/0");
  CHECK(findings[1].message ==
        "sitemap URL matches no route in routes.txt: add a route for it, or drop it from the "
        "sitemap");
  CHECK(findings[1].severity == Severity::warning);
  CHECK(findings[4].message ==
        "19997 more sitemap URLs match no route in routes.txt (only the first 3 are listed)");
  for (const auto& f : m.findings(true)) CHECK(f.severity == Severity::failure);
}

TEST_CASE("RouteMatcher with many literal routes and many URLs", "[audit]") {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += "/p/" + std::to_string(i) + "\n";
  text += "/tag/*\n";
  RouteMatcher m(routes(text));
  for (int i = 0; i < 200'000; ++i) {
    m.add("https://e.com/p/" + std::to_string(i % 10'000) + (i % 2 ? "/" : ""));
  }
  CHECK(m.unexpected_total() == 0);
  CHECK(m.missing() == std::vector<std::string>{"/tag/*"});
}
