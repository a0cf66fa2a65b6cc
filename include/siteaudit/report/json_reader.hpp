// json_reader.hpp — a JSON report (`siteaudit.report/1`) read back into a Report.
//
// read_json() reads what write_json() writes, so that `siteaudit merge` can combine the
// reports of a sharded run and `--baseline` can compare with an earlier one. It streams the
// results: each is converted and handed on as soon as its object is parsed, and the parsed
// JSON of it is dropped, so reading a part of a million results never holds its document,
// only what the caller keeps. Everything else (config, run, summary, sources, routes, shard)
// is small and read whole.
//
// A report that is not valid — not JSON, another schema, a key of the wrong type, an unknown
// word — is a failure naming the place: "results[12].status: expected an integer or null".
// Keys the reader does not know are ignored, so a report from a newer release that only added
// keys still reads.
//
// Example:
//   std::ifstream in("part-1.json");
//   model::Report part;
//   std::string error = report::read_json(in, part, [&](model::Result&& r) { keep(r); });
//   if (!error.empty()) fail("part-1.json: " + error);
//
// Thread safety: a pure function of its arguments; concurrent calls on different streams are
// safe.
#pragma once

#include <functional>
#include <istream>
#include <string>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// ResultSink takes each result as it is read, in file order. Its `url` views text that lives
// only until the call returns: a sink that keeps the Result stores the text itself.
using ResultSink = std::function<void(model::Result&& result)>;

// read_json() reads a report from `in` into `report`: everything but the results, and the
// results too (their URLs stored in report.url_text) when `sink` is empty; otherwise each
// result goes to `sink`. It returns "" on success, or what is wrong and where.
[[nodiscard]] std::string read_json(std::istream& in, model::Report& report,
                                    const ResultSink& sink = {});

}  // namespace siteaudit::report
