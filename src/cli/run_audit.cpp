// run_audit.cpp — report destinations, progress, writers and the exit code.
#include "cli/run_audit.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/baseline_file.hpp"
#include "cli/command_line.hpp"
#include "cli/interrupt_guard.hpp"
#include "cli/report_file.hpp"
#include "cli/result_cache.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/model/shard_info.hpp"
#include "siteaudit/report/annotation_writer.hpp"
#include "siteaudit/report/html_writer.hpp"
#include "siteaudit/report/json_writer.hpp"
#include "siteaudit/report/junit_writer.hpp"
#include "siteaudit/report/markdown_writer.hpp"
#include "siteaudit/report/progress_printer.hpp"
#include "siteaudit/report/sarif_writer.hpp"
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
// routes file, the config file, ...) or an earlier report, or would share standard output
// with another, or "" when none would: the run reads its inputs before the reports are
// written, so such a report would destroy its input, and two documents on one stream parse
// as neither.
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
  const std::pair<std::string, std::string> reports[] = {{"--json", config.json},
                                                         {"--junit", config.junit},
                                                         {"--markdown", config.markdown},
                                                         {"--sarif", config.sarif},
                                                         {"--html", config.html}};
  std::string on_stdout;  // the report that writes to standard output
  for (const auto& [option, path] : reports) {
    if (path == "-") {
      if (!on_stdout.empty()) {
        return fmt::format(
            "{}: {} already writes to standard output (-); write one of them to a file", option,
            on_stdout);
      }
      on_stdout = option;
    }
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

// open_markdown() opens the --markdown report: appended to GitHub's job summary file
// ($GITHUB_STEP_SUMMARY), which collects the summaries of every step, and replaced anywhere else.
bool open_markdown(ReportFile& markdown, const std::string& path, std::ostream& out,
                   std::string& error) {
  const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (!path.empty() && path != "-" && step_summary != nullptr && *step_summary != '\0' &&
      same_file(path, step_summary)) {
    return markdown.open_append("--markdown", path, error);
  }
  return markdown.open("--markdown", path, out, error);
}

// save_cache() teaches the cache what the run found. A cache that cannot be written costs the
// next run time, not this run its result: it is a warning.
void save_cache(const ResultCache& cache, const audit::Report& report,
                const audit::NoticeFunction& notice) {
  std::string warning;
  const std::string error = cache.save(report, warning);
  const std::uint64_t cached = static_cast<std::uint64_t>(std::count_if(
      report.results.begin(), report.results.end(), [](const auto& r) { return r.cached; }));
  if (!notice) return;
  if (cached != 0) {
    notice(fmt::format("{} URL{} passed within --cache-max-age and {} not requested (--cache)",
                       cached, cached == 1 ? "" : "s", cached == 1 ? "was" : "were"));
  }
  if (!error.empty()) notice(error);
}

}  // namespace

ReportOutputs::ReportOutputs() = default;
ReportOutputs::~ReportOutputs() = default;

bool ReportOutputs::open(const audit::AuditConfig& config, std::ostream& out, std::string& error) {
  return json.open("--json", config.json, out, error) &&
         junit.open("--junit", config.junit, out, error) &&
         open_markdown(markdown, config.markdown, out, error) &&
         sarif.open("--sarif", config.sarif, out, error) &&
         html.open("--html", config.html, out, error);
}

int deliver_reports(const audit::Report& report, const audit::AuditConfig& config,
                    ReportOutputs& files, std::ostream& out, std::ostream& err, int exit_code) {
  // With a report on stdout, the human summary goes to stderr so stdout stays parseable.
  const bool report_on_stdout = config.json == "-" || config.junit == "-" ||
                                config.markdown == "-" || config.sarif == "-" || config.html == "-";
  std::ostream& human = report_on_stdout ? err : out;
  if (files.json.stream() != nullptr) report::write_json(report, *files.json.stream());
  if (files.junit.stream() != nullptr) report::write_junit(report, *files.junit.stream());
  if (files.markdown.stream() != nullptr) report::write_markdown(report, *files.markdown.stream());
  if (files.sarif.stream() != nullptr) report::write_sarif(report, *files.sarif.stream());
  if (files.html.stream() != nullptr) report::write_html(report, *files.html.stream());
  // A report on standard output comes before the summary on standard error, also where the
  // two are one terminal or file.
  if (report_on_stdout) out.flush();
  if (report::annotations_enabled(config.annotations, std::getenv("GITHUB_ACTIONS"))) {
    report::write_github_annotations(report, human);
  }
  // An input error before any URL was listed leaves nothing to summarise: the one line on
  // standard error says it all (the report files are still written for CI).
  const bool nothing_checked = exit_code == audit::kExitUsage && report.results.empty();
  if (!nothing_checked) {
    report::SummaryStyle style;
    style.failures_only = config.verbosity == audit::Verbosity::quiet;
    const int human_fd = &human == &err ? STDERR_FILENO : STDOUT_FILENO;
    style.color =
        report::color_enabled(config.color, isatty(human_fd) == 1, std::getenv("NO_COLOR"));
    style.verbose = config.verbosity == audit::Verbosity::verbose;
    report::write_summary(report, human, style);
  }
  // Standard output, when a report went there, is checked with the summary by main().
  std::string error;
  for (ReportFile* file : {&files.json, &files.junit, &files.markdown, &files.sarif, &files.html}) {
    if (!file->commit(error)) {
      err << "siteaudit: " << error << '\n';
      return audit::kExitUsage;
    }
  }
  return exit_code;
}

int run_audit(const Options& options, std::ostream& out, std::ostream& err) {
  const audit::AuditConfig& config = options.config;
  std::string error = report_conflict(options);
  ReportOutputs files;
  BaselineKeys baseline;
  if (!error.empty() || !files.open(config, out, error) ||
      (!config.baseline.empty() &&
       !(error = load_baseline(config.baseline, config.strict, baseline)).empty())) {
    err << "siteaudit: " << error << '\n';
    return audit::kExitUsage;
  }

  ResultCache cache;
  std::string cache_warning;
  if (!config.cache.empty()) {
    error = ResultCache::load(config.cache, config.cache_max_age, report_settings(options), cache,
                              cache_warning);
    if (!error.empty()) {
      err << "siteaudit: " << error << '\n';
      return audit::kExitUsage;
    }
  }

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
  if (!config.cache.empty()) {
    if (hooks.on_notice && !cache_warning.empty()) hooks.on_notice(cache_warning);
    hooks.cached = [&cache](std::string_view url) { return cache.fresh(url); };
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

  run.report.config = report_settings(options);
  if (run.report.shard.enabled()) {
    run.report.shard.fingerprint = model::config_fingerprint(run.report.config);
  }
  if (!config.cache.empty()) save_cache(cache, run.report, hooks.on_notice);
  if (!config.baseline.empty()) {
    apply_baseline(run.report, config.baseline, std::move(baseline), config.strict);
  }
  return deliver_reports(run.report, config, files, out, err, run.report.run.exit_code);
}

}  // namespace siteaudit::cli
