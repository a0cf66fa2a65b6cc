// json_writer.hpp — the machine-readable report, schema `siteaudit.report/1`.
//
// write_json() writes a Report as one JSON document whose shape is fixed by
// man/siteaudit-report.schema.json and the "JSON REPORT" section of siteaudit(1). It is made
// to be diffed between runs and queried with jq:
//   - keys come in a fixed, documented order;
//   - every documented key is always present: a value that does not apply is `null`
//     (strings, statuses, line numbers) or `[]` (lists); counts and flags are never null;
//   - each element of `sources` and `results` sits on a line of its own, so `diff` and
//     `grep` work line by line;
//   - text that is not valid UTF-8 (a sitemap may list anything) has each bad byte replaced
//     by U+FFFD, since JSON cannot carry it.
//
// The writer streams: results are serialised and written one at a time, so a
// 1,000,000-result report costs the memory of one result beyond the Report itself.
//
// Example:
//   model::Report report = collect(...);
//   report.summary = model::summarize(report);
//   std::ofstream file("report.json");
//   report::write_json(report, file);
//   if (!file.flush()) fail("report.json: write failed");
//
// Thread safety: a pure function of its arguments; concurrent calls on different streams are
// safe.
#pragma once

#include <ostream>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// kJsonSchemaId is the value of the report's "schema" key. It changes only when a change would
// break a consumer (a key removed, renamed or retyped); new keys keep the id.
inline constexpr const char* kJsonSchemaId = "siteaudit.report/1";

// write_json() writes `report` to `out`. The summary is written as given: fill it with
// model::summarize() first. Stops early if `out` fails; the caller checks the stream.
void write_json(const model::Report& report, std::ostream& out);

}  // namespace siteaudit::report
