// run_audit.hpp — the CLI's run: pipeline in, reports and exit code out.
//
// run_audit() is what main() calls after parsing: it opens the report destinations first (an
// unwritable path, or one that names an input, is a usage error before any request is made),
// runs the audit pipeline with a progress line on a terminal, and writes the JSON, JUnit,
// Markdown and terminal reports; each report file replaces its target only once it is
// complete (ReportFile).
#pragma once

#include <iosfwd>

#include "cli/command_line.hpp"

namespace siteaudit::cli {

// run_audit() runs one audit and returns the process exit code (model/exit_code.hpp).
int run_audit(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace siteaudit::cli
