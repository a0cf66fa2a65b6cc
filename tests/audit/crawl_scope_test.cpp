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
