// audit_sarif_test.cpp — --sarif: the log of a real run passes Microsoft's SARIF validator
// (@microsoft/sarif-multitool, installed by scripts/setup --test-tools) and the OASIS schema
// (../shared/schemas/), holds each failure located at its sitemap's URL or path and line, and
// goes to standard output with -.
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/baseline_site.hpp"
#include "support/shared_dir.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::source_path;

FixtureServer& fixture_server() {
  static FixtureServer server("fixtures/audit");
  return server;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// multitool_errors() runs `sarif-multitool validate` on `sarif` and returns the problems of
// level error in its output log (its exit status is 0 even then). It returns nothing and
// says SKIPPED when the tool is not installed, except under CI, where that fails.
std::vector<std::string> multitool_errors(const std::string& sarif) {
  const std::string tool = source_path(".cache/npm/node_modules/.bin/sarif-multitool");
  if (!fs::exists(tool)) {
    const char* ci = std::getenv("CI");
    INFO("the SARIF validator is missing: run scripts/setup --test-tools");
    if (ci != nullptr && std::string(ci) == "true") FAIL("sarif-multitool is not installed");
    WARN("SKIPPED: Microsoft's SARIF validator is not installed (scripts/setup --test-tools)");
    return {};
  }
  TempDir dir;
  const std::string log = dir / "validation.sarif";
  const std::string command = "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 " + quote(tool) +
                              " validate " + quote(sarif) + " --output " + quote(log) + " >" +
                              quote(dir / "stdout") + " 2>&1";
  const int rc = std::system(command.c_str());
  INFO("sarif-multitool: " << read_text(dir / "stdout"));
  REQUIRE(rc == 0);
  REQUIRE(fs::exists(log));
  const json validation = load_json(log);
  std::vector<std::string> errors;
  for (const json& run : validation["runs"]) {
    const json& rules = run["tool"]["driver"]["rules"];
    for (const json& result : run.value("results", json::array())) {
      // A result's level is its own, else its rule's default, else warning (SARIF 3.27.10).
      std::string level = result.value("level", "");
      if (level.empty() && result.contains("ruleIndex")) {
        level = rules[result["ruleIndex"].get<std::size_t>()]
                    .value("defaultConfiguration", json::object())
                    .value("level", "warning");
      }
      if (level == "error") errors.push_back(result.dump());
    }
    for (const json& invocation : run.value("invocations", json::array())) {
      for (const json& n : invocation.value("toolExecutionNotifications", json::array())) {
        if (n.value("level", "") == "error") errors.push_back(n.dump());
      }
    }
  }
  return errors;
}

// check_oasis_schema() validates `sarif` against the OASIS schema in ../shared, or says it
// was skipped when that folder is absent.
void check_oasis_schema(const std::string& sarif) {
  const std::string schema = siteaudit::testing::shared_file("schemas/sarif-schema-2.1.0.json");
  if (schema.empty()) {
    WARN(
        "SKIPPED: ../shared/schemas/sarif-schema-2.1.0.json is absent (not a project "
        "checkout; set SITEAUDIT_SHARED_DIR)");
    return;
  }
  TempDir dir;
  const std::string command =
      "python3 -c 'import json,sys,jsonschema; "
      "jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2]"
      ")))' " +
      quote(schema) + " " + quote(sarif) + " >" + quote(dir / "log") + " 2>&1";
  const int rc = std::system(command.c_str());
  INFO(read_text(dir / "log"));
  CHECK(rc == 0);
}

// check_valid_sarif() requires `sarif` to pass Microsoft's validator and the OASIS schema.
void check_valid_sarif(const std::string& sarif) {
  for (const std::string& error : multitool_errors(sarif)) FAIL_CHECK("sarif-multitool: " << error);
  check_oasis_schema(sarif);
}

std::string uri_of(const json& result) {
  return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
}

}  // namespace

TEST_CASE("option sarif writes a log that Microsoft's validator and the OASIS schema accept",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run = run_siteaudit(with_common(
      {server.url("/outcomes.xml"), "--exclude", "/private/", "--max-time", "2s", "--timeout",
       "30s", "--retries", "0", "--sarif", dir / "log.sarif", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  check_valid_sarif(dir / "log.sarif");

  const json sarif = load_json(dir / "log.sarif");
  const json report = load_json(dir / "report.json");
  const json& sarif_run = sarif["runs"][0];
  CHECK(sarif_run["tool"]["driver"]["name"] == "siteaudit");
  CHECK(sarif_run["invocations"][0]["exitCode"] == 1);
  // Each failed URL is an error at the sitemap's URL and the line that listed it.
  std::map<std::string, json> errors;
  for (const json& r : sarif_run["results"]) {
    if (r["level"] == "error" && r.contains("properties")) errors[r["properties"]["url"]] = r;
  }
  int failed = 0;
  for (const json& result : report["results"]) {
    if (result["outcome"] != "failed") continue;
    ++failed;
    const std::string url = result["url"];
    INFO(url);
    REQUIRE(errors.count(url) == 1);
    const json& r = errors[url];
    CHECK(uri_of(r) == server.url("/outcomes.xml"));
    CHECK(r["locations"][0]["physicalLocation"]["region"]["startLine"] == result["line"]);
    CHECK(r["ruleId"] == "error/" + result["error_kind"].get<std::string>());
  }
  CHECK(failed > 0);
  CHECK(sarif_run["properties"]["summary"] == report["summary"]);
  // The noindex page is a warning (not --strict).
  bool noindex = false;
  for (const json& r : sarif_run["results"]) {
    if (r["ruleId"] == "finding/noindex") noindex = r["level"] == "warning";
  }
  CHECK(noindex);
}

TEST_CASE("option sarif locates a local sitemap by its path, and - writes to standard output",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  fs::create_directories(dir.path() / "public");
  write_text(dir.path() / "public/sitemap.xml",
             urlset({server.url("/status/200"), server.url("/status/404")}));
  AuditProcess process(with_common({"public/sitemap.xml", "--sarif", "-"}), {}, dir.path());
  AuditRun run = process.wait();
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  const json sarif = json::parse(run.out);  // the summary went to standard error
  CHECK(run.err.find("FAILED") != std::string::npos);
  const json& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["ruleId"] == "error/status");
  CHECK(uri_of(results[0]) == "public/sitemap.xml");
  // urlset() puts each <url> on a line of its own after the two opening lines.
  CHECK(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4);
  write_text(dir / "log.sarif", run.out);
  check_valid_sarif(dir / "log.sarif");
}

TEST_CASE("option sarif in crawl mode locates a broken link at the pages that link to it",
          "[integration][audit][reports][crawl]") {
  FixtureServer other("fixtures/crawl/other");
  FixtureServer site("fixtures/crawl/site", {"--var", "OTHER=" + other.base()});
  TempDir dir;
  AuditRun run = run_siteaudit(with_common(
      {"--crawl", site.url("/"), "--sarif", dir / "log.sarif", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  check_valid_sarif(dir / "log.sarif");
  const json sarif = load_json(dir / "log.sarif");
  const json report = load_json(dir / "report.json");
  const json missing = result_for(report, site.url("/missing.html"));
  REQUIRE(missing["referrers"].size() == 2);
  bool found = false;
  for (const json& r : sarif["runs"][0]["results"]) {
    if (!r.contains("properties") || r["properties"]["url"] != site.url("/missing.html")) continue;
    if (r["ruleId"] != "error/status") continue;
    found = true;
    // No sitemap listed it: the first page that links to it is its place, and every such page
    // is a related location at the link's line.
    const json& first = missing["referrers"][0];
    CHECK(uri_of(r) == first["page"]);
    CHECK(r["locations"][0]["physicalLocation"]["region"]["startLine"] == first["line"]);
    REQUIRE(r["relatedLocations"].size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      const json& related = r["relatedLocations"][i]["physicalLocation"];
      CHECK(related["artifactLocation"]["uri"] == missing["referrers"][i]["page"]);
      CHECK(related["region"]["startLine"] == missing["referrers"][i]["line"]);
    }
    CHECK(r["message"]["text"].get<std::string>().find("(linked from 2 pages)") !=
          std::string::npos);
  }
  CHECK(found);
  // The crawl's own finding codes are rules with their words.
  std::set<std::string> rules;
  for (const json& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) rules.insert(rule["id"]);
  CHECK(rules.count("finding/orphan") == 1);
  CHECK(rules.count("finding/missing_from_sitemap") == 1);
}

TEST_CASE("option sarif with a baseline: new, unchanged and absent results pass the validator",
          "[integration][audit][reports][baseline]") {
  TempDir dir;
  BaselineSite site;
  site.list({"/status/200", "/status/404?old", "/status/500?old"});
  REQUIRE(site.audit({"--json", dir / "old.json"}).code == 1);
  site.list({"/status/200", "/status/404?old", "/status/410?new"});
  AuditRun run = site.audit({"--baseline", dir / "old.json", "--sarif", dir / "log.sarif"});
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  check_valid_sarif(dir / "log.sarif");
  std::map<std::string, int> states;
  const json sarif = load_json(dir / "log.sarif");
  for (const json& r : sarif["runs"][0]["results"]) {
    ++states[r.value("baselineState", "")];
  }
  CHECK(states == std::map<std::string, int>{{"new", 1}, {"unchanged", 1}, {"absent", 1}});
}
