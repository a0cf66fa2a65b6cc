// junit_writer_test.cpp — JUnit XML: well-formed, one suite per sitemap, the right counts.
#include "siteaudit/report/junit_writer.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "report/sample_report.hpp"
#include "support/shared_dir.hpp"

namespace {

using namespace siteaudit;
using nlohmann::json;

// kDigest parses the XML with Python's minidom (a conforming, non-lenient parser: it rejects
// control characters, bad UTF-8 and unescaped markup) and writes its structure as JSON.
constexpr const char* kDigest = R"(
import json, sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
root = doc.documentElement
def attrs(e): return {k: v for k, v in e.attributes.items()}
def text(e): return ''.join(n.data for n in e.childNodes if n.nodeType == n.TEXT_NODE)
out = {'root': root.tagName, 'attrs': attrs(root), 'suites': []}
for s in root.getElementsByTagName('testsuite'):
    suite = {'attrs': attrs(s), 'cases': [], 'system_out': ''}
    for c in s.childNodes:
        if c.nodeType != c.ELEMENT_NODE: continue
        if c.tagName == 'system-out': suite['system_out'] = text(c); continue
        case = {'attrs': attrs(c), 'failure': None, 'failure_type': None, 'failure_text': None,
                'skipped': None, 'system_out': None}
        for k in c.childNodes:
            if k.nodeType != k.ELEMENT_NODE: continue
            if k.tagName == 'failure':
                case['failure'] = k.getAttribute('message')
                case['failure_type'] = k.getAttribute('type')
                case['failure_text'] = text(k)
            if k.tagName == 'skipped':
                case['skipped'] = k.getAttribute('message')
                case['skipped_type'] = k.getAttribute('type')
            if k.tagName == 'system-out': case['system_out'] = text(k)
        suite['cases'].append(case)
    out['suites'].append(suite)
json.dump(out, open(sys.argv[2], 'w'))
)";

// digest() writes the report as JUnit, parses it with minidom and returns its structure.
json digest(const model::Report& report) {
  std::ostringstream xml;
  report::write_junit(report, xml);
  test::TempFile in(".xml");
  test::TempFile out(".json");
  in.write(xml.str());
  REQUIRE(test::run_python(kDigest, in.path().string(), out.path().string()) == 0);
  std::ifstream digest_file(out.path());
  return json::parse(digest_file);
}

// check_suite_counts() checks that each suite's counts agree with its testcases.
void check_suite_counts(const json& suites) {
  for (const json& s : suites) {
    std::size_t failures = 0, skipped = 0;
    for (const json& c : s["cases"]) {
      failures += c["failure"].is_null() ? 0 : 1;
      skipped += c["skipped"].is_null() ? 0 : 1;
    }
    CHECK(s["attrs"]["tests"] == std::to_string(s["cases"].size()));
    CHECK(s["attrs"]["failures"] == std::to_string(failures));
    CHECK(s["attrs"]["skipped"] == std::to_string(skipped));
  }
}

}  // namespace

TEST_CASE("junit report parses and has one suite per sitemap plus routes", "[report]") {
  const json d = digest(test::sample_report());
  CHECK(d["root"] == "testsuites");
  // 6 + 2 URLs, 1 unloadable sitemap, 4 expected routes; the index lists no pages.
  CHECK(d["attrs"]["tests"] == "13");
  CHECK(d["attrs"]["failures"] == "6");
  CHECK(d["attrs"].count("skipped") == 0);  // the Jenkins schema allows it on suites only
  CHECK(d["attrs"]["errors"] == "0");
  CHECK(d["attrs"]["time"] == "3.210");

  const json& suites = d["suites"];
  REQUIRE(suites.size() == 4);
  CHECK(suites[0]["attrs"]["name"] == "https://example.com/pages.xml");
  CHECK(suites[0]["attrs"]["tests"] == "6");
  CHECK(suites[0]["attrs"]["failures"] == "3");
  CHECK(suites[0]["attrs"]["timestamp"] == "2024-05-01T12:00:00Z");
  CHECK(suites[1]["attrs"]["name"] == "https://example.com/posts.xml.gz");
  CHECK(suites[1]["attrs"]["skipped"] == "2");
  CHECK(suites[2]["attrs"]["name"] == "https://example.com/broken.xml");
  CHECK(suites[3]["attrs"]["name"] == "routes (routes.txt)");

  // Each suite's counts agree with its testcases.
  check_suite_counts(suites);
}

TEST_CASE("junit testcases carry the reason of each outcome", "[report]") {
  const json d = digest(test::sample_report());
  const json& pages = d["suites"][0]["cases"];
  REQUIRE(pages.size() == 6);

  CHECK(pages[0]["attrs"]["name"] == "https://example.com/");
  // Readable and stable, without the dots CI tools split a classname at.
  CHECK(pages[0]["attrs"]["classname"] == "example_com/pages_xml");
  CHECK(pages[0]["attrs"]["time"] == "0.040");
  CHECK(pages[0]["failure"].is_null());

  // ok with a finding: passes, the warning is in its output.
  CHECK(pages[1]["failure"].is_null());
  CHECK(pages[1]["system_out"].get<std::string>().find("redirected_url") != std::string::npos);

  // Markup and quotes in the URL survive escaping.
  CHECK(pages[2]["attrs"]["name"] == "https://example.com/a&b<c>\"q\"");
  CHECK(pages[2]["failure"] == "404 Not Found");
  CHECK(pages[2]["failure_type"] == "status");
  const std::string details = pages[2]["failure_text"];
  CHECK(details.find("sitemap: https://example.com/pages.xml:9") != std::string::npos);

  CHECK(pages[3]["failure"] == "timeout: no response after 10000 ms");
  CHECK(pages[3]["failure_type"] == "timeout");

  // Control characters and invalid UTF-8 become U+FFFD; the newline survives in the attribute.
  CHECK(pages[5]["attrs"]["name"] ==
        "https://example.com/\xEF\xBF\xBD[31mred\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|`x`");
  CHECK(pages[5]["failure"] ==
        "500 Internal Server Error: server said \"<boom>\"\n\xEF\xBF\xBD]0;title\xEF\xBF\xBD");

  const json& posts = d["suites"][1]["cases"];
  CHECK(posts[0]["skipped"] == "excluded by --exclude /admin");
  CHECK(posts[1]["skipped"] == "cancelled before it was checked");

  const json& broken = d["suites"][2]["cases"];
  REQUIRE(broken.size() == 1);
  CHECK(broken[0]["failure"] == "sitemap could not be loaded");
  CHECK(broken[0]["failure_text"] ==
        "https://example.com/broken.xml:3:1: expected <urlset>, found <html>");

  CHECK(d["suites"][0]["system_out"].get<std::string>().find("invalid_lastmod") !=
        std::string::npos);
}

TEST_CASE("junit routes suite fails missing routes and lists unexpected URLs", "[report]") {
  const json d = digest(test::sample_report());
  const json& routes = d["suites"][3];
  REQUIRE(routes["cases"].size() == 4);
  CHECK(routes["cases"][0]["attrs"]["name"] == "/");
  CHECK(routes["cases"][0]["failure"].is_null());
  CHECK(routes["cases"][2]["attrs"]["name"] == "/blog/**");
  CHECK(routes["cases"][2]["failure"] == "expected route is not in any sitemap");
  CHECK(routes["cases"][2]["failure_type"] == "missing_route");
  CHECK(routes["cases"][3]["failure"] == "expected route is not in any sitemap");
  CHECK(routes["system_out"].get<std::string>().find("unexpected: https://example.com/get-only") !=
        std::string::npos);
}

TEST_CASE("junit groups interleaved results by sitemap and keeps stray ones", "[report]") {
  model::Report report;
  model::Source a, b;
  a.url = "https://example.com/a.xml";
  b.url = "https://example.com/b.xml";
  report.sources = {a, b};
  for (int i = 0; i < 6; ++i) {
    report.results.push_back(test::make_result(report, "https://example.com/" + std::to_string(i),
                                               model::Outcome::ok, 200,
                                               static_cast<std::uint32_t>(i % 2), 0));
  }
  report.results.push_back(
      test::make_result(report, "https://example.com/stray", model::Outcome::failed, 404, 7, 0));
  report.summary = model::summarize(report);
  const json d = digest(report);
  REQUIRE(d["suites"].size() == 3);
  CHECK(d["suites"][0]["cases"][1]["attrs"]["name"] == "https://example.com/2");
  CHECK(d["suites"][1]["cases"][0]["attrs"]["name"] == "https://example.com/1");
  CHECK(d["suites"][1]["cases"][2]["attrs"]["name"] == "https://example.com/5");
  CHECK(d["suites"][2]["attrs"]["name"] == "(unknown sitemap)");
  CHECK(d["suites"][2]["cases"][0]["failure"] == "404 Not Found");
  CHECK(d["attrs"]["tests"] == "7");
}

TEST_CASE("junit report of an empty run is a valid empty testsuites", "[report]") {
  const json d = digest(model::Report{});
  CHECK(d["root"] == "testsuites");
  CHECK(d["attrs"]["tests"] == "0");
  CHECK(d["suites"].empty());
}

TEST_CASE("junit under --strict fails the warnings and unexpected URLs that fail the run",
          "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, true);
  const json d = digest(report);
  // Beyond the 6 failures: the redirected page, pages.xml's lint warning, the unexpected URL.
  CHECK(d["attrs"]["failures"] == "9");
  CHECK(d["attrs"]["tests"] == "15");
  const json& pages = d["suites"][0];
  std::map<std::string, json> cases;
  for (const json& c : pages["cases"]) cases[c["attrs"]["name"]] = c;
  CHECK(cases["https://example.com/old"]["failure_type"] == "redirected_url");
  CHECK(cases["https://example.com/old"]["failure"].get<std::string>().find("under --strict") !=
        std::string::npos);
  CHECK(cases["https://example.com/pages.xml"]["failure_type"] == "sitemap_findings");
  std::size_t unexpected = 0;
  for (const json& c : d["suites"][3]["cases"]) {
    if (c["failure_type"] == "unexpected_url") {
      ++unexpected;
      CHECK(c["attrs"]["name"] == "https://example.com/get-only");
    }
  }
  CHECK(unexpected == 1);
  // Without --strict the same report has them as output, not failures.
  CHECK(digest(test::sample_report())["attrs"]["failures"] == "6");
}

TEST_CASE("junit validates against the Jenkins xUnit schema", "[report]") {
  const std::string schema = testing::shared_file("schemas/jenkins-junit-10.xsd");
  if (schema.empty()) {
    WARN(
        "SKIPPED: ../shared/schemas/jenkins-junit-10.xsd is absent (not a project checkout; "
        "set SITEAUDIT_SHARED_DIR)");
    return;
  }
  for (bool strict : {false, true}) {
    INFO("--strict " << strict);
    model::Report report = test::sample_report();
    test::set_strict(report, strict);
    std::ostringstream xml;
    report::write_junit(report, xml);
    test::TempFile file(".xml");
    file.write(xml.str());
    const std::string command =
        "xmllint --noout --schema '" + schema + "' '" + file.path().string() + "' 2>&1";
    CHECK(std::system(command.c_str()) == 0);
  }
  for (bool all_known : {false, true}) {
    INFO("--baseline, every failure known " << all_known);
    std::ostringstream xml;
    report::write_junit(test::baseline_report(all_known), xml);
    test::TempFile file(".xml");
    file.write(xml.str());
    const std::string command =
        "xmllint --noout --schema '" + schema + "' '" + file.path().string() + "' 2>&1";
    CHECK(std::system(command.c_str()) == 0);
  }
}

TEST_CASE("junit fails an inconclusive answer under --strict and skips it otherwise", "[report]") {
  model::Report report = test::sample_report();
  report.results.push_back(test::make_result(report, "https://example.com/walled",
                                             model::Outcome::inconclusive, 999, 1, 30));
  report.summary = model::summarize(report);
  auto walled = [](const json& d) {
    for (const json& c : d["suites"][0]["cases"]) {
      if (c["attrs"]["name"] == "https://example.com/walled") return c;
    }
    return json();
  };
  CHECK_FALSE(walled(digest(report))["skipped"].is_null());
  test::set_strict(report, true);
  const json strict = walled(digest(report));
  CHECK(strict["failure_type"] == "inconclusive");
  CHECK(strict["skipped"].is_null());
}

TEST_CASE("junit with a baseline skips known failures, so that it is green when the run passes",
          "[report][baseline]") {
  const json d = digest(test::baseline_report());
  // New: the timeout, the 500 and the missing /blog/**. Known: the 404, the unreadable sitemap
  // and the missing /about.
  CHECK(d["attrs"]["failures"] == "3");
  CHECK(d["attrs"]["tests"] == "13");
  const json& suites = d["suites"];
  REQUIRE(suites.size() == 5);
  check_suite_counts(suites);
  std::map<std::string, json> cases;
  for (const json& s : suites) {
    for (const json& c : s["cases"]) cases[c["attrs"]["name"]] = c;
  }
  const json& known = cases["https://example.com/a&b<c>\"q\""];
  CHECK(known["failure"].is_null());
  CHECK(known["skipped"] == "known failure (in the baseline): 404 Not Found");
  CHECK(known["skipped_type"] == "known_failure");
  CHECK(known["system_out"].get<std::string>().find("status: 404 Not Found") != std::string::npos);
  CHECK(cases["https://example.com/slow"]["failure_type"] == "timeout");
  CHECK(cases["https://example.com/broken.xml"]["skipped_type"] == "known_failure");
  CHECK(cases["/about"]["skipped_type"] == "known_failure");
  CHECK(cases["/blog/**"]["failure_type"] == "missing_route");
  const json& last = suites[4];
  CHECK(last["attrs"]["name"] == "baseline (old.json)");
  CHECK(last["attrs"]["tests"] == "0");
  CHECK(last["system_out"] ==
        "4 new failures, 3 known (in the baseline), 1 fixed since the baseline\n"
        "fixed: https://example.com/gone (status)\n");

  // Every failure known: no <failure> at all, as the exit code 0 says.
  CHECK(digest(test::baseline_report(true))["attrs"]["failures"] == "0");
  // Under --strict too, where warnings, sitemap findings and unexpected URLs fail.
  model::Report strict = test::sample_report();
  test::set_strict(strict, true);
  std::vector<model::FailureKey> keys;
  model::add_report_failures(strict, true, keys);
  for (const model::Result& r : strict.results) model::add_result_failures(r, true, keys);
  strict.baseline = model::compare_with_baseline("old.json", keys, keys);
  const json all_known = digest(strict);
  CHECK(all_known["attrs"]["failures"] == "0");
  CHECK(all_known["attrs"]["tests"] == "15");
}
