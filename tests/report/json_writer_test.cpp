// json_writer_test.cpp — the JSON report: schema validity, field values, key order, streaming.
#include "siteaudit/report/json_writer.hpp"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "report/sample_report.hpp"
#include "support/report_schema.hpp"

namespace {

using namespace siteaudit;
using nlohmann::json;

// kValidate validates strictly: unknown keys fail, though the shipped schema allows them.
constexpr const char* kValidate = testing::kValidateReport;

std::string schema_path() {
  return SITEAUDIT_SOURCE_DIR "/man/siteaudit-report.schema.json";
}

std::string to_json(const model::Report& report) {
  std::ostringstream out;
  report::write_json(report, out);
  return out.str();
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> k;
  for (auto it = j.begin(); it != j.end(); ++it) k.push_back(it.key());
  return k;
}

// ResultLineChecker is a streambuf that sees the report line by line, parses every results[]
// line on its own and checks it is the next URL in order, without ever holding the document.
class ResultLineChecker : public std::streambuf {
 public:
  std::size_t results = 0;
  std::size_t bad = 0;
  std::uint64_t bytes = 0;
  bool closed = false;  // saw the final "}" line

 protected:
  int_type overflow(int_type ch) override {
    if (ch == traits_type::eof()) return traits_type::not_eof(ch);
    ++bytes;
    if (ch != '\n') {
      line_ += static_cast<char>(ch);
      return ch;
    }
    on_line();
    line_.clear();
    return ch;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::string_view rest(s, static_cast<std::size_t>(n));
    bytes += rest.size();
    for (std::size_t nl; (nl = rest.find('\n')) != std::string_view::npos;) {
      line_.append(rest.substr(0, nl));
      on_line();
      line_.clear();
      rest.remove_prefix(nl + 1);
    }
    line_.append(rest);
    return n;
  }

 private:
  void on_line() {
    if (line_ == "}") closed = true;
    if (line_ == "  \"results\": [") in_results_ = true;
    if (!in_results_ || line_.rfind("    {\"url\":", 0) != 0) return;
    std::string_view body = line_;
    if (body.back() == ',') body.remove_suffix(1);
    // Every line names the next URL; a sample is parsed in full (all would be slow in Debug).
    // The expected prefix is built in a reused buffer: the checker itself must not allocate
    // per line, or the peak-RSS check below would measure it (ASan quarantines frees).
    expected_.assign("    {\"url\":\"https://example.com/page/");
    char digits[24];
    expected_.append(digits, std::to_chars(digits, digits + sizeof digits, results).ptr);
    expected_ += "\",";
    if (body.rfind(expected_, 0) != 0) ++bad;
    if (results % 1000 == 0) {
      const std::string url = expected_.substr(12, expected_.size() - 14);
      if (json::parse(body)["url"] != url) ++bad;
    }
    ++results;
  }

  std::string line_;
  std::string expected_;
  bool in_results_ = false;
};

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("json report validates against the shipped schema", "[report]") {
  test::TempFile file(".json");
  file.write(to_json(test::sample_report()));
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) == 0);
}

TEST_CASE("json report of an empty run validates against the schema", "[report]") {
  model::Report empty;
  empty.tool.version = "0.1.0";
  test::TempFile file(".json");
  file.write(to_json(empty));
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) == 0);
  json j = json::parse(to_json(empty));
  CHECK(j["results"].empty());
  CHECK(j["sources"].empty());
  CHECK(j["routes"]["file"].is_null());
  CHECK(j["run"]["started_at"].is_null());
}

TEST_CASE("json report of a shard with a baseline carries both and validates", "[report]") {
  model::Report part = test::sample_report();
  part.shard = {.part = 2,
                .parts = 3,
                .by = "host",
                .fingerprint = "fnv1a64:0123456789abcdef",
                .input_urls = 24,
                .input_duplicates = 1};
  test::TempFile file(".json");
  file.write(to_json(part));
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) == 0);
  json j = json::parse(to_json(part));
  CHECK(j["shard"] == json{{"part", 2},
                           {"parts", 3},
                           {"by", "host"},
                           {"fingerprint", "fnv1a64:0123456789abcdef"},
                           {"input_urls", 24},
                           {"input_duplicates", 1}});
  CHECK(j["results"][1]["seq"] == part.results[1].seq);

  part.baseline = model::compare_with_baseline("old.json", {{"https://example.com/x", "status"}},
                                               {{"https://example.com/slow", "timeout"}});
  file.write(to_json(part));
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) == 0);
  j = json::parse(to_json(part));
  CHECK(j["baseline"]["new"] ==
        json::parse(R"([{"url":"https://example.com/slow","kind":"timeout"}])"));
  CHECK(j["baseline"]["fixed"][0]["kind"] == "status");
  CHECK(j["baseline"]["known"].empty());
  CHECK(json::parse(to_json(test::sample_report()))["shard"].is_null());
}

TEST_CASE("the schema rejects a report that breaks it", "[report]") {
  // Proves the validation step can fail: a result with an unknown outcome must not pass.
  json j = json::parse(to_json(test::sample_report()));
  j["results"][0]["outcome"] = "maybe";
  test::TempFile file(".json");
  file.write(j.dump());
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) != 0);
}

TEST_CASE("the shipped schema has an id and lets readers ignore keys added later", "[report]") {
  const json schema = json::parse(std::ifstream(schema_path()));
  CHECK(schema["$id"] == "urn:siteaudit:report:1");
  // A report of a later version with a new key at the top and in a result still validates
  // against this schema, as the man page promises; the tests' strict validation refuses it.
  json j = json::parse(to_json(test::sample_report()));
  j["added_later"] = true;
  j["results"][0]["added_later"] = 1;
  test::TempFile file(".json");
  file.write(j.dump());
  const char* plain =
      "import json,jsonschema,sys; "
      "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))";
  CHECK(test::run_python(plain, file.path().string(), schema_path()) == 0);
  CHECK(test::run_python(kValidate, file.path().string(), schema_path()) != 0);
}

TEST_CASE("json report writes the crawl block, found_by and referrers", "[report]") {
  model::Report report = test::sample_report();
  report.crawl.enabled = true;
  report.crawl.scope = {"https://example.com/"};
  report.crawl.pages = 3;
  report.crawl.mailto = 2;
  report.crawl.complete = false;
  report.crawl.incomplete_reason = "--max-pages 3 was reached";
  model::Result& broken = report.results.front();
  broken.found = model::Discovery::link;
  broken.details().referrer_count = 7;
  broken.details().referrers.push_back(model::Referrer{.page = "https://example.com/",
                                                       .line = 12,
                                                       .element = "img",
                                                       .attribute = "srcset",
                                                       .text = "Logo",
                                                       .url = "logo-2x.png"});
  auto j = nlohmann::json::parse(to_json(report));
  CHECK(j["crawl"]["scope"] == nlohmann::json::array({"https://example.com/"}));
  CHECK(j["crawl"]["pages"] == 3);
  CHECK(j["crawl"]["not_requested"]["mailto"] == 2);
  CHECK(j["crawl"]["complete"] == false);
  CHECK(j["crawl"]["incomplete_reason"] == "--max-pages 3 was reached");
  const auto& r = j["results"][0];
  CHECK(r["found_by"] == "link");
  CHECK(r["referrer_count"] == 7);
  REQUIRE(r["referrers"].size() == 1);
  CHECK(r["referrers"][0]["page"] == "https://example.com/");
  CHECK(r["referrers"][0]["line"] == 12);
  CHECK(r["referrers"][0]["attribute"] == "srcset");
  CHECK(r["referrers"][0]["url"] == "logo-2x.png");
  CHECK(r["referrers"][0]["text"] == "Logo");
  // Without --crawl the block is null.
  CHECK(nlohmann::json::parse(to_json(test::sample_report()))["crawl"].is_null());
}

TEST_CASE("json report has the documented keys in the documented order", "[report]") {
  auto j = nlohmann::ordered_json::parse(to_json(test::sample_report()));
  CHECK(keys(j) == std::vector<std::string>{"schema", "tool", "config", "run", "summary", "sources",
                                            "routes", "crawl", "shard", "baseline", "results"});
  CHECK(keys(j["results"][0]) == std::vector<std::string>{"url",
                                                          "seq",
                                                          "status",
                                                          "ok",
                                                          "outcome",
                                                          "method",
                                                          "time_ms",
                                                          "attempts",
                                                          "redirects",
                                                          "final_url",
                                                          "error",
                                                          "error_kind",
                                                          "source",
                                                          "line",
                                                          "check_url",
                                                          "content_type",
                                                          "lastmod",
                                                          "findings",
                                                          "fell_back_to_get",
                                                          "slow",
                                                          "bytes",
                                                          "found_by",
                                                          "referrer_count",
                                                          "referrers",
                                                          "cached",
                                                          "baseline"});
  CHECK(keys(j["sources"][0]) ==
        std::vector<std::string>{"url", "kind", "urls", "gzip", "parent", "error", "warnings"});
  CHECK(keys(j["summary"]) == std::vector<std::string>{"total", "ok", "failed", "skipped",
                                                       "cancelled", "inconclusive", "warnings",
                                                       "duplicates", "status", "latency_ms"});
  CHECK(keys(j["summary"]["status"]) ==
        std::vector<std::string>{"2xx", "3xx", "4xx", "5xx", "none"});
  CHECK(keys(j["config"]) ==
        std::vector<std::string>{"workers", "include", "accept", "rate", "strict"});
}

TEST_CASE("json report carries every field of the report", "[report]") {
  const model::Report report = test::sample_report();
  json j = json::parse(to_json(report));

  CHECK(j["schema"] == "siteaudit.report/1");
  CHECK(j["tool"] == json{{"name", "siteaudit"}, {"version", "0.1.0"}});
  CHECK(j["config"]["workers"] == 64);
  CHECK(j["config"]["include"] == json{"X-A: 1", "X-B: 2", "X-C: 3"});
  CHECK(j["config"]["accept"] == "200-299");
  CHECK(j["config"]["rate"] == 2.5);
  CHECK(j["config"]["strict"] == false);
  CHECK(j["run"]["duration_ms"] == 3210);
  CHECK(j["run"]["exit_code"] == 1);
  CHECK(j["run"]["interrupted"] == false);
  CHECK(j["run"]["interrupt_reason"].is_null());

  const json& s = j["summary"];
  CHECK(s["total"] == 8);
  CHECK(s["ok"] == 3);
  CHECK(s["failed"] == 3);
  CHECK(s["skipped"] == 1);
  CHECK(s["cancelled"] == 1);
  CHECK(s["duplicates"] == 1);
  CHECK(s["status"]["2xx"] == 3);
  CHECK(s["status"]["4xx"] == 1);
  CHECK(s["status"]["5xx"] == 1);
  CHECK(s["status"]["none"] == 1);
  CHECK(s["latency_ms"]["max"] == 30000);

  REQUIRE(j["sources"].size() == 4);
  CHECK(j["sources"][0]["kind"] == "sitemapindex");
  CHECK(j["sources"][0]["parent"].is_null());
  CHECK(j["sources"][1]["parent"] == "https://example.com/sitemap.xml");
  CHECK(j["sources"][1]["warnings"][0]["code"] == "invalid_lastmod");
  CHECK(j["sources"][1]["warnings"][0]["line"] == 7);
  CHECK(j["sources"][2]["gzip"] == true);
  CHECK(j["sources"][3]["error"] ==
        "https://example.com/broken.xml:3:1: expected <urlset>, found <html>");
  CHECK(j["sources"][3]["kind"] == "unknown");

  CHECK(j["routes"]["enabled"] == true);
  CHECK(j["routes"]["file"] == "routes.txt");
  CHECK(j["routes"]["expected"].size() == 4);
  CHECK(j["routes"]["missing"] == json{"/blog/**", "/about"});
  CHECK(j["routes"]["unexpected"] == json{"https://example.com/get-only"});

  const json& r = j["results"];
  REQUIRE(r.size() == report.results.size());
  for (std::size_t i = 0; i + 1 < report.results.size(); ++i) {
    CHECK(r[i]["url"] == report.results[i].url);  // exactly as listed
  }

  // A plain 200: nothing optional is set.
  CHECK(r[0]["status"] == 200);
  CHECK(r[0]["ok"] == true);
  CHECK(r[0]["method"] == "HEAD");
  CHECK(r[0]["source"] == "https://example.com/pages.xml");
  CHECK(r[0]["line"] == 3);
  CHECK(r[0]["check_url"] == "https://example.com/");
  CHECK(r[0]["final_url"].is_null());
  CHECK(r[0]["error"].is_null());
  CHECK(r[0]["redirects"] == json::array());
  CHECK(r[0]["findings"] == json::array());

  // Redirect chain with a finding.
  REQUIRE(r[1]["redirects"].size() == 2);
  CHECK(r[1]["redirects"][0] == json{{"url", "https://example.com/old"},
                                     {"status", 301},
                                     {"location", "/new"},
                                     {"time_ms", 30}});
  CHECK(r[1]["final_url"] == "https://example.com/new/");
  CHECK(r[1]["content_type"] == "text/html; charset=utf-8");
  CHECK(r[1]["lastmod"] == "2024-04-01");
  CHECK(r[1]["findings"][0]["code"] == "redirected_url");
  CHECK(r[1]["findings"][0]["line"].is_null());
  CHECK(r[1]["findings"][0]["severity"] == "warning");

  CHECK(r[2]["outcome"] == "failed");
  CHECK(r[2]["ok"] == false);
  CHECK(r[2]["status"] == 404);
  CHECK(r[2]["error_kind"] == "status");

  CHECK(r[3]["status"].is_null());
  CHECK(r[3]["attempts"] == 3);
  CHECK(r[3]["error"] == "timeout: no response after 10000 ms");
  CHECK(r[3]["slow"] == true);

  CHECK(r[4]["method"] == "GET");
  CHECK(r[4]["fell_back_to_get"] == true);
  CHECK(r[4]["bytes"] == 5120);
  CHECK(r[4]["check_url"] == "https://preview.example.com/get-only");

  CHECK(r[5]["outcome"] == "skipped");
  CHECK(r[5]["method"].is_null());
  CHECK(r[5]["source"] == "https://example.com/posts.xml.gz");
  CHECK(r[6]["outcome"] == "cancelled");
  CHECK(r[6]["status"].is_null());
  CHECK(r[6]["time_ms"] == 0);

  // Invalid UTF-8 becomes U+FFFD; control characters survive as JSON escapes.
  CHECK(r[7]["url"] == "https://example.com/\x1b[31mred\x07\x01\xEF\xBF\xBD|`x`");
}

TEST_CASE("json report puts each result on its own line", "[report]") {
  std::istringstream in(to_json(test::sample_report()));
  std::size_t element_lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("    {\"url\":", 0) == 0) ++element_lines;
  }
  CHECK(element_lines == 4 + 8);  // sources, then results
}

TEST_CASE("json report stops writing when the stream fails", "[report]") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  report::write_json(test::sample_report(), out);
  CHECK(out.str().empty());
}

TEST_CASE("json report of 200k results streams one result at a time", "[report]") {
  constexpr std::size_t kCount = 200'000;
  model::Report report;
  report.tool.version = "0.1.0";
  model::Source src;
  src.url = "https://example.com/sitemap.xml";
  src.kind = model::SourceKind::urlset;
  src.urls = kCount;
  report.sources.push_back(src);
  for (std::size_t i = 0; i < kCount; ++i) {
    model::Result r =
        test::make_result(report, "https://example.com/page/" + std::to_string(i),
                          model::Outcome::ok, 200, 0, static_cast<std::uint32_t>(i + 2));
    if (i % 10 == 0) {
      r.details().redirects.push_back({std::string(r.url), 301, std::string(r.url) + "/", 5});
    }
    report.results.push_back(std::move(r));
  }
  report.summary = model::summarize(report);

  const long rss_before = max_rss_kib();
  ResultLineChecker checker;
  std::ostream out(&checker);
  report::write_json(report, out);
  const long rss_growth_kib = max_rss_kib() - rss_before;

  CHECK(checker.results == kCount);
  CHECK(checker.bad == 0);
  CHECK(checker.closed);
  // One nlohmann tree of 200,000 results would take hundreds of MiB; streaming adds almost
  // nothing beyond the Report (peak RSS can only under-count, never flake upward).
  CHECK(rss_growth_kib < 64 * 1024);
  INFO("bytes written: " << checker.bytes);
  CHECK(checker.bytes > kCount * 300);
}

TEST_CASE("json strings escape every control character and repair bad UTF-8", "[report]") {
  std::string url = "https://example.com/";
  for (char c = 1; c < 0x20; ++c) url += c;
  url += "\x7f\"\\/ \xC3\xA9 \xF0\x9F\x98\x80";  // DEL, quote, backslash, é, an emoji
  const std::string bad = "\xC0\x80|\xED\xA0\x80|\xE2\x82|\xF5\x80\x80\x80|\x80";
  model::Report report;
  report.results.push_back(test::make_result(report, url + bad, model::Outcome::ok, 200, 0, 1));
  const std::string out = to_json(report);
  json j = json::parse(out);  // throws on any escaping mistake
  // Overlong, surrogate, truncated, out-of-range and stray bytes: one U+FFFD per bad byte.
  const std::string r = "\xEF\xBF\xBD";
  CHECK(j["results"][0]["url"] ==
        url + r + r + "|" + r + r + r + "|" + r + r + "|" + r + r + r + r + "|" + r);
  CHECK(out.find("\\u0001") != std::string::npos);
  CHECK(out.find("\\n") != std::string::npos);
}

TEST_CASE("json report marks each result's failures new or known against the baseline",
          "[report][baseline]") {
  const json j = json::parse(to_json(test::baseline_report()));
  std::map<std::string, json> marks;
  for (const json& r : j["results"]) marks[r["url"]] = r["baseline"];
  CHECK(marks["https://example.com/a&b<c>\"q\""] == "known");
  CHECK(marks["https://example.com/slow"] == "new");
  CHECK(marks["https://example.com/"].is_null());  // no failure
  const json plain = json::parse(to_json(test::sample_report()));
  for (const json& r : plain["results"]) {
    CHECK(r["baseline"].is_null());  // no --baseline
  }
}
