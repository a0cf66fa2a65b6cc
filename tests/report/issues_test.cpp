// issues_test.cpp — the run's issues in order, what fails the run, and identities that do not
// depend on the line.
#include "report/issues.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "report/sample_report.hpp"

namespace {

using namespace siteaudit;

std::vector<report::Issue> issues_of(const model::Report& report) {
  std::vector<report::Issue> issues;
  report::for_each_issue(report, [&](const report::Issue& issue) { issues.push_back(issue); });
  return issues;
}

}  // namespace

TEST_CASE("issues come sitemaps first, then URLs, then routes", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, false);
  const std::vector<report::Issue> issues = issues_of(report);
  std::vector<std::string> words;
  for (const report::Issue& issue : issues) words.emplace_back(report::rule_word(issue));
  CHECK(words == std::vector<std::string>{"invalid_lastmod", "unreadable_sitemap", "redirected_url",
                                          "status", "timeout", "status", "missing_route",
                                          "missing_route", "unexpected_url"});
  CHECK_FALSE(issues[0].fails);  // a lint warning
  CHECK(issues[1].fails);        // an unreadable sitemap
  CHECK(issues[3].where == "https://example.com/pages.xml");
  CHECK(issues[3].line == 9);
  CHECK(issues[6].where == "routes.txt");
  CHECK_FALSE(issues[8].fails);
  CHECK(issues[8].line == 15);  // where the sitemap listed the unexpected URL
}

TEST_CASE("issues under --strict fail the run, warnings included", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, true);
  for (const report::Issue& issue : issues_of(report)) {
    INFO(issue.message);
    CHECK(issue.fails);
  }
}

TEST_CASE("issue identities ignore the line and tell repeats apart", "[report]") {
  model::Report report = test::sample_report();
  report.sources[1].warnings.push_back(report.sources[1].warnings[0]);
  const std::vector<report::Issue> before = issues_of(report);
  for (model::Result& r : report.results.memory()) r.line += 7;
  for (model::Finding& f : report.sources[1].warnings) f.line += 7;
  const std::vector<report::Issue> after = issues_of(report);
  REQUIRE(before.size() == after.size());
  for (std::size_t i = 0; i < before.size(); ++i) CHECK(before[i].identity == after[i].identity);
  CHECK(before[0].identity != before[1].identity);  // the repeated lint warning
}

TEST_CASE("a crawled link's issue is located at the first page that links to it", "[report]") {
  model::Report report;
  model::Result r = test::make_result(report, "https://a.test/gone", model::Outcome::failed, 404,
                                      model::kNoSource, 0);
  r.found = model::Discovery::link;
  model::ResultDetail& d = r.details();
  d.error_kind = model::ErrorKind::status;
  d.referrers.push_back({"https://a.test/", 12, "a", "href", "Gone", "/gone"});
  d.referrers.push_back({"https://a.test/docs", 3, "a", "href", "", "../gone"});
  d.referrer_count = 5;
  report.results.push_back(std::move(r));
  report.summary = model::summarize(report);
  const std::vector<report::Issue> issues = issues_of(report);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where == "https://a.test/");
  CHECK(issues[0].line == 12);
  REQUIRE(issues[0].referrers != nullptr);
  CHECK(issues[0].referrers->size() == 2);
  CHECK(issues[0].referrer_count == 5);
  CHECK(issues[0].message.find("(linked from 5 pages)") != std::string::npos);
}

TEST_CASE("an inconclusive answer is an issue that fails the run only under --strict", "[report]") {
  model::Report report = test::sample_report();
  model::Result wall = test::make_result(report, "https://example.com/walled",
                                         model::Outcome::inconclusive, 999, 1, 30);
  wall.details().error = "status 999 is not accepted (--accept 200-299); a bot wall";
  wall.details().error_kind = model::ErrorKind::status;
  report.results.push_back(std::move(wall));
  report.summary = model::summarize(report);
  auto walled = [](const model::Report& r) {
    for (const report::Issue& issue : issues_of(r)) {
      if (issue.url == "https://example.com/walled") return issue;
    }
    FAIL("no issue for the inconclusive URL");
    return report::Issue{};
  };
  test::set_strict(report, false);
  CHECK_FALSE(walled(report).fails);
  CHECK(walled(report).line == 30);
  test::set_strict(report, true);
  CHECK(walled(report).fails);
}

TEST_CASE("issues that fail the run say whether the baseline had them", "[report][baseline]") {
  std::vector<std::string> states;
  for (const report::Issue& issue : issues_of(test::baseline_report())) {
    states.push_back(std::string(report::rule_word(issue)) + " " +
                     model::to_string(issue.baseline));
  }
  // The lint warning and the unexpected URL do not fail the run: they are not compared.
  CHECK(states == std::vector<std::string>{"invalid_lastmod ", "unreadable_sitemap known",
                                           "redirected_url ", "status known", "timeout new",
                                           "status new", "missing_route new", "missing_route known",
                                           "unexpected_url "});
  for (const report::Issue& issue : issues_of(test::sample_report())) {
    CHECK(issue.baseline == model::BaselineState::none);  // no --baseline
  }
}
