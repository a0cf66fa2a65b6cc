// sarif_writer_test.cpp — the SARIF log: one rule per table row with help, results located in
// the sitemaps with stable fingerprints, levels under --strict, and the OASIS schema.
#include "siteaudit/report/sarif_writer.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "report/sample_report.hpp"
#include "support/shared_dir.hpp"

namespace {

using namespace siteaudit;
using nlohmann::json;

// kValidateSarif exits 0 when argv[1] is valid under the draft-04 schema argv[2], else prints
// the first violation in one line and exits 3.
constexpr const char* kValidateSarif =
    "import json,jsonschema,sys\n"
    "try:\n"
    "  "
    "jsonschema.Draft4Validator(json.load(open(sys.argv[2]))).validate(json.load(open(sys.argv[1]))"
    ")\n"
    "except jsonschema.ValidationError as e:\n"
    "  print('sarif schema:', e.message, 'at', list(e.absolute_path)); sys.exit(3)\n";

json to_sarif(const model::Report& report) {
  std::ostringstream out;
  report::write_sarif(report, out);
  return json::parse(out.str());
}

// results_of() is every result whose ruleId is `rule`.
std::vector<json> results_of(const json& sarif, const std::string& rule) {
  std::vector<json> found;
  for (const json& r : sarif["runs"][0]["results"]) {
    if (r["ruleId"] == rule) found.push_back(r);
  }
  return found;
}

std::string uri_of(const json& result) {
  return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
}

int line_of(const json& result) {
  return result["locations"][0]["physicalLocation"]["region"]["startLine"];
}

}  // namespace

TEST_CASE("sarif has one rule per failure kind and finding code, each with help", "[report]") {
  const json sarif = to_sarif(test::sample_report());
  CHECK(sarif["version"] == "2.1.0");
  const json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  std::set<std::string> ids;
  for (const json& rule : rules) {
    INFO(rule.dump());
    CHECK(ids.insert(rule["id"].get<std::string>()).second);
    CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
    CHECK(!rule["help"]["text"].get<std::string>().empty());
    CHECK(!rule["help"]["markdown"].get<std::string>().empty());
  }
  // Every row of the model's tables is a rule, so a new code is one without a change here.
  for (const model::FindingCodeName& row : model::finding_code_names()) {
    CHECK(ids.count(std::string("finding/") + row.name) == 1);
  }
  for (const model::ErrorKindName& row : model::error_kind_names()) {
    const bool reported =
        row.kind != model::ErrorKind::none && row.kind != model::ErrorKind::finding;
    CHECK(ids.count(std::string("error/") + row.name) == (reported ? 1u : 0u));
  }
  CHECK(ids.count("source/unreadable") == 1);
  CHECK(ids.size() ==
        model::finding_code_names().size() + model::error_kind_names().size() - 2 + 1);
  // The words are specific, not the fallback, for the codes of today.
  for (const json& rule : rules) {
    INFO(rule["id"]);
    CHECK(rule["shortDescription"]["text"].get<std::string>().rfind("siteaudit reports", 0) ==
          std::string::npos);
  }
}

TEST_CASE("sarif results are located in the sitemap and line and refer to their rule", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, false);
  const json sarif = to_sarif(report);
  const json& run = sarif["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  for (const json& r : run["results"]) {
    INFO(r.dump());
    CHECK(rules[r["ruleIndex"].get<std::size_t>()]["id"] == r["ruleId"]);
    CHECK(r["partialFingerprints"][report::kSarifFingerprintKey].get<std::string>().size() == 16);
  }
  // The 404 (sample line 9) and the hostile 500 (line 20) fail by status; the timeout by its
  // kind.
  auto status = results_of(sarif, "error/status");
  REQUIRE(status.size() == 2);
  CHECK(status[0]["level"] == "error");
  CHECK(uri_of(status[0]) == "https://example.com/pages.xml");
  CHECK(line_of(status[0]) == 9);
  CHECK(status[0]["properties"]["status"] == 404);
  CHECK(status[0]["message"]["text"].get<std::string>().find("404 Not Found") != std::string::npos);
  auto timeout = results_of(sarif, "error/timeout");
  REQUIRE(timeout.size() == 1);
  CHECK(line_of(timeout[0]) == 12);
  CHECK(timeout[0]["properties"]["status"].is_null());
  // Skipped and cancelled URLs and passing ones without findings are not results.
  CHECK(results_of(sarif, "error/excluded").empty());
  CHECK(results_of(sarif, "error/cancelled").empty());
  // The redirected page's finding is a warning at its line; the source's lint warning at its.
  auto redirected = results_of(sarif, "finding/redirected_url");
  REQUIRE(redirected.size() == 1);
  CHECK(redirected[0]["level"] == "warning");
  CHECK(line_of(redirected[0]) == 6);
  auto lastmod = results_of(sarif, "finding/invalid_lastmod");
  REQUIRE(lastmod.size() == 1);
  CHECK(lastmod[0]["level"] == "warning");
  CHECK(line_of(lastmod[0]) == 7);
  // The unreadable sitemap, the missing routes (in the routes file) and the unexpected URL
  // (where its sitemap listed it).
  auto unreadable = results_of(sarif, "source/unreadable");
  REQUIRE(unreadable.size() == 1);
  CHECK(uri_of(unreadable[0]) == "https://example.com/broken.xml");
  auto missing = results_of(sarif, "finding/missing_route");
  REQUIRE(missing.size() == 2);
  CHECK(missing[0]["level"] == "error");
  CHECK(uri_of(missing[0]) == "routes.txt");
  auto unexpected = results_of(sarif, "finding/unexpected_url");
  REQUIRE(unexpected.size() == 1);
  CHECK(unexpected[0]["level"] == "warning");
  CHECK(line_of(unexpected[0]) == 15);
  CHECK(run["results"].size() == 2 + 1 + 1 + 1 + 1 + 2 + 1);
  CHECK(run["properties"]["summary"]["failed"] == 3);
  CHECK(run["invocations"][0]["exitCode"] == 1);
  CHECK(run["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("sarif levels count what --strict fails", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, true);
  const json sarif = to_sarif(report);
  for (const char* rule : {"finding/redirected_url", "finding/invalid_lastmod",
                           "finding/unexpected_url", "error/status"}) {
    INFO(rule);
    for (const json& r : results_of(sarif, rule)) CHECK(r["level"] == "error");
  }
}

TEST_CASE("sarif fingerprints follow the URL, not the line, and tell results apart", "[report]") {
  model::Report report = test::sample_report();
  const json before = to_sarif(report);
  for (model::Result& r : report.results.memory()) r.line += 40;
  report.sources[1].warnings[0].line += 40;
  const json after = to_sarif(report);
  std::set<std::string> seen;
  REQUIRE(before["runs"][0]["results"].size() == after["runs"][0]["results"].size());
  for (std::size_t i = 0; i < before["runs"][0]["results"].size(); ++i) {
    const json& a = before["runs"][0]["results"][i];
    const json& b = after["runs"][0]["results"][i];
    INFO(a.dump());
    CHECK(a["partialFingerprints"] == b["partialFingerprints"]);
    CHECK(seen.insert(a["partialFingerprints"][report::kSarifFingerprintKey]).second);
  }
}

TEST_CASE("sarif locates local sitemaps as paths and file URIs", "[report]") {
  model::Report report;
  report.tool.version = "1.0";
  model::Source relative;
  relative.url = "public/site map.xml";
  relative.error = "public/site map.xml:2:1: expected <urlset>";
  model::Source absolute;
  absolute.url = "/srv/www/sitemap.xml";
  absolute.error = "/srv/www/sitemap.xml:1:1: expected <urlset>";
  report.sources = {relative, absolute};
  report.summary = model::summarize(report);
  const json sarif = to_sarif(report);
  auto unreadable = results_of(sarif, "source/unreadable");
  REQUIRE(unreadable.size() == 2);
  CHECK(uri_of(unreadable[0]) == "public/site%20map.xml");
  CHECK(uri_of(unreadable[1]) == "file:///srv/www/sitemap.xml");
}

TEST_CASE("sarif of a run without results is a valid log", "[report]") {
  model::Report report;
  report.tool.version = "1.0";
  report.summary = model::summarize(report);
  const json sarif = to_sarif(report);
  CHECK(sarif["runs"][0]["results"].empty());
}

TEST_CASE("sarif validates against the OASIS SARIF 2.1.0 schema", "[report]") {
  const std::string schema = testing::shared_file("schemas/sarif-schema-2.1.0.json");
  if (schema.empty()) {
    WARN(
        "SKIPPED: ../shared/schemas/sarif-schema-2.1.0.json is absent (not a project checkout; "
        "set SITEAUDIT_SHARED_DIR)");
    return;
  }
  test::TempFile file(".sarif");
  std::ostringstream out;
  report::write_sarif(test::sample_report(), out);
  file.write(out.str());
  CHECK(test::run_python(kValidateSarif, file.path().string(), schema) == 0);
  // With a baseline: baselineState on results, and results for the fixed failures.
  out.str("");
  report::write_sarif(test::baseline_report(), out);
  file.write(out.str());
  CHECK(test::run_python(kValidateSarif, file.path().string(), schema) == 0);
  // The schema is strict enough to catch a broken log (a run without its tool).
  file.write(R"({"version": "2.1.0", "runs": [{"results": []}]})");
  CHECK(test::run_python(kValidateSarif, file.path().string(), schema) == 3);
}

TEST_CASE("sarif with a baseline marks results new, unchanged and absent", "[report][baseline]") {
  const json sarif = to_sarif(test::baseline_report());
  std::map<std::string, json> by_message;
  for (const json& r : sarif["runs"][0]["results"]) by_message[r["message"]["text"]] = r;
  // The known 404 is unchanged and does not fail the run.
  const std::vector<json> status = results_of(sarif, "error/status");
  REQUIRE(status.size() == 3);  // and the fixed one, last
  CHECK(status[0]["baselineState"] == "unchanged");
  CHECK(status[0]["level"] == "warning");
  CHECK(status[1]["baselineState"] == "new");  // the 500
  CHECK(status[1]["level"] == "error");
  CHECK(status[2]["baselineState"] == "absent");
  CHECK(results_of(sarif, "error/timeout")[0]["baselineState"] == "new");
  CHECK(results_of(sarif, "source/unreadable")[0]["baselineState"] == "unchanged");
  const std::vector<json> routes = results_of(sarif, "finding/missing_route");
  REQUIRE(routes.size() == 2);
  CHECK(routes[0]["baselineState"] == "new");        // /blog/**
  CHECK(routes[1]["baselineState"] == "unchanged");  // /about
  // A warning that does not fail the run is not compared.
  CHECK(results_of(sarif, "finding/invalid_lastmod")[0].count("baselineState") == 0);
  // The fixed failure is an absent result, a pass, with the fingerprint it had.
  const json& gone = by_message["https://example.com/gone: status is fixed since the baseline"];
  CHECK(gone["baselineState"] == "absent");
  CHECK(gone["kind"] == "pass");
  CHECK(gone["level"] == "none");
  CHECK(gone["ruleId"] == "error/status");
  CHECK(uri_of(gone) == "https://example.com/gone");
  model::Report had = test::sample_report();
  had.results[2].url = had.url_text.store("https://example.com/gone");
  CHECK(results_of(to_sarif(had), "error/status")[0]["partialFingerprints"] ==
        gone["partialFingerprints"]);
  const json& counts = sarif["runs"][0]["properties"]["baseline"];
  CHECK(counts == json{{"file", "old.json"}, {"new", 4}, {"known", 3}, {"fixed", 1}});
  CHECK(to_sarif(test::sample_report())["runs"][0]["properties"]["baseline"].is_null());
}
