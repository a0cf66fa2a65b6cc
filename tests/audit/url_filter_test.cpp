#include "siteaudit/audit/url_filter.hpp"

#include <catch2/catch.hpp>

using siteaudit::audit::UrlFilter;

namespace {

UrlFilter filter(std::vector<std::string> include, std::vector<std::string> exclude) {
  auto parsed = UrlFilter::parse(include, exclude);
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

}  // namespace

TEST_CASE("UrlFilter without patterns checks every URL", "[audit]") {
  UrlFilter none;
  CHECK(none.empty());
  auto d = none.check("https://example.com/anything");
  CHECK(d.checked);
  CHECK(d.reason.empty());
  CHECK(filter({}, {}).check("https://example.com/").checked);
}

TEST_CASE("UrlFilter excludes by the first matching pattern and names it", "[audit]") {
  UrlFilter f = filter({}, {"/private/", "\\.pdf$", "private"});
  CHECK_FALSE(f.empty());
  CHECK(f.check("https://example.com/docs/").checked);
  auto d = f.check("https://example.com/private/a");
  CHECK_FALSE(d.checked);
  CHECK(d.reason == "excluded by --exclude '/private/'");
  CHECK(f.check("https://example.com/a.pdf").reason == "excluded by --exclude '\\.pdf$'");
  // Searched, not matched whole: the pattern may appear anywhere.
  CHECK_FALSE(f.check("https://example.com/a.pdf").checked);
  CHECK(f.check("https://example.com/a.pdf?x=1").checked);
}

TEST_CASE("UrlFilter requires some include to match, then no exclude", "[audit]") {
  UrlFilter one = filter({"^https://example\\.com/docs/"}, {});
  CHECK(one.check("https://example.com/docs/a").checked);
  auto d = one.check("https://example.com/blog/a");
  CHECK_FALSE(d.checked);
  CHECK(d.reason == "not matched by --include '^https://example\\.com/docs/'");

  UrlFilter two = filter({"/docs/", "/blog/"}, {"/drafts/"});
  CHECK(two.check("https://example.com/blog/a").checked);
  CHECK(two.check("https://example.com/docs/a").checked);
  CHECK(two.check("https://example.com/about").reason ==
        "matched by none of the 2 --include patterns");
  // An exclude wins over an include.
  CHECK(two.check("https://example.com/blog/drafts/x").reason ==
        "excluded by --exclude '/drafts/'");
}

TEST_CASE("UrlFilter patterns are case-sensitive and know Perl classes", "[audit]") {
  UrlFilter f = filter({}, {"(?:\\?|&)utm_[a-z]+=", "/Admin\\b"});
  CHECK_FALSE(f.check("https://e.com/?utm_source=x").checked);
  CHECK_FALSE(f.check("https://e.com/?a=1&utm_medium=y").checked);
  CHECK(f.check("https://e.com/?autm_source=x").checked);
  CHECK_FALSE(f.check("https://e.com/Admin/").checked);
  CHECK(f.check("https://e.com/admin/").checked);
  CHECK(f.check("https://e.com/Administration").checked);
}

TEST_CASE("UrlFilter reports invalid and empty patterns with option and pattern", "[audit]") {
  auto error = [](std::vector<std::string> include, std::vector<std::string> exclude) {
    auto parsed = UrlFilter::parse(include, exclude);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error();
  };
  CHECK(error({}, {"[a-"}) ==
        "--exclude: '[a-' is not a valid regular expression: unmatched '[' or ']'");
  CHECK(error({}, {"[a"}) ==
        "--exclude: '[a' is not a valid regular expression: unmatched '[' or ']'");
  CHECK(error({}, {"a\\"}) ==
        "--exclude: 'a\\' is not a valid regular expression: trailing backslash");
  CHECK(error({"(docs"}, {}) ==
        "--include: '(docs' is not a valid regular expression: unmatched '(' or ')'");
  CHECK(error({"ok", "*x"}, {}) ==
        "--include: '*x' is not a valid regular expression: '*' at the start has nothing to "
        "repeat (for any text write .*)");
  CHECK(error({}, {"+x"}).find("'+' at the start has nothing to repeat") != std::string::npos);
  CHECK(
      error({}, {"a{2,1}"}).starts_with("--exclude: 'a{2,1}' is not a valid regular expression: "));
  CHECK(error({}, {""}) == "--exclude: empty pattern (it would match every URL)");
  CHECK(error({""}, {}) == "--include: empty pattern (it would match every URL)");
}
