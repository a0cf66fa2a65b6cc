// run_audit.cpp — report destinations, progress, writers and the exit code.
#include "cli/run_audit.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/interrupt_guard.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/report/json_writer.hpp"
#include "siteaudit/report/junit_writer.hpp"
#include "siteaudit/report/markdown_writer.hpp"
#include "siteaudit/report/progress_printer.hpp"
#include "siteaudit/report/summary_writer.hpp"

namespace siteaudit::cli {

namespace {

// ReportFile is one report destination, opened before the run so that an unwritable path is
// a usage error (exit 2) rather than a surprise after a long audit. "-" is standard output.
class ReportFile {
 public:
  bool open(const std::string& path, std::ostream& stdout_stream, std::string& error) {
    path_ = path;
    if (path.empty()) return true;
    if (path == "-") {
      stream_ = &stdout_stream;
      return true;
    }
    file_.open(path, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!file_) {
      error = path + ": cannot write a report there";
      return false;
    }
    stream_ = &file_;
    return true;
  }
  std::ostream* stream() const noexcept { return stream_; }
  // finish() flushes and reports a failed write (disk full, closed pipe).
  bool finish(std::string& error) {
    if (stream_ == nullptr) return true;
    stream_->flush();
    if (!*stream_) {
      error = path_ + ": writing the report failed";
      return false;
    }
    return true;
  }

 private:
  std::string path_;
  std::ofstream file_;
  std::ostream* stream_ = nullptr;
};

// terminal_width() is the width of the terminal on `fd`, or 80 when it is not one.
std::size_t terminal_width(int fd) {
  struct winsize size {};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

int run_audit(const audit::AuditConfig& config, std::ostream& out, std::ostream& err) {
  std::string error;
  ReportFile json, junit, markdown;
  if (!json.open(config.json, out, error) || !junit.open(config.junit, out, error) ||
      !markdown.open(config.markdown, out, error)) {
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
  audit::RunHooks hooks;
  // Notices come from worker fibers on any thread while the collector draws the progress
  // line: one lock keeps a notice from landing in the middle of the line.
  std::mutex terminal;
  if (progress_on) {
    hooks.on_progress = [&progress, &terminal](const audit::ProgressSample& sample) {
      std::lock_guard lock(terminal);
      progress.update({.done = sample.done,
                       .total = sample.listed,
                       .failed = sample.failed,
                       .loading = sample.loading,
                       .elapsed = sample.elapsed});
    };
  }
  if (config.verbosity != audit::Verbosity::quiet) {
    hooks.on_notice = [&progress, &terminal, &err](std::string_view notice) {
      std::lock_guard lock(terminal);
      progress.finish();  // the next update draws the line again, below the notice
      err << "siteaudit: warning: " << notice << '\n' << std::flush;
    };
  }
  // The first SIGINT/SIGTERM cancels the run, which still reports every URL; the second
  // exits at once (interrupt_guard.hpp).
  InterruptGuard interrupt;
  hooks.interrupt_fd = interrupt.fd();
  hooks.interrupt_reason = [&interrupt] {
    const char* name = interrupt.signal_name();
    return std::string(name != nullptr ? name : "signal");
  };
  audit::PipelineResult run = audit::run_pipeline(config, hooks);
  progress.finish();
  if (!run.error.empty()) err << "siteaudit: " << run.error << '\n';
  if (!run.ran) return run.exit_code;

  const audit::Report& report = run.report;
  if (json.stream() != nullptr) report::write_json(report, *json.stream());
  if (junit.stream() != nullptr) report::write_junit(report, *junit.stream());
  if (markdown.stream() != nullptr) report::write_markdown(report, *markdown.stream());
  {
    report::SummaryStyle style;
    style.failures_only = config.verbosity == audit::Verbosity::quiet;
    const int human_fd = &human == &err ? STDERR_FILENO : STDOUT_FILENO;
    style.color =
        report::color_enabled(config.color, isatty(human_fd) == 1, std::getenv("NO_COLOR"));
    style.verbose = config.verbosity == audit::Verbosity::verbose;
    report::write_summary(report, human, style);
  }
  for (ReportFile* file : {&json, &junit, &markdown}) {
    if (!file->finish(error)) {
      err << "siteaudit: " << error << '\n';
      return audit::kExitUsage;
    }
  }
  return run.exit_code;
}

}  // namespace siteaudit::cli
