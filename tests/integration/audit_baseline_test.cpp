// audit_baseline_test.cpp — --baseline OLD.json against the fixture server: a known failure
// passes, a new one fails, a fixed one is listed; --strict warnings the same way; the report
// may replace its own baseline; a bad baseline is refused before any request; a merge takes
// one too; every report format shows the known failures apart from the new ones.
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/baseline_site.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

json key(const std::string& url, const std::string& kind) {
  return json{{"url", url}, {"kind", kind}};
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST_CASE("option baseline: known failures pass, new ones fail, fixed ones are listed",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/status/404?old", "/status/500?old"});
  REQUIRE(site.audit({"--json", dir / "old.json"}).code == 1);

  // The same failures again: known, and the run passes.
  AuditRun run = site.audit({"--baseline", dir / "old.json", "--json", dir / "same.json"});
  INFO(run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "same.json");
  validate_schema(dir / "same.json");
  CHECK(report["run"]["exit_code"] == 0);
  CHECK(report["summary"]["failed"] == 2);  // still reported as failed results
  CHECK(report["baseline"]["file"] == dir / "old.json");
  CHECK(report["baseline"]["known"].size() == 2);
  CHECK(report["baseline"]["new"].empty());
  CHECK(report["baseline"]["fixed"].empty());
  CHECK(run.out.find("PASSED") != std::string::npos);
  CHECK(run.out.find(
            "PASSED: 0 new failures, 2 known (in the baseline), 0 fixed since the baseline") !=
        std::string::npos);

  // One fixed, one new; a URL that fails another way is new too.
  site.list({"/status/200", "/status/404?old", "/status/404?new", "/status/200?old"});
  run = site.audit({"--baseline", dir / "old.json", "--json", dir / "next.json"});
  CHECK(run.code == 1);
  report = load_json(dir / "next.json");
  CHECK(report["baseline"]["known"] == json::array({key(site.url("/status/404?old"), "status")}));
  CHECK(report["baseline"]["new"] == json::array({key(site.url("/status/404?new"), "status")}));
  CHECK(report["baseline"]["fixed"] == json::array({key(site.url("/status/500?old"), "status")}));
  CHECK(run.out.find("FAILED") != std::string::npos);
}

TEST_CASE("option baseline with strict: known warnings pass, new ones fail",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/redirect/1"});
  REQUIRE(site.audit({"--strict", "--json", dir / "old.json"}).code == 1);
  CHECK(site.audit({"--strict", "--baseline", dir / "old.json"}).code == 0);
  site.list({"/status/200", "/redirect/1", "/headers?X-Robots-Tag=noindex"});
  AuditRun run = site.audit({"--strict", "--baseline", dir / "old.json", "--json", dir / "n.json"});
  CHECK(run.code == 1);
  const json report = load_json(dir / "n.json");
  REQUIRE(report["baseline"]["new"].size() == 1);
  CHECK(report["baseline"]["new"][0]["url"] == site.url("/headers?X-Robots-Tag=noindex"));
  // Without --strict the new warning is no failure.
  CHECK(site.audit({"--baseline", dir / "old.json"}).code == 0);
}

TEST_CASE("option baseline: the report may replace its baseline; a bad one is refused first",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/status/404"});
  REQUIRE(site.audit({"--json", dir / "base.json"}).code == 1);
  // A CI job keeps one file: read before the run, replaced at the end.
  AuditRun run = site.audit({"--baseline", dir / "base.json", "--json", dir / "base.json"});
  CHECK(run.code == 0);
  CHECK(load_json(dir / "base.json")["baseline"]["known"].size() == 1);

  const std::size_t before = requested(site.server()).size();
  write_text(dir / "broken.json", "{\"schema\": \"siteaudit.report/1\", \"tool\": 3");
  run = site.audit({"--baseline", dir / "broken.json"});
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("--baseline: '" + dir / "broken.json" + "' is not a valid siteaudit report") !=
        std::string::npos);
  CHECK(requested(site.server()).size() == before);  // refused before any request

  run = site.audit({"--baseline", dir / "absent.json"});
  CHECK(run.code == 2);
  run = site.audit({"--baseline", dir / "base.json", "--shard", "1/2"});
  CHECK(run.code == 2);
  CHECK(run.err.find("give --baseline to siteaudit merge") != std::string::npos);
}

TEST_CASE("siteaudit merge --baseline compares the merged report",
          "[integration][audit][baseline][merge]") {
  ShardSite site;
  TempDir dir;
  REQUIRE(run_siteaudit(site.args({"--json", dir / "old.json"}, false)).code == 1);
  std::vector<std::string> args = {"merge",       "--baseline",        dir / "old.json",
                                   "--json",      dir / "merged.json", "--junit",
                                   dir / "m.xml", "--markdown",        dir / "m.md"};
  for (int part = 1; part <= 3; ++part) {
    const std::string file = dir / fmt::format("part-{}.json", part);
    run_siteaudit(site.args({"--shard", fmt::format("{}/3", part), "--json", file}, false));
    args.push_back(file);
  }
  const AuditRun merged = run_siteaudit(args);
  INFO(merged.err);
  CHECK(merged.code == 0);
  const json report = load_json(dir / "merged.json");
  CHECK(report["baseline"]["known"].size() == 3);  // the 404, the 500 and the 410
  CHECK(report["baseline"]["new"].empty());
  // The merge writes what one run would: the known failures apart in every format.
  CHECK(has(merged.out, "PASSED: 0 new failures, 3 known (in the baseline)"));
  CHECK(count_of(read_text(dir / "m.xml"), "<failure ") == 0);
  CHECK(count_of(read_text(dir / "m.xml"), "<skipped type=\"known_failure\"") == 3);
  CHECK(has(read_text(dir / "m.md"), "### Known failures (3)"));
  // A part is no baseline: it would list the other parts' failures as fixed.
  const AuditRun part =
      run_siteaudit(with_common({site.index_url(), "--baseline", dir / "part-1.json"}));
  CHECK(part.code == 2);
  CHECK(part.err.find("is one part of a sharded run") != std::string::npos);
}

}  // namespace

TEST_CASE("option baseline in every report: one known failure, one new, one fixed",
          "[integration][audit][baseline][reports]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/status/404?old", "/status/500?old"});
  REQUIRE(site.audit({"--json", dir / "old.json"}).code == 1);
  // The 404 stays (known), the 500 goes (fixed), a 410 comes (new).
  site.list({"/status/200", "/status/404?old", "/status/410?new"});
  const std::string known = site.url("/status/404?old");
  const std::string fresh = site.url("/status/410?new");
  const std::string fixed = site.url("/status/500?old");
  AuditRun run = run_siteaudit_with_env(
      with_common({site.url("/sitemap.xml"), "--retries", "0", "--baseline", dir / "old.json",
                   "--json", dir / "new.json", "--junit", dir / "junit.xml", "--markdown",
                   dir / "summary.md", "--sarif", dir / "log.sarif", "--html", dir / "report.html",
                   "--annotations", "github"}),
      {});
  INFO(run.out << run.err);
  CHECK(run.code == 1);  // the 410 is new

  // Terminal: new and known apart, fixed listed, the headline counts them.
  CHECK(has(run.out, "New failures, not in the baseline (1):\n  " + fresh + "\n"));
  CHECK(has(run.out, "Known failures, in the baseline (1); they do not fail the run:\n  " + known));
  CHECK(has(run.out, "Fixed since the baseline (1):\n  " + fixed + "  (status)"));
  CHECK(
      has(run.out, "FAILED: 1 new failure, 1 known (in the baseline), 1 fixed since the baseline"));
  // Annotations: the new failure is an error; the known one is only counted.
  CHECK(count_of(run.out, "::error ") == 1);
  CHECK(has(run.out, "::error title=siteaudit status::" + fresh));
  CHECK_FALSE(has(run.out, "::error title=siteaudit status::" + known));
  CHECK(has(run.out, "::notice title=siteaudit baseline::1 known failure (in the baseline "));

  // JSON: the block, and the schema still holds.
  validate_schema(dir / "new.json");
  const json report = load_json(dir / "new.json");
  CHECK(report["baseline"]["known"] == json::array({key(known, "status")}));
  CHECK(report["baseline"]["new"] == json::array({key(fresh, "status")}));
  CHECK(report["baseline"]["fixed"] == json::array({key(fixed, "status")}));
  CHECK(result_for(report, known)["baseline"] == "known");
  CHECK(result_for(report, fresh)["baseline"] == "new");
  CHECK(result_for(report, site.url("/status/200"))["baseline"].is_null());

  // JUnit: only the new failure is a <failure>; the known one is skipped as known.
  const std::string junit = read_text(dir / "junit.xml");
  CHECK(count_of(junit, "<failure ") == 1);
  CHECK(has(junit, "<testsuites name=\"siteaudit\" tests=\"3\" failures=\"1\""));
  CHECK(count_of(junit, "<skipped type=\"known_failure\"") == 1);
  CHECK(has(junit, "fixed: " + fixed + " (status)"));
  validate_junit_schema(dir / "junit.xml");

  // Markdown: the counts, a table of new failures, one of known ones, the fixed list.
  const std::string md = read_text(dir / "summary.md");
  CHECK(has(md,
            "| **new** (fail the run) | **1** |\n| known (in the baseline) | 1 |\n"
            "| fixed since the baseline | 1 |"));
  const std::size_t new_table = md.find("### New failures (1)");
  const std::size_t known_table = md.find("### Known failures (1)");
  const std::size_t fixed_table = md.find("### Fixed since the baseline (1)");
  REQUIRE(new_table != std::string::npos);
  REQUIRE(known_table != std::string::npos);
  REQUIRE(fixed_table != std::string::npos);
  CHECK(md.find("`" + fresh + "`") > new_table);
  CHECK(md.find("`" + fresh + "`") < known_table);
  CHECK(md.find("`" + known + "`") > known_table);
  CHECK(md.find("`" + fixed + "`") > fixed_table);

  // SARIF: baselineState new, unchanged and absent.
  const json sarif = load_json(dir / "log.sarif");
  std::map<std::string, std::string> states;
  for (const json& r : sarif["runs"][0]["results"]) {
    const std::string about = r["message"]["text"];
    states[about.substr(0, about.find(": "))] =
        r["baselineState"].get<std::string>() + " " + r["level"].get<std::string>();
  }
  CHECK(states[fresh] == "new error");
  CHECK(states[known] == "unchanged warning");
  CHECK(states[fixed] == "absent none");

  // HTML: rows marked, the fixed failure in the page's data.
  const std::string html = read_text(dir / "report.html");
  CHECK(has(html, "\"baseline\":{\"file\":"));
  CHECK(has(html, "[\"" + fixed + "\",\"status\"]"));
}

TEST_CASE("option baseline with crawl findings: a known broken link keeps its referrers",
          "[integration][audit][baseline][crawl]") {
  FixtureServer other("fixtures/crawl/other");
  FixtureServer site("fixtures/crawl/site", {"--var", "OTHER=" + other.base()});
  TempDir dir;
  AuditRun first =
      run_siteaudit(with_common({"--crawl", site.url("/"), "--json", dir / "old.json"}));
  REQUIRE(first.code == 1);
  const json old = load_json(dir / "old.json");
  AuditRun again =
      run_siteaudit(with_common({"--crawl", site.url("/"), "--baseline", dir / "old.json",
                                 "--markdown", dir / "summary.md", "--junit", dir / "junit.xml"}));
  INFO(again.out << again.err);
  CHECK(again.code == 0);  // the same broken links: all known
  CHECK(has(again.out, "PASSED: 0 new failures"));
  CHECK_FALSE(has(again.out, "New failures"));
  CHECK(has(again.out, "Known failures, in the baseline"));
  CHECK(has(again.out, "linked from"));  // a known broken link still says where it is linked
  const std::string md = read_text(dir / "summary.md");
  CHECK(has(md, "### Known failures"));
  CHECK(has(md, "| Linked from |"));
  CHECK_FALSE(has(md, "### New failures"));
  const std::string junit = read_text(dir / "junit.xml");
  CHECK(count_of(junit, "<failure ") == 0);
  CHECK(has(junit, "linked from "));
  validate_junit_schema(dir / "junit.xml");
}
