// issues.hpp — every failure and warning of a run, one at a time, as the writers that annotate
// code (SARIF, CI annotations) list them.
//
// for_each_issue() walks a Report in a fixed order — sitemaps (load errors, then their
// findings), listed URLs (the failure, then the page's findings), missing routes, unexpected
// URLs — and hands each issue to a callback: what rule it breaks (an error kind, a finding
// code, or an unloadable sitemap), whether it fails the run (a failure, a finding of failure
// severity, or any warning under --strict), a message, and where it is (the sitemap and line,
// or the routes file; an inconclusive answer (a bot wall) is one too, failing the run only under
// --strict; for a URL that only a crawled page links to, the first page that links to
// it and the link's line, and the referring pages beside). Passing URLs without findings, and
// skipped and cancelled URLs, are no issues: a summary counts them. With --baseline, an issue
// that fails the run says whether the baseline had it (known: it does not fail the run after
// all) or not (new); one that does not fail the run is not compared.
//
//   for_each_issue(report, [&](const Issue& issue) {
//     out << (issue.fails ? "error" : "warning") << ' ' << issue.where << ':' << issue.line;
//   });
//
// Not part of the public API: only src/report/*.cpp include this file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// IssueRule says which kind of rule an issue breaks; `error` or `code` names it.
enum class IssueRule : std::uint8_t { error_kind, finding, source_error };

struct Issue {
  IssueRule rule = IssueRule::error_kind;
  model::ErrorKind error = model::ErrorKind::none;       // for IssueRule::error_kind
  model::FindingCode code = model::FindingCode::status;  // for IssueRule::finding
  bool fails = false;                                    // it fails the run
  // baseline is `known` or `fresh` for an issue that fails the run and was compared with the
  // run's --baseline (matched by URL and failure kind), `none` otherwise.
  model::BaselineState baseline = model::BaselineState::none;
  std::string message;     // one line, naming the URL or route it is about
  std::string_view where;  // the sitemap (URL or path) or routes file; may be empty
  std::uint32_t line = 0;  // in `where`; 0 when unknown
  std::string_view url;    // the listed URL it is about, or empty
  int status = 0;          // the URL's final status, 0 when none
  // Crawl mode: the pages that link to the URL (at most model::kMaxReferrers), and how many
  // there were; null and 0 when none is known.
  const std::vector<model::Referrer>* referrers = nullptr;
  std::uint64_t referrer_count = 0;
  // identity tells this issue from every other of the same rule, across runs: the URL, or
  // the sitemap and message, with a count when one repeats; never the line.
  std::string identity;
};

// rule_word() is the issue's rule as the reports name it: the error kind's or finding code's
// word, or "unreadable_sitemap".
std::string_view rule_word(const Issue& issue);

// for_each_issue() calls `visit` with every issue of `report`, in the order above.
void for_each_issue(const model::Report& report, const std::function<void(const Issue&)>& visit);

}  // namespace siteaudit::report
