// audit_routes_test.cpp — the expected-routes check (--expect FILE) against a small static site
// (fixtures/audit/site/): `*` and `**` globs, trailing slashes and index.html normalised,
// missing routes fail the run, unexpected sitemap URLs warn (and fail with --strict), and a
// bad routes file is an input error naming its line.
#include <algorithm>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::source_path;

FixtureServer& site_server() {
  static FixtureServer server("fixtures/audit/site");
  return server;
}

std::vector<std::string> strings(const json& list) {
  std::vector<std::string> out;
  for (const json& item : list) out.push_back(item.get<std::string>());
  return out;
}

// The pages fixtures/audit/site/sitemap.xml lists.
std::vector<std::string> site_pages(const FixtureServer& server) {
  return {server.url("/"),
          server.url("/about/"),
          server.url("/blog/hello.html"),
          server.url("/blog/world.html"),
          server.url("/docs/index.html"),
          server.url("/docs/api/v1/index.html"),
          server.url("/legacy/old.html")};
}

TEST_CASE("option expect with globs fails a missing route and warns of an unexpected URL",
          "[integration][audit][routes]") {
  FixtureServer& server = site_server();
  TempDir dir;
  const std::string routes = source_path("fixtures/audit/routes.txt");
  AuditRun run = run_siteaudit(
      with_common({server.url("/sitemap.xml"), "--expect", routes, "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);  // /contact is missing
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, site_pages(server));
  CHECK(report["summary"]["ok"] == 7);  // every page itself is fine

  const json& checked = report["routes"];
  CHECK(checked["enabled"] == true);
  CHECK(checked["file"] == routes);
  CHECK(strings(checked["expected"]) ==
        std::vector<std::string>{"/", "/about", "/blog/*.html", "/docs/**", "/contact"});
  // `/`, `/about` (for /about/), `/blog/*.html` (both posts) and `/docs/**` (/docs/index.html
  // and /docs/api/v1/index.html) all matched; only /contact is missing.
  CHECK(strings(checked["missing"]) == std::vector<std::string>{"/contact"});
  CHECK(strings(checked["unexpected"]) == std::vector<std::string>{server.url("/legacy/old.html")});
}

TEST_CASE("option expect passes with unexpected URLs alone and fails them with strict",
          "[integration][audit][routes]") {
  FixtureServer& server = site_server();
  TempDir dir;
  // The fixture's routes without /contact: nothing is missing, /legacy/old.html is unexpected.
  std::string text = read_text(source_path("fixtures/audit/routes.txt"));
  text = replace_all(text, "/contact", "# /contact");
  write_text(dir / "routes.txt", text);

  AuditRun run = run_siteaudit(with_common(
      {server.url("/sitemap.xml"), "--expect", dir / "routes.txt", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  CHECK(report["routes"]["missing"].empty());
  CHECK(report["routes"]["unexpected"].size() == 1);

  run = run_siteaudit(with_common({server.url("/sitemap.xml"), "--expect", dir / "routes.txt",
                                   "--strict", "--json", dir / "report.json"}));
  CHECK(run.code == 1);
  report = load_json(dir / "report.json");
  CHECK(report["run"]["exit_code"] == 1);
}

TEST_CASE("option expect globs with one star stay within one segment",
          "[integration][audit][routes]") {
  FixtureServer& server = site_server();
  TempDir dir;
  write_text(dir / "routes.txt",
             "/\n"
             "/about/index.html   # the same route as /about and /about/\n"
             "/blog/*\n"
             "/docs\n"
             "/docs/*             # /docs/api/v1/ is two segments deeper: matches nothing\n"
             "/legacy/**\n");
  AuditRun run = run_siteaudit(with_common(
      {server.url("/sitemap.xml"), "--expect", dir / "routes.txt", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  json report = load_json(dir / "report.json");
  CHECK(strings(report["routes"]["unexpected"]) ==
        std::vector<std::string>{server.url("/docs/api/v1/index.html")});
  CHECK(strings(report["routes"]["missing"]) == std::vector<std::string>{"/docs/*"});
  CHECK(run.code == 1);
}

TEST_CASE("a bad routes file exits 2 naming the file and line", "[integration][audit][routes]") {
  FixtureServer server("fixtures/audit/site");  // fresh: its /log must hold this test alone
  const std::string routes = source_path("fixtures/audit/bad-routes.txt");
  AuditRun run = run_siteaudit(with_common({server.url("/sitemap.xml"), "--expect", routes}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find(routes + ":2:") != std::string::npos);
  // Checked before the first request: not even the sitemap was fetched.
  CHECK(server.logged("/sitemap.xml") == 0);
}

}  // namespace
