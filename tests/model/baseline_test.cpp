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

TEST_CASE("baseline: the state of a key and of a result", "[model][baseline]") {
  CHECK(BaselineInfo{}.state("https://e.com/a", "status") == BaselineState::none);
  const BaselineInfo info = compare_with_baseline(
      "old.json", {{"https://e.com/a", "status"}, {"https://e.com/w", "redirected_url"}},
      {{"https://e.com/a", "status"},
       {"https://e.com/b", "timeout"},
       {"https://e.com/w", "redirected_url"}});
  CHECK(info.state("https://e.com/a", "status") == BaselineState::known);
  CHECK(info.state("https://e.com/a", "timeout") == BaselineState::fresh);
  CHECK(info.state("https://e.com/b", "timeout") == BaselineState::fresh);
  CHECK(std::string(to_string(BaselineState::known)) == "known");
  CHECK(std::string(to_string(BaselineState::fresh)) == "new");

  Report report;
  Result a = result(report, "https://e.com/a", Outcome::failed);
  a.details().error_kind = ErrorKind::status;
  CHECK(std::string(failure_kind(a)) == "status");
  CHECK(result_state(info, a, false) == BaselineState::known);
  CHECK(result_state(BaselineInfo{}, a, false) == BaselineState::none);
  // Under --strict a finding is a key of its own: one the baseline lacked makes the result new.
  a.details().findings.push_back({.code = FindingCode::slow});
  CHECK(result_state(info, a, false) == BaselineState::known);
  CHECK(result_state(info, a, true) == BaselineState::fresh);
  const Result ok = result(report, "https://e.com/ok", Outcome::ok);
  CHECK(result_state(info, ok, true) == BaselineState::none);
  Result warned = result(report, "https://e.com/w", Outcome::ok);
  warned.details().findings.push_back({.code = FindingCode::redirected_url});
  CHECK(result_state(info, warned, false) == BaselineState::none);  // a warning, no failure
  CHECK(result_state(info, warned, true) == BaselineState::known);
  const Result late = result(report, "https://e.com/late", Outcome::cancelled);
  CHECK(std::string(failure_kind(late)) == "cancelled");
  CHECK(result_state(info, late, false) == BaselineState::fresh);
}
