#include "siteaudit/audit/url_pattern.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

using siteaudit::audit::UrlPattern;
namespace rt = siteaudit::rt;

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

TEST_CASE("UrlPattern compares bytes, so any byte in a URL is one character", "[audit]") {
  // A hostile sitemap may list bytes that are not UTF-8; an --exclude must still see them.
  const std::string raw = "https://e.com/\xff\xfe/private";
  CHECK(pattern("^https://e\\.com/.*private").search(raw));
  CHECK(pattern("^https://e\\.com/../private$").search(raw));
  CHECK(pattern("\\xff").search(raw));
  // A UTF-8 character in a pattern matches its bytes in the URL.
  CHECK(pattern("/caf\xc3\xa9/").search("https://e.com/caf\xc3\xa9/"));
  CHECK_FALSE(pattern("/caf\xc3\xa9/").search("https://e.com/cafe/"));
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
  auto compiled = UrlPattern::compile("--status-rule 'url=?x 404=ok'", "?x");
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.error() ==
        "--status-rule 'url=?x 404=ok': '?x' is not a valid regular expression: '?' at the start "
        "has nothing to repeat (for any text write .*)");
  // why() is the reason, once the message is checked to open with the option and pattern.
  auto why = [](const std::string& text) {
    auto refused = UrlPattern::compile("--include", text);
    REQUIRE_FALSE(refused.ok());
    const std::string opening = "--include: '" + text + "' is not a valid regular expression: ";
    REQUIRE(refused.error().starts_with(opening));
    return refused.error().substr(opening.size());
  };
  CHECK(why("a)") == "unmatched '(' or ')'");
  CHECK(why("a(?:b") == "unmatched '(' or ')'");
  CHECK(why("[z-a]") == "invalid character range 'z-a' in '[]'");
  CHECK(why("a**") == "invalid repetition '**'");
  CHECK(why("/a{1001}") == "invalid count '{1001}' (counts in {} go up to 1000)");
  // What RE2 leaves out because it cannot be matched in linear time is named as such.
  CHECK(why("/(a)/\\1") == "invalid escape '\\1' (back references are not supported)");
  CHECK(why("/a(?!b)") == "unsupported group '(?!' (lookahead is not supported)");
  CHECK(why("(?<=/)a") ==
        "unsupported group '(?<' (lookbehind is not supported; a named group is written "
        "(?P<name>...))");
}

TEST_CASE("UrlPattern searches a URL of 100000 characters on a worker fiber", "[audit]") {
  // A backtracking matcher recurses once per character and overflowed the 64 KiB fiber stack
  // (SIGSEGV) on URLs of a few hundred characters; one long URL in a sitemap ended the run.
  const std::string url = "https://e.com/" + std::string(100'000 - 14 - 4, 'a') + ".pdf";
  REQUIRE(url.size() == 100'000);
  const std::vector<UrlPattern> hits = {pattern("^https://e\\.com/a+\\.pdf$"),
                                        pattern("/(a|b)*\\.pdf"),
                                        pattern("^.*$"),
                                        pattern("(?:a+)+\\."),
                                        pattern("/[a-z]+\\.pdf"),
                                        pattern("a*a*a*a*a*\\.pdf$")};
  const std::vector<UrlPattern> misses = {pattern("^https://e\\.com/a+$"), pattern("/(a|b)*x"),
                                          pattern("(?:a+)+b"), pattern("^.*\\.html$")};
  std::vector<int> found(hits.size() + misses.size(), -1);
  rt::Runtime runtime({.threads = 2});
  auto status = runtime.run([&] {
    rt::WaitGroup wg;
    for (std::size_t i = 0; i < found.size(); ++i) {
      wg.add(1);
      rt::go([&, i] {
        const UrlPattern& p = i < hits.size() ? hits[i] : misses[i - hits.size()];
        found[i] = p.search(url) ? 1 : 0;
        wg.done();
      });
    }
    wg.wait();
  });
  REQUIRE(status.ok());
  for (std::size_t i = 0; i < found.size(); ++i) {
    INFO((i < hits.size() ? hits[i] : misses[i - hits.size()]).text());
    CHECK(found[i] == (i < hits.size() ? 1 : 0));
  }
}
