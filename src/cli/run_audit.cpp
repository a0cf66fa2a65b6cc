// run_audit.cpp — report destinations, progress, writers and the exit code.
#include "cli/run_audit.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/report_file.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/report/json_writer.hpp"
#include "siteaudit/report/junit_writer.hpp"
#include "siteaudit/report/markdown_writer.hpp"
#include "siteaudit/report/progress_printer.hpp"
#include "siteaudit/report/summary_writer.hpp"

namespace siteaudit::cli {

namespace {

// terminal_width() is the width of the terminal on `fd`, or 80 when it is not one.
std::size_t terminal_width(int fd) {
  struct winsize size {};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// report_conflict() says which report would replace a file the run reads (an input, the
// routes file, the config file, ...) or an earlier report, or "" when none would: the run
// reads its inputs before the reports are written, so such a report would destroy its input.
std::string report_conflict(const Options& options) {
  const audit::AuditConfig& config = options.config;
  std::vector<std::pair<std::string, std::string>> taken;  // (what it is, path)
  for (const std::string& input : config.inputs) {
    if (input != "-" && input.find("://") == std::string::npos) taken.emplace_back("input", input);
  }
  taken.emplace_back("--expect file", config.expect);
  taken.emplace_back("--cookies file", config.cookies);
  taken.emplace_back("--ca-file file", config.ca_file);
  taken.emplace_back("--config file", options.config_file);
  const std::pair<std::string, std::string> reports[] = {
      {"--json", config.json}, {"--junit", config.junit}, {"--markdown", config.markdown}};
  for (const auto& [option, path] : reports) {
    if (path.empty() || path == "-") continue;
    for (const auto& [what, other] : taken) {
      if (!other.empty() && same_file(path, other)) {
        return fmt::format("{}: '{}' is the {} '{}'; the report would replace it", option, path,
                           what, other);
      }
    }
    taken.emplace_back(option + " report", path);
  }
  return {};
}

}  // namespace

int run_audit(const Options& options, std::ostream& out, std::ostream& err) {
  const audit::AuditConfig& config = options.config;
  std::string error = report_conflict(options);
  ReportFile json, junit, markdown;
  if (!error.empty() || !json.open("--json", config.json, out, error) ||
      !junit.open("--junit", config.junit, out, error) ||
      !markdown.open("--markdown", config.markdown, out, error)) {
    err << "siteaudit: " << error << '\n';
    return audit::kExitUsage;
  }
  // With a report on stdout, the human summary goes to stderr so stdout stays parseable.
  const bool report_on_stdout = config.json == "-" || config.junit == "-" || config.markdown == "-";
  std::ostream& human = report_on_stdout ? err : out;

  // The progress line is for a person watching a terminal; CI logs get the summary only.
  const bool progress_on =
      config.progress && config.verbosity != audit::Verbosity::quiet && isatty(STDERR_FILENO) == 1;
  report::ProgressPrinter progress(err, progress_on, terminal_width(STDERR_FILENO));
  auto on_progress = [&progress](const audit::ProgressSample& sample) {
    progress.update({.done = sample.done,
                     .total = sample.listed,
                     .failed = sample.failed,
                     .loading = sample.loading,
                     .elapsed = sample.elapsed});
  };
  audit::PipelineResult run =
      progress_on ? audit::run_pipeline(config, on_progress) : audit::run_pipeline(config);
  progress.finish();
  if (!run.error.empty()) err << "siteaudit: " << run.error << '\n';
  if (!run.ran) return run.exit_code;

  const audit::Report& report = run.report;
  if (json.stream() != nullptr) report::write_json(report, *json.stream());
  if (junit.stream() != nullptr) report::write_junit(report, *junit.stream());
  if (markdown.stream() != nullptr) report::write_markdown(report, *markdown.stream());
  // A report on standard output comes before the summary on standard error, also where the
  // two are one terminal or file.
  if (report_on_stdout) out.flush();
  {
    report::SummaryStyle style;
    style.failures_only = config.verbosity == audit::Verbosity::quiet;
    const int human_fd = &human == &err ? STDERR_FILENO : STDOUT_FILENO;
    style.color =
        report::color_enabled(config.color, isatty(human_fd) == 1, std::getenv("NO_COLOR"));
    style.verbose = config.verbosity == audit::Verbosity::verbose;
    report::write_summary(report, human, style);
  }
  // Standard output, when a report went there, is checked with the summary by main().
  for (ReportFile* file : {&json, &junit, &markdown}) {
    if (!file->commit(error)) {
      err << "siteaudit: " << error << '\n';
      return audit::kExitUsage;
    }
  }
  return run.exit_code;
}

}  // namespace siteaudit::cli
