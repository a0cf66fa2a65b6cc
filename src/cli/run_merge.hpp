// run_merge.hpp — `siteaudit merge REPORT...`: the parts of a sharded run, combined.
//
// run_merge() reads the JSON reports of the N parts of a run made with --shard K/N and writes
// the report one run of the whole input would have written (JSON, JUnit, Markdown, the
// terminal summary), with the exit code that run would have had. It proves coverage before
// writing anything: every part from 1 to N exactly once, all from the same inputs and options
// (the fingerprint and the config block), the same sitemaps, and together exactly the whole
// input's URLs, each once. The routes check is decided over the union: a route is missing only
// when no part matched it. Anything else is exit 2 with one line naming the file.
//
// The parts are read one at a time and their results streamed (report::read_json), so the
// merge holds the merged results as one run would (48 bytes and the URL per result, the writers
// take a whole Report), never a part's JSON document.
//
// Example:
//   siteaudit merge --json report.json --junit junit.xml part-*.json
#pragma once

#include <iosfwd>

#include "cli/command_line.hpp"

namespace siteaudit::cli {

// run_merge() merges options.merge_reports and returns the process exit code.
int run_merge(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace siteaudit::cli
