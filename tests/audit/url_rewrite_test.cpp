#include "siteaudit/audit/url_rewrite.hpp"

#include <catch2/catch.hpp>

using siteaudit::audit::RewriteRules;

namespace {

RewriteRules rules(std::vector<std::string> text) {
  auto parsed = RewriteRules::parse(text);
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

std::string rules_error(std::vector<std::string> text) {
  auto parsed = RewriteRules::parse(text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

}  // namespace

TEST_CASE("RewriteRules maps a production origin to a preview origin", "[audit]") {
  RewriteRules r = rules({"https://example.com=https://preview-42.example.net"});
  CHECK_FALSE(r.empty());
  CHECK(r.apply("https://example.com/") == "https://preview-42.example.net/");
  CHECK(r.apply("https://example.com") == "https://preview-42.example.net");
  CHECK(r.apply("https://example.com/a/b?c=d#e") == "https://preview-42.example.net/a/b?c=d#e");
  CHECK(r.apply("https://example.com?q") == "https://preview-42.example.net?q");
  // Other origins, other schemes and look-alike hosts are left alone.
  CHECK(r.apply("http://example.com/a") == "http://example.com/a");
  CHECK(r.apply("https://example.com.evil.net/a") == "https://example.com.evil.net/a");
  CHECK(r.apply("https://example.community/") == "https://example.community/");
  CHECK(r.apply("https://www.example.com/") == "https://www.example.com/");
}

TEST_CASE("RewriteRules without rules returns the URL unchanged", "[audit]") {
  RewriteRules none;
  CHECK(none.empty());
  CHECK(none.apply("https://example.com/a") == "https://example.com/a");
  CHECK(rules({}).apply("https://x.test/") == "https://x.test/");
}

TEST_CASE("RewriteRules: the longest FROM wins whatever the order", "[audit]") {
  RewriteRules r = rules({"https://example.com=https://preview.test",
                          "https://example.com/docs=http://127.0.0.1:8080/docs-v2",
                          "https://example.com/docs/api/=http://api.test/"});
  CHECK(r.apply("https://example.com/blog/") == "https://preview.test/blog/");
  CHECK(r.apply("https://example.com/docs") == "http://127.0.0.1:8080/docs-v2");
  CHECK(r.apply("https://example.com/docs/a") == "http://127.0.0.1:8080/docs-v2/a");
  CHECK(r.apply("https://example.com/docs/api/x") == "http://api.test/x");
  // A path FROM without a trailing slash matches at a segment boundary only.
  CHECK(r.apply("https://example.com/docs-old/") == "https://preview.test/docs-old/");
}

TEST_CASE("RewriteRules: FROM ending in '/' matches any continuation", "[audit]") {
  RewriteRules r = rules({"https://example.com/v=http://a.test/v"});
  CHECK(r.apply("https://example.com/v/x") == "http://a.test/v/x");
  CHECK(r.apply("https://example.com/v2") == "https://example.com/v2");
  RewriteRules slash = rules({"https://example.com/v/=http://a.test/w/"});
  CHECK(slash.apply("https://example.com/v/x") == "http://a.test/w/x");
  CHECK(slash.apply("https://example.com/v") == "https://example.com/v");
}

TEST_CASE("RewriteRules: scheme and host ignore case, paths do not", "[audit]") {
  RewriteRules r = rules({"HTTPS://Example.COM/Docs=https://preview.test/Docs"});
  CHECK(r.apply("https://example.com/Docs/a") == "https://preview.test/Docs/a");
  CHECK(r.apply("HTTPS://EXAMPLE.com/Docs/a") == "https://preview.test/Docs/a");
  CHECK(r.apply("https://example.com/docs/a") == "https://example.com/docs/a");
}

TEST_CASE("RewriteRules: no doubled slash when TO ends in '/'", "[audit]") {
  RewriteRules r = rules({"https://example.com=https://preview.test/"});
  CHECK(r.apply("https://example.com/a") == "https://preview.test/a");
  CHECK(r.apply("https://example.com") == "https://preview.test/");
}

TEST_CASE("RewriteRules: a trailing '/' on FROM alone is given to TO as well", "[audit]") {
  RewriteRules r = rules({"https://example.com/=https://preview.test"});
  CHECK(r.apply("https://example.com/a") == "https://preview.test/a");
  RewriteRules path = rules({"https://example.com/docs/=https://preview.test/guide"});
  CHECK(path.apply("https://example.com/docs/x") == "https://preview.test/guide/x");
  auto refused = RewriteRules::parse({"https://example.com/=https://preview.test/?a=1"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("end both with '/' or neither") != std::string::npos);
}

TEST_CASE("RewriteRules: '=' inside FROM or TO", "[audit]") {
  RewriteRules r = rules({"https://example.com/?lang=en=https://preview.test/?lang=en&x=1"});
  CHECK(r.apply("https://example.com/?lang=en") == "https://preview.test/?lang=en&x=1");
  CHECK(r.apply("https://example.com/?lang=en&page=2") ==
        "https://preview.test/?lang=en&x=1&page=2");
}

TEST_CASE("RewriteRules rejects malformed rules with the rule and what to write", "[audit]") {
  const std::string expected =
      ": expected FROM=TO with absolute http(s) URL prefixes (e.g. "
      "https://example.com=https://preview.example.net)";
  CHECK(rules_error({"https://example.com"}) == "--rewrite 'https://example.com'" + expected);
  CHECK(rules_error({"https://example.com=/preview"}) ==
        "--rewrite 'https://example.com=/preview'" + expected);
  CHECK(rules_error({"=https://preview.test"}) == "--rewrite '=https://preview.test'" + expected);
  CHECK(rules_error({""}) == "--rewrite ''" + expected);
  CHECK(rules_error({"example.com=https://preview.test"}) ==
        "--rewrite 'example.com=https://preview.test': FROM 'example.com' is not an absolute "
        "http:// or https:// URL prefix");
  CHECK(rules_error({"ftp://example.com=https://preview.test"}) ==
        "--rewrite 'ftp://example.com=https://preview.test': FROM 'ftp://example.com' is not an "
        "absolute http:// or https:// URL prefix");
  CHECK(rules_error({"https://=https://preview.test"}) ==
        "--rewrite 'https://=https://preview.test': FROM 'https://' has no host");
  CHECK(rules_error({"https://a.test=https:///x"}) ==
        "--rewrite 'https://a.test=https:///x': TO 'https:///x' has no host");
  CHECK(rules_error({"https://a.test/x y=https://b.test"}) ==
        "--rewrite 'https://a.test/x y=https://b.test': FROM 'https://a.test/x y' contains "
        "whitespace");
  CHECK(rules_error({"https://a.test/#top=https://b.test"}) ==
        "--rewrite 'https://a.test/#top=https://b.test': FROM 'https://a.test/#top' contains '#' "
        "(fragments are never sent to servers)");
  CHECK(rules_error({"https://a.test=https://b.test", "HTTPS://A.test=https://c.test"}) ==
        "--rewrite 'HTTPS://A.test=https://c.test': FROM 'https://a.test' is already rewritten "
        "to 'https://b.test'; give each FROM once");
}

TEST_CASE("RewriteRules: unused() names the rules that matched no URL", "[audit]") {
  RewriteRules r = rules(
      {"https://example.com=https://preview.test", "https://www.example.com=https://preview.test"});
  CHECK(r.unused().size() == 2);
  r.apply("https://example.com/a");
  r.apply("https://other.test/");
  CHECK(r.unused() == std::vector<std::string>{"https://www.example.com=https://preview.test"});
  // Copies, as a plan holds, count together.
  RewriteRules copy = r;
  copy.apply("https://www.example.com/");
  CHECK(r.unused().empty());
}
