// run_audit.hpp — the CLI's run: pipeline in, reports and exit code out.
//
// run_audit() is what main() calls after parsing: it opens the report destinations first (an
// unwritable path, or one that names an input, is a usage error before any request is made),
// runs the audit pipeline with a progress line on a terminal, and writes the JSON, JUnit,
// Markdown and terminal reports; each report file replaces its target only once it is
// complete (ReportFile).
#pragma once

#include <iosfwd>
#include <string>

#include "cli/command_line.hpp"
#include "cli/report_file.hpp"
#include "siteaudit/model/report.hpp"

namespace siteaudit::cli {

// ReportOutputs are the --json, --junit, --markdown, --sarif and --html destinations of a run
// or a merge.
struct ReportOutputs {
  ReportOutputs();
  ~ReportOutputs();
  ReportOutputs(const ReportOutputs&) = delete;
  ReportOutputs& operator=(const ReportOutputs&) = delete;

  // open() prepares the destinations `config` names, before any work is done; false with
  // `error` set ("--json: cannot write 'PATH': why") when one cannot be written.
  [[nodiscard]] bool open(const audit::AuditConfig& config, std::ostream& out, std::string& error);

  ReportFile json, junit, markdown, sarif, html;
};

// deliver_reports() writes `report` to the opened `files`, the GitHub annotations (when on) and
// the terminal summary (to stderr when a report goes to stdout), puts the files in place and
// returns `exit_code`, or 2 when a report could not be written.
int deliver_reports(const model::Report& report, const audit::AuditConfig& config,
                    ReportOutputs& files, std::ostream& out, std::ostream& err, int exit_code);

// run_audit() runs one audit and returns the process exit code (model/exit_code.hpp).
int run_audit(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace siteaudit::cli
