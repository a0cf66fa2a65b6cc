// run_audit.cpp — report destinations, progress, writers and the exit code.
#include "cli/run_audit.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <string>

#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/report/json_writer.hpp"

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

  audit::PipelineResult run = audit::run_pipeline(config);
  if (!run.error.empty()) err << "siteaudit: " << run.error << '\n';
  if (!run.ran) return run.exit_code;

  const audit::Report& report = run.report;
  if (json.stream() != nullptr) report::write_json(report, *json.stream());
  if (config.verbosity != audit::Verbosity::quiet) {
    human << "siteaudit: " << report.summary.total << " URLs, " << report.summary.ok << " ok, "
          << report.summary.failed << " failed\n";
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
