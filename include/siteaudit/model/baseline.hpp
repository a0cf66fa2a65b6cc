// baseline.hpp — --baseline OLD.json: which failures were already there, which are new, which
// went away.
//
// A site with known broken links cannot gate its CI on "no failures" until every one is fixed;
// it can gate on "no new failures". A failure is identified by its FailureKey: the URL (as the
// sitemap listed it) and the kind of failure, so that a page that failed with 404 and now
// times out is a new failure, while the same 404 again is a known one. The keys of a report:
//   - a failed or cancelled result: (url, its error_kind: "status", "timeout", the code of the
//     finding that failed it, ...);
//   - a source that could not be loaded: (source URL, "source_error");
//   - a missing route: (route, "missing_route");
// and, with --strict, where warnings and bot walls fail the run:
//   - an inconclusive result: (url, "inconclusive");
//   - each finding of a result: (url, finding code); of a source: (source URL, finding code);
//   - an unexpected URL: (url, "unexpected_route").
// The old report is judged by the current run's --strict, so that switching --strict on does
// not make every old warning "new".
//
// Example:
//   std::vector<FailureKey> now;
//   add_report_failures(report, strict, now);
//   for (const Result& r : report.results) add_result_failures(r, strict, now);
//   report.baseline = compare_with_baseline("old.json", old_keys, now);
//
// Thread safety: plain values and pure functions.
#pragma once

#include <compare>
#include <string>
#include <vector>

namespace siteaudit::model {

struct Report;  // report.hpp, which holds a BaselineInfo
struct Result;

struct FailureKey {
  std::string url;
  std::string kind;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the defaulted <=>'s 0.
  auto operator<=>(const FailureKey&) const = default;
};

// BaselineInfo is the report's "baseline" block; `file` empty means no --baseline.
struct BaselineInfo {
  std::string file;
  std::vector<FailureKey> known;  // failures the baseline had too: they do not fail the run
  std::vector<FailureKey> fresh;  // failures the baseline did not have: they fail the run
  std::vector<FailureKey> fixed;  // the baseline's failures this run no longer has

  bool enabled() const noexcept { return !file.empty(); }
};

// add_result_failures() appends the failure keys of one result.
void add_result_failures(const Result& result, bool strict, std::vector<FailureKey>& out);

// add_report_failures() appends the failure keys of a report that are not its results': its
// sources and routes.
void add_report_failures(const Report& report, bool strict, std::vector<FailureKey>& out);

// compare_with_baseline() sorts both lists, drops repeats, and splits them into known, new and
// fixed.
BaselineInfo compare_with_baseline(std::string file, std::vector<FailureKey> old_keys,
                                   std::vector<FailureKey> keys);

}  // namespace siteaudit::model
