// Tests for audit_plan.cpp: a configuration is checked once, before anything runs.
#include "audit/audit_plan.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace siteaudit::audit;

namespace {

AuditConfig minimal() {
  AuditConfig config;
  config.inputs = {"https://example.com/sitemap.xml"};
  return config;
}

}  // namespace

TEST_CASE("make_plan compiles a valid configuration", "[audit]") {
  AuditConfig config = minimal();
  config.include = {"/blog/"};
  config.headers = {"Authorization: Bearer x"};
  ParseResult<AuditPlan> plan = make_plan(config);
  REQUIRE(plan.ok());
  CHECK(plan.value().threads >= 1);
  CHECK(plan.value().trusted.contains("https://example.com/a"));
}

TEST_CASE("make_plan refuses control characters in every value that goes on the wire", "[audit]") {
  AuditConfig agent = minimal();
  agent.user_agent = "siteaudit\r\nX-Injected: 1";
  ParseResult<AuditPlan> refused = make_plan(agent);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() ==
        "--user-agent: 'siteaudit\\x0D\\x0AX-Injected: 1' holds the control character \\x0D");

  AuditConfig header = minimal();
  header.headers = {std::string("X-A: a\0b", 8)};
  CHECK_FALSE(make_plan(header).ok());

  AuditConfig rewrite = minimal();
  rewrite.rewrite = {"https://example.com=https://preview\x7f.example.net"};
  ParseResult<AuditPlan> bad_rewrite = make_plan(rewrite);
  REQUIRE_FALSE(bad_rewrite.ok());
  CHECK(bad_rewrite.error().rfind("--rewrite: ", 0) == 0);

  AuditConfig input = minimal();
  input.inputs = {"https://example.com/\tsitemap.xml"};
  CHECK_FALSE(make_plan(input).ok());
}

TEST_CASE("make_plan names the option of the first problem", "[audit]") {
  AuditConfig none;
  CHECK(make_plan(none).error() == "INPUT: no sitemap, robots.txt, site or file given");
  AuditConfig method = minimal();
  method.method = "post";
  CHECK(make_plan(method).error() == "--method: 'post' is not head or get");
}

TEST_CASE("make_plan cuts a crawl's shards by host and refuses --shard-by url", "[audit][shard]") {
  AuditConfig crawl = minimal();
  crawl.crawl = true;
  crawl.shard = "1/2";
  ParseResult<AuditPlan> plan = make_plan(crawl);
  REQUIRE(plan.ok());
  CHECK(plan.value().shard.by == ShardBy::host);  // one input host: url without --crawl
  crawl.shard_by = "url";
  ParseResult<AuditPlan> refused = make_plan(crawl);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().starts_with("--shard-by url: a crawl is split by host only"));

  AuditConfig sitemap = minimal();
  sitemap.shard = "1/2";
  REQUIRE(make_plan(sitemap).ok());
  CHECK(make_plan(sitemap).value().shard.by == ShardBy::url);
  sitemap.baseline = "old.json";
  CHECK(make_plan(sitemap).error().starts_with("--baseline: a part of a sharded run"));
}
