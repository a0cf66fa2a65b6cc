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
// The writers mark each failure against the block: BaselineInfo::state() for one key,
// result_state() for a result (known when every key of it is known, new when any is new).
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
#include <cstdint>
#include <string>
#include <string_view>
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

// BaselineState is how one failure stands against the baseline: `none` when there is no
// baseline (or nothing failed), `fresh` when the baseline did not have it, `known` when it did.
enum class BaselineState : std::uint8_t { none, fresh, known };

// BaselineInfo is the report's "baseline" block; `file` empty means no --baseline.
// The three lists are sorted, as compare_with_baseline() leaves them and the JSON report keeps
// them.
struct BaselineInfo {
  std::string file;
  std::vector<FailureKey> known;  // failures the baseline had too: they do not fail the run
  std::vector<FailureKey> fresh;  // failures the baseline did not have: they fail the run
  std::vector<FailureKey> fixed;  // the baseline's failures this run no longer has

  bool enabled() const noexcept { return !file.empty(); }
  // state() is how the failure (url, kind) stands: `none` without a baseline, `known` when
  // `known` holds it, `fresh` otherwise.
  BaselineState state(std::string_view url, std::string_view kind) const;
};

// to_string() is the state's word in the reports: "", "new", "known".
const char* to_string(BaselineState state);

// failure_kind() is the kind of a failed or cancelled result's key: the report's error_kind of
// it, or the outcome's word when it has none.
const char* failure_kind(const Result& result);

// result_state() is how the failures of one result stand (with --strict its findings and an
// inconclusive answer are failures too): `none` without a baseline or when it has no failure,
// `known` when the baseline had every one of them, `fresh` when it lacked any.
BaselineState result_state(const BaselineInfo& baseline, const Result& result, bool strict);

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
