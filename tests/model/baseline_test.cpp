// Tests for baseline.cpp: the failure keys of a report, and known, new and fixed.
#include "siteaudit/model/baseline.hpp"

#include <catch2/catch.hpp>

#include "siteaudit/model/report.hpp"

using namespace siteaudit::model;

namespace {

Result result(Report& report, std::string_view url, Outcome outcome) {
  Result r;
  r.url = report.url_text.store(url);
  r.outcome = outcome;
  return r;
}

std::vector<FailureKey> keys_of(const Report& report, bool strict) {
  std::vector<FailureKey> keys;
  add_report_failures(report, strict, keys);
  for (const Result& r : report.results) add_result_failures(r, strict, keys);
  return keys;
}

}  // namespace

TEST_CASE("baseline: a report's failures by URL and kind", "[model][baseline]") {
  Report report;
  report.results.push_back(result(report, "https://e.com/ok", Outcome::ok));
  Result redirected = result(report, "https://e.com/moved", Outcome::ok);
  redirected.details().findings.push_back({.code = FindingCode::redirected_url});
  report.results.push_back(std::move(redirected));
  Result missing = result(report, "https://e.com/404", Outcome::failed);
  missing.details().error_kind = ErrorKind::status;
  report.results.push_back(std::move(missing));
  Result noindex = result(report, "https://e.com/hidden", Outcome::failed);
  noindex.details().error_kind = ErrorKind::finding;
  noindex.details().failed_by = FindingCode::noindex;
  noindex.details().findings.push_back({.code = FindingCode::noindex});
  report.results.push_back(std::move(noindex));
  report.results.push_back(result(report, "https://e.com/late", Outcome::cancelled));
  report.results.push_back(result(report, "https://e.com/skip", Outcome::skipped));
  report.results.push_back(result(report, "https://e.com/wall", Outcome::inconclusive));
  Source broken;
  broken.url = "https://e.com/broken.xml";
  broken.error = "cannot parse";
  Source lint;
  lint.url = "https://e.com/sitemap.xml";
  lint.warnings.push_back({.code = FindingCode::invalid_lastmod});
  report.sources = {broken, lint};
  report.routes.missing = {"/contact"};
  report.routes.unexpected = {"https://e.com/moved"};

  CHECK(keys_of(report, false) == std::vector<FailureKey>{
                                      {"https://e.com/broken.xml", "source_error"},
                                      {"/contact", "missing_route"},
                                      {"https://e.com/404", "status"},
                                      {"https://e.com/hidden", "noindex"},
                                      {"https://e.com/late", "cancelled"},
                                  });
  // --strict: warnings and bot walls fail too, so they are keys. /hidden comes twice (failed
  // by noindex, and its finding): compare_with_baseline() drops the repeat.
  const std::vector<FailureKey> strict = keys_of(report, true);
  CHECK(strict.size() == 10);
  CHECK(std::count(strict.begin(), strict.end(),
                   FailureKey{"https://e.com/moved", "redirected_url"}) == 1);
  CHECK(std::count(strict.begin(), strict.end(),
                   FailureKey{"https://e.com/moved", "unexpected_route"}) == 1);
  CHECK(std::count(strict.begin(), strict.end(),
                   FailureKey{"https://e.com/wall", "inconclusive"}) == 1);
  CHECK(std::count(strict.begin(), strict.end(),
                   FailureKey{"https://e.com/sitemap.xml", "invalid_lastmod"}) == 1);
}

TEST_CASE("baseline: known, new and fixed", "[model][baseline]") {
  const BaselineInfo info = compare_with_baseline(
      "old.json", {{"https://e.com/a", "status"}, {"https://e.com/b", "timeout"}},
      {{"https://e.com/b", "timeout"},
       {"https://e.com/a", "timeout"},  // the same URL failing another way is new
       {"https://e.com/b", "timeout"}});
  CHECK(info.enabled());
  CHECK(info.file == "old.json");
  CHECK(info.known == std::vector<FailureKey>{{"https://e.com/b", "timeout"}});
  CHECK(info.fresh == std::vector<FailureKey>{{"https://e.com/a", "timeout"}});
  CHECK(info.fixed == std::vector<FailureKey>{{"https://e.com/a", "status"}});
  CHECK_FALSE(BaselineInfo{}.enabled());
}
