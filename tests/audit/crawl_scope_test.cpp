// crawl_scope_test.cpp — the crawl's scope: the inputs' origins, or the --scope prefixes.
#include "siteaudit/audit/crawl_scope.hpp"

#include <catch2/catch.hpp>

#include "siteaudit/audit/audit_config.hpp"

using siteaudit::audit::AuditConfig;
using siteaudit::audit::CrawlScope;

TEST_CASE("CrawlScope: by default the origins of the http(s) inputs", "[audit][crawl]") {
  AuditConfig config;
  config.inputs = {"https://Example.COM/sitemap.xml", "local.xml", "-", "http://127.0.0.1:8080/"};
  const CrawlScope scope = CrawlScope::from_config(config).value();
  CHECK(scope.prefixes() ==
        std::vector<std::string>{"https://example.com/", "http://127.0.0.1:8080/"});
  CHECK(scope.contains("https://example.com/docs/a.html"));
  CHECK(scope.contains("http://127.0.0.1:8080/x"));
  CHECK_FALSE(scope.contains("http://example.com/"));             // another scheme
  CHECK_FALSE(scope.contains("https://example.com.evil.test/"));  // a longer host
  CHECK_FALSE(scope.contains("http://127.0.0.1:8081/"));          // another port
}

TEST_CASE("CrawlScope: --scope replaces the default and may narrow or widen it", "[audit][crawl]") {
  AuditConfig config;
  config.inputs = {"https://example.com/"};
  config.scope = {"https://example.com/docs/", "https://Blog.Example.com"};
  const CrawlScope scope = CrawlScope::from_config(config).value();
  CHECK(scope.contains("https://example.com/docs/install.html"));
  CHECK_FALSE(scope.contains("https://example.com/pricing"));
  CHECK(scope.contains("https://blog.example.com/2026/post"));

  config.scope = {"not a url"};
  auto bad = CrawlScope::from_config(config);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("--scope: 'not a url'") != std::string::npos);
}

TEST_CASE("CrawlScope: an input's redirect brings its origin in, unless --scope was given",
          "[audit][crawl]") {
  AuditConfig config;
  config.inputs = {"http://example.com/"};
  CrawlScope scope = CrawlScope::from_config(config).value();
  CHECK_FALSE(scope.contains("https://www.example.com/about"));
  CHECK(scope.widen_to_origin_of("https://WWW.example.com/index.html?x=1"));
  CHECK(scope.contains("https://www.example.com/about"));
  CHECK_FALSE(scope.contains("https://example.com/about"));  // only the origin it landed on
  CHECK_FALSE(scope.widen_to_origin_of("https://www.example.com/other"));  // already in
  CHECK_FALSE(scope.widen_to_origin_of("http://example.com/x"));           // the input's own
  CHECK_FALSE(scope.widen_to_origin_of("mailto:a@example.com"));
  CHECK(scope.prefixes() ==
        std::vector<std::string>{"http://example.com/", "https://www.example.com/"});
  // At most kMaxWidened origins join: a chain of redirects cannot widen it without end.
  for (std::size_t i = 0; i < CrawlScope::kMaxWidened + 4; ++i)
    (void)scope.widen_to_origin_of("https://h" + std::to_string(i) + ".test/");
  CHECK(scope.prefixes().size() == 1 + CrawlScope::kMaxWidened);
  // A CrawlScope moved keeps what was added.
  const CrawlScope moved = std::move(scope);
  CHECK(moved.contains("https://www.example.com/"));

  // --scope is the user's word: never widened.
  config.scope = {"http://example.com/"};
  CrawlScope fixed = CrawlScope::from_config(config).value();
  CHECK_FALSE(fixed.widen_to_origin_of("https://www.example.com/"));
  CHECK_FALSE(fixed.contains("https://www.example.com/"));
}
