// text_sitemap_parser_test.cpp — one URL per line, as Hexo and hand-written files do it.
#include "siteaudit/audit/text_sitemap_parser.hpp"

#include <catch2/catch.hpp>

#include "audit/sitemap_test_support.hpp"

using namespace siteaudit::audit;
using siteaudit::testing::Collected;
using siteaudit::testing::count_code;
using siteaudit::testing::fixture;

TEST_CASE("Text sitemap: BOM, CRLF, blank lines, leading spaces, stray lines", "[audit]") {
  Collected got;
  auto doc = parse_text_sitemap(fixture("text/sitemap.txt"), "https://example.com/text/sitemap.txt",
                                got.callback());
  REQUIRE(doc.ok());
  CHECK(doc.kind == SourceKind::text);
  CHECK(got.urls() == std::vector<std::string>{"https://example.com/text/a.html",
                                               "https://example.com/text/b.html",
                                               "https://example.com/text/c.html"});
  CHECK(got.entries[0].line == 1);
  CHECK(got.entries[1].line == 3);
  CHECK(got.entries[2].line == 7);
  CHECK(doc.entries == 3);
  // "this is not a url" and the relative path, each with its line.
  REQUIRE(count_code(doc.findings, FindingCode::not_a_url) == 2);
  CHECK(doc.findings[0].line == 4);
  CHECK(doc.findings[1].line == 5);
  CHECK(doc.findings[0].where == "https://example.com/text/sitemap.txt");
}

TEST_CASE("Text sitemap: empty input and a file without a final newline", "[audit]") {
  Collected got;
  auto empty = parse_text_sitemap("", "https://example.com/s.txt", got.callback());
  CHECK(empty.ok());
  CHECK(got.entries.empty());
  auto one = parse_text_sitemap("https://example.com/only", "/tmp/s.txt", got.callback());
  CHECK(one.ok());
  CHECK(got.urls() == std::vector<std::string>{"https://example.com/only"});
}

TEST_CASE("Text sitemap: more than 50,000 lines is flagged once", "[audit]") {
  std::string text;
  for (int i = 0; i <= 50'000; ++i) text += "https://example.com/" + std::to_string(i) + "\n";
  std::size_t n = 0;
  auto doc = parse_text_sitemap(text, "https://example.com/s.txt", [&](SitemapEntry&&) { ++n; });
  CHECK(n == 50'001);
  CHECK(count_code(doc.findings, FindingCode::too_many_urls) == 1);
}

TEST_CASE("Text sitemap: a control character in a line is a finding, never requested", "[audit]") {
  Collected got;
  const std::string text = std::string("https://example.com/a\0b\n", 24) +
                           "https://example.com/c\x7f"
                           "d\nhttps://example.com/ok\n";
  auto doc = parse_text_sitemap(text, "https://example.com/s.txt", got.callback());
  CHECK(got.urls() == std::vector<std::string>{"https://example.com/ok"});
  REQUIRE(count_code(doc.findings, FindingCode::control_character_in_url) == 2);
  CHECK(doc.findings[0].line == 1);
  CHECK(doc.findings[0].message.starts_with("https://example.com/a\\x00b "));
  CHECK(doc.findings[1].message.starts_with("https://example.com/c\\x7Fd "));
}

TEST_CASE("Text sitemap: a cancelled parse reads its grace of lines, then stops", "[audit]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "https://example.com/" + std::to_string(i) + "\n\n";
  Collected got;
  Cancellation cancel{.is_cancelled = [&] { return got.entries.size() >= 10; }, .grace = 5};
  auto doc = parse_text_sitemap(text, "https://example.com/s.txt", got.callback(), cancel);
  CHECK(got.entries.size() == 15);
  CHECK(doc.cancelled);
  CHECK(doc.cancelled_line == 31);  // the 16th URL; blank lines do not count
}
