// html_writer_test.cpp — the HTML report: one self-contained page, its data as JSON that
// round-trips (hostile text included) without ever ending the script element, passing URLs
// counted and not listed. The page in a browser is tests/integration/audit_html_test.cpp.
#include "siteaudit/report/html_writer.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "report/sample_report.hpp"

namespace {

using namespace siteaudit;
using nlohmann::json;

std::string to_html(const model::Report& report) {
  std::ostringstream out;
  report::write_html(report, out);
  return out.str();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// page_data() is the JSON inside the page's data element.
json page_data(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="siteaudit-data">)";
  const auto start = html.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = html.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return json::parse(html.substr(start + open.size(), end - start - open.size()));
}

}  // namespace

TEST_CASE("html report is one page that loads nothing from anywhere", "[report]") {
  const std::string html = to_html(test::sample_report());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  for (const char* loader : {"<link", "<img", "<iframe", " src=", "@import", "url("}) {
    INFO(loader);
    CHECK(html.find(loader) == std::string::npos);
  }
  CHECK(html.find("prefers-color-scheme: dark") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
}

TEST_CASE("html report data lists what did not pass and counts the rest", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, true);
  const json data = page_data(to_html(report));
  CHECK(data["summary"]["total"] == report.summary.total);
  CHECK(data["verdict_kind"] == "failed");
  // The sample's 3 failed, 1 skipped and 1 cancelled URLs; its 4 passing ones are counted.
  REQUIRE(data["rows"].size() == 5);
  CHECK(data["rows"][0][0] == "https://example.com/a&b<c>\"q\"");
  CHECK(data["rows"][0][1] == "failed");
  CHECK(data["rows"][0][2] == 404);
  CHECK(data["rows"][0][6] == 9);  // line
  // The source's lint warning and the redirected page's finding.
  REQUIRE(data["findings"].size() == 2);
  CHECK(data["findings"][0][0] == "invalid_lastmod");
  CHECK(data["findings"][1][0] == "redirected_url");
  CHECK(data["routes"]["missing"].size() == 2);
  CHECK(data["unreadable_sitemaps"] == 1);
  // Every kind and code has its words, from the model's tables.
  for (const model::FindingCodeName& row : model::finding_code_names()) {
    CHECK(data["help"].contains(row.name));
  }
  CHECK(data["help"].contains("timeout"));
  // The sample has --strict on: its warnings and the unexpected URL fail the run.
  CHECK(data["strict"] == true);
  CHECK(data["strict_failures"] == 2 + 1);  // the lint warning, the redirect, the unexpected URL
  std::uint64_t histogram = 0;
  for (const json& n : data["latency_histogram"]["counts"]) histogram += n.get<std::uint64_t>();
  CHECK(histogram == 6);  // the URLs that were requested
}

TEST_CASE("html report data marks each failure new or known and lists the fixed ones",
          "[report][baseline]") {
  const json data = page_data(to_html(test::baseline_report()));
  CHECK(data["baseline"] ==
        json{{"file", "old.json"},
             {"new", 4},
             {"known", 3},
             {"fixed", json::array({json::array({"https://example.com/gone", "status"})})}});
  std::map<std::string, std::string> states;
  for (const json& row : data["rows"]) states[row[0]] = row[10];
  CHECK(states["https://example.com/a&b<c>\"q\""] == "known");
  CHECK(states["https://example.com/slow"] == "new");
  CHECK(states["https://example.com/late"] == "new");  // a cancelled URL fails the run
  CHECK(states["https://example.com/admin"].empty());  // skipped: no failure
  CHECK(data["routes"]["missing_baseline"] == json::array({"new", "known"}));
  CHECK(data["sources"][3][5] == "known");  // broken.xml
  CHECK(data["sources"][1][5] == "");       // loaded
  CHECK(data["verdict"].get<std::string>().starts_with("FAILED: 4 new failures, 3 known"));
  // Without --baseline: null, and no row is marked.
  const json plain = page_data(to_html(test::sample_report()));
  CHECK(plain["baseline"].is_null());
  for (const json& row : plain["rows"]) CHECK(row[10] == "");
}

TEST_CASE("html report text cannot end its script element or inject markup", "[report]") {
  model::Report report = test::sample_report();
  const std::string evil = "https://example.com/</script><script>alert(1)</script><!--";
  model::Result r = test::make_result(report, evil, model::Outcome::failed, 404, 1, 30);
  report.results.push_back(std::move(r));
  report.summary = model::summarize(report);
  const std::string html = to_html(report);
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  // Only the page's own script elements end: the data's "</script>" became "\u003c/script>".
  CHECK(count_of(html, "</script>") == count_of(to_html(test::sample_report()), "</script>"));
  const json data = page_data(html);
  bool found = false;
  for (const json& row : data["rows"]) found = found || row[0] == evil;
  CHECK(found);
  // The hostile control characters and bad bytes of the sample arrive as text.
  CHECK(html.find("\x1b") == std::string::npos);
}

TEST_CASE("html report rows carry a crawled link's referrers and the crawl's counts", "[report]") {
  model::Report report;
  report.crawl.enabled = true;
  report.crawl.pages = 12;
  model::Result r = test::make_result(report, "https://a.test/gone", model::Outcome::failed, 404,
                                      model::kNoSource, 0);
  r.found = model::Discovery::link;
  model::ResultDetail& d = r.details();
  d.error_kind = model::ErrorKind::status;
  for (std::uint32_t i = 0; i < 30; ++i) {
    d.referrers.push_back({"https://a.test/p" + std::to_string(i), i + 1, "a", "href", "t", ""});
  }
  d.referrer_count = 250;
  report.results.push_back(std::move(r));
  report.summary = model::summarize(report);
  const json data = page_data(to_html(report));
  CHECK(data["crawl"]["pages"] == 12);
  const json& row = data["rows"][0];
  CHECK(row[5] == -1);  // no sitemap listed it
  CHECK(row[8] == "link");
  CHECK(row[9][0] == 250);
  REQUIRE(row[9][1].size() == 10);  // a few per row; the JSON report has them all
  CHECK(row[9][1][0] == json::array({"https://a.test/p0", 1, "a", "href", "t"}));
}

TEST_CASE("html report of 200k passing URLs lists none of them", "[report]") {
  model::Report report;
  report.tool.version = "1.0";
  model::Source source;
  source.url = "https://example.com/sitemap.xml";
  report.sources.push_back(source);
  for (int i = 0; i < 200'000; ++i) {
    model::Result r = test::make_result(report, "https://example.com/p/" + std::to_string(i),
                                        model::Outcome::ok, 200, 0, static_cast<std::uint32_t>(i));
    r.time_ms = static_cast<std::uint32_t>(i % 1000);
    report.results.push_back(std::move(r));
  }
  report.summary = model::summarize(report);
  const std::string html = to_html(report);
  CHECK(html.size() < 100'000);
  const json data = page_data(html);
  CHECK(data["rows"].empty());
  CHECK(data["summary"]["ok"] == 200'000);
  const json& counts = data["latency_histogram"]["counts"];
  CHECK(counts[0] == 200 * 50);   // 0-49 ms of every 1500
  CHECK(counts[4] == 200 * 500);  // 500-999 ms
}

TEST_CASE("html report stops writing when the stream fails", "[report]") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  report::write_html(test::sample_report(), out);
  CHECK(out.str().empty());
}
