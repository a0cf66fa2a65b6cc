// json_reader_test.cpp — the JSON report read back: what write_json() writes reads back to a
// report that writes the same bytes; results stream to a sink; a broken report is refused
// with the place named.
#include "siteaudit/report/json_reader.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/sample_report.hpp"
#include "siteaudit/report/json_writer.hpp"

namespace {

using namespace siteaudit;
using nlohmann::json;

std::string to_json(const model::Report& report) {
  std::ostringstream out;
  report::write_json(report, out);
  return out.str();
}

// read_error() is what read_json() says about `text` ("" when it reads).
std::string read_error(const std::string& text) {
  std::istringstream in(text);
  model::Report report;
  return report::read_json(in, report);
}

// broken() is the sample report as JSON with `change` applied, its keys in the written order.
template <typename Change>
std::string broken(Change change) {
  auto j = nlohmann::ordered_json::parse(to_json(test::sample_report()));
  change(j);
  return j.dump();
}

}  // namespace

TEST_CASE("json reader: a report reads back to the same bytes", "[report][json_reader]") {
  model::Report sample = test::sample_report();
  for (std::size_t i = 0; i < sample.results.size(); ++i) sample.results[i].seq = i * 3 + 1;
  sample.results[0].cached = true;
  // What --crawl adds: the crawl block, how a URL was found, and who links to it.
  sample.crawl = {.enabled = true,
                  .scope = {"https://example.com/"},
                  .pages = 4,
                  .links = 17,
                  .external = 2,
                  .mailto = 1,
                  .invalid = 1,
                  .broken = 1,
                  .complete = false,
                  .incomplete_reason = "--max-pages was reached"};
  sample.results[3].outcome = model::Outcome::inconclusive;  // a bot wall
  sample.results[2].found = model::Discovery::link;
  sample.results[2].source = model::kNoSource;
  sample.results[2].details().referrer_count = 3;
  sample.results[2].details().referrers.push_back({.page = "https://example.com/",
                                                   .line = 12,
                                                   .element = "a",
                                                   .attribute = "href",
                                                   .text = "the <b>link</b>",
                                                   .url = "/a&b"});
  const std::string first = to_json(sample);
  std::istringstream in(first);
  model::Report read;
  REQUIRE(report::read_json(in, read).empty());
  CHECK(read.results.size() == sample.results.size());
  CHECK(read.sources.size() == sample.sources.size());
  CHECK(read.config.size() == sample.config.size());
  CHECK(read.results[0].cached);
  CHECK(read.crawl.pages == 4);
  CHECK(read.results[2].found == model::Discovery::link);
  CHECK(read.results[2].detail->referrers.size() == 1);
  CHECK_FALSE(read.results[1].cached);
  CHECK(to_json(read) == first);

  // A part of a sharded run, and a report with nothing in it.
  sample.shard = {.part = 3,
                  .parts = 7,
                  .by = "url",
                  .fingerprint = "fnv1a64:00000000000000ff",
                  .input_urls = 99,
                  .input_duplicates = 2};
  sample.baseline = model::compare_with_baseline(
      "old.json", {{"https://example.com/gone", "status"}, {"https://example.com/", "dns"}},
      {{"https://example.com/", "dns"}, {"https://example.com/a&b<c>\"q\"", "status"}});
  const std::string part = to_json(sample);
  std::istringstream part_in(part);
  model::Report read_part;
  REQUIRE(report::read_json(part_in, read_part).empty());
  CHECK(read_part.shard.part == 3);
  CHECK(read_part.baseline.fixed.size() == 1);
  CHECK(to_json(read_part) == part);

  // Keys sorted (jq -S): the results come first and are read at the end.
  std::istringstream sorted_in(json::parse(first).dump());
  model::Report read_sorted;
  REQUIRE(report::read_json(sorted_in, read_sorted).empty());
  CHECK(json::parse(to_json(read_sorted)) == json::parse(first));  // config keys sorted too

  model::Report empty;
  const std::string nothing = to_json(empty);
  std::istringstream empty_in(nothing);
  model::Report read_empty;
  REQUIRE(report::read_json(empty_in, read_empty).empty());
  CHECK(to_json(read_empty) == nothing);
}

TEST_CASE("json reader: results stream to the sink, in file order", "[report][json_reader]") {
  const model::Report sample = test::sample_report();
  std::istringstream in(to_json(sample));
  model::Report read;
  std::vector<std::string> urls;
  std::vector<bool> detailed;
  const std::string error = report::read_json(in, read, [&](model::Result&& r) {
    urls.emplace_back(r.url);
    detailed.push_back(r.detail != nullptr);
  });
  REQUIRE(error.empty());
  CHECK(read.results.empty());
  CHECK(read.url_text.bytes() == 0);
  REQUIRE(urls.size() == sample.results.size());
  CHECK(urls[1] == "https://example.com/old");
  // A plain 200 keeps no detail block, as in a run.
  CHECK_FALSE(detailed[0]);
  CHECK(detailed[1]);
}

TEST_CASE("json reader: a broken report is refused with the place named", "[report][json_reader]") {
  CHECK(read_error("{\"schema\": ").starts_with("not valid JSON: "));
  CHECK(read_error("[]") == "report: expected an object");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["schema"] = "siteaudit.report/2";
        })).starts_with("schema is \"siteaudit.report/2\""));
  CHECK(read_error(broken([](nlohmann::ordered_json& j) { j.erase("routes"); })) ==
        "report: no key \"routes\"");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) { j.erase("results"); })) ==
        "report: no key \"results\"");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) { j["results"][1]["status"] = "200"; })) ==
        "results[1].status: expected an integer or null");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["results"][2]["outcome"] = "maybe";
        })) == "results[2].outcome: expected ok, failed, skipped, cancelled or inconclusive");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) { j["results"][0]["ok"] = false; })) ==
        "results[0].ok: expected true exactly when outcome is ok");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["results"][0]["source"] = "https://x/";
        })) == "results[0].source: expected the URL of a source");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["results"][0]["error_kind"] = "gremlins";
        })) == "results[0].error_kind: expected an error kind or a finding code");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["sources"][1]["warnings"][0]["code"] = "x";
        })) == "sources[1].warnings[0].code: expected a finding code");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) { j["summary"]["ok"] = -1; })) ==
        "summary.ok: expected a count (0 or more)");
  CHECK(read_error(broken([](nlohmann::ordered_json& j) {
          j["shard"] = {{"part", 4},          {"parts", 3},      {"by", "url"},
                        {"fingerprint", "f"}, {"input_urls", 1}, {"input_duplicates", 0}};
        })) == "shard.part: expected a part from 1 to shard.parts");
  // A key this release does not know (a newer report's addition) is not an error.
  CHECK(
      read_error(broken([](nlohmann::ordered_json& j) { j["results"][0]["newer"] = 1; })).empty());
}
