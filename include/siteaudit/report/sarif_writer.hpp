// sarif_writer.hpp — the report as SARIF 2.1.0, for code scanning tools.
//
// write_sarif() renders a Report as one SARIF log with one run, which GitHub code scanning,
// GitLab, Azure DevOps and the SARIF viewers read:
//   - tool.driver.rules: one rule per failure kind and per finding code, taken from the
//     model's tables (error_kind_names(), finding_code_names()), so a code added there is a
//     rule at once; each has a description and help text. Rule ids are "error/<kind>",
//     "finding/<code>" and "source/unreadable" (a sitemap that could not be loaded).
//   - results: a failed URL (level error), each finding on a URL or a sitemap (warning, or
//     error when it fails the run: its severity is failure, or --strict), an unloadable
//     sitemap, a missing route and an unexpected URL (--expect). Passing URLs are counted in
//     the run's properties, never listed.
//   - each result is located in the sitemap that listed the URL and the line: a local sitemap
//     as its path (relative as given, absolute as a file: URI), a remote one as its URL; a
//     missing route in the routes file.
//   - partialFingerprints["siteaudit/v1"] is a hash of the rule and the URL (or the sitemap
//     and the message), not of the line, so that a tool tracks a result across runs while
//     the sitemap around it changes.
//   - with --baseline (SARIF's own baselining, §3.27.24): each result that fails the run has
//     baselineState "new" (level error) or "unchanged" (the baseline had it: level warning,
//     since it does not fail the run); a result that does not fail the run is not compared and
//     has none; each failure of the baseline that this run no longer has is a result of its
//     own with baselineState "absent", kind "pass" and level "none". The run's properties
//     count them under "baseline".
//   - invocations[0] says whether the audit ran (exit code 0 or 1) and its exit code.
// Text that is not valid UTF-8 has each bad byte replaced by U+FFFD, as in the JSON report.
//
// The writer streams: one result is rendered at a time, so memory beyond the Report is one
// result's text (and, with --expect, an index of the unexpected URLs).
//
// Example:
//   std::ofstream file("siteaudit.sarif");
//   report::write_sarif(report, file);
//
// Thread safety: a pure function of its arguments; concurrent calls on different streams are
// safe.
#pragma once

#include <ostream>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// kSarifFingerprintKey is the key of the partialFingerprints entry every result carries. Its
// version changes only when the fingerprint's input changes.
inline constexpr const char* kSarifFingerprintKey = "siteaudit/v1";

// write_sarif() writes `report` to `out` as a SARIF 2.1.0 log (UTF-8 JSON). Fill the summary
// with model::summarize() first. Stops early if `out` fails; the caller checks the stream.
void write_sarif(const model::Report& report, std::ostream& out);

}  // namespace siteaudit::report
