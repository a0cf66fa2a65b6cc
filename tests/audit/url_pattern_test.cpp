#include "siteaudit/audit/url_pattern.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using siteaudit::audit::UrlPattern;

namespace {

UrlPattern pattern(std::string text) {
  auto compiled = UrlPattern::compile("--exclude", std::move(text));
  INFO(compiled.error());
  REQUIRE(compiled.ok());
  return std::move(compiled).value();
}

}  // namespace

TEST_CASE("UrlPattern searches anywhere in the URL unless anchored", "[audit]") {
  UrlPattern anywhere = pattern("/blog/");
  CHECK(anywhere.search("https://e.com/blog/a"));
  CHECK(anywhere.search("https://e.com/en/blog/"));
  CHECK_FALSE(anywhere.search("https://e.com/blogs"));

  UrlPattern whole = pattern("^https://e\\.com/$");
  CHECK(whole.search("https://e.com/"));
  CHECK_FALSE(whole.search("https://e.com/a"));
  CHECK_FALSE(whole.search("http://x/?u=https://e.com/"));
  // The views searched need not be NUL-terminated strings.
  const std::string text = "https://e.com/a.pdf?x";
  CHECK(pattern("\\.pdf$").search(std::string_view(text).substr(0, 19)));
  CHECK_FALSE(pattern("\\.pdf$").search(text));
}

TEST_CASE("UrlPattern keeps the text as written; copies share the compiled expression", "[audit]") {
  std::optional<UrlPattern> original = pattern("(?:\\?|&)utm_[a-z]+=");
  CHECK(original->text() == "(?:\\?|&)utm_[a-z]+=");
  const UrlPattern copy = *original;
  original.reset();
  CHECK(copy.text() == "(?:\\?|&)utm_[a-z]+=");
  CHECK(copy.search("https://e.com/?a=1&utm_medium=y"));
  CHECK_FALSE(copy.search("https://e.com/?autm_medium=y"));
}

TEST_CASE("UrlPattern errors name the option, the pattern and the reason", "[audit]") {
  auto error = [](std::string_view option, std::string text) {
    auto compiled = UrlPattern::compile(option, std::move(text));
    REQUIRE_FALSE(compiled.ok());
    return compiled.error();
  };
  CHECK(error("--status-rule 'url=?x 404=ok'", "?x") ==
        "--status-rule 'url=?x 404=ok': '?x' is not a valid regular expression: '?' at the start "
        "has nothing to repeat (for any text write .*)");
  CHECK(error("--include", "a)") ==
        "--include: 'a)' is not a valid regular expression: unmatched '(' or ')'");
  CHECK(error("--include", "x{1") ==
        "--include: 'x{1' is not a valid regular expression: unmatched '{' or '}'");
}
