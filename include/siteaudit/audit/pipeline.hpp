// pipeline.hpp — one audit run: loader -> frontier -> jobs -> N workers -> results -> collector.
//
// run_pipeline() makes a plan of the configuration (validated once), starts a Runtime, and
// wires the steps: the sitemap loader offers the URLs it finds to the Frontier, whose
// dispatcher feeds a bounded jobs channel to exactly `workers` checker fibers (WorkerPool);
// the Collector takes every Result until the pool's closer closes the results channel, which
// happens once the frontier has seen every accepted URL collected. The routes check sees what
// the frontier accepted. It returns the finished Report and the exit code; writing the report
// is the job of the layers above (report/ writers, driven by the CLI).
//
// Example:
//   audit::AuditConfig config;
//   config.inputs = {"https://example.com/sitemap.xml"};
//   audit::PipelineResult run = audit::run_pipeline(config);
//   if (!run.error.empty()) std::cerr << "siteaudit: " << run.error << '\n';
//   return run.exit_code;
//
// Exit codes (model/exit_code.hpp): 0 all checks passed; 1 failures found; 2 usage, configuration
// or input error; 130 interrupted (Ctrl-C, SIGTERM) — the Report is still complete: every listed
// URL appears in it exactly once, as `cancelled` when it was not checked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/checker.hpp"
#include "siteaudit/audit/model_types.hpp"

namespace siteaudit::audit {

// ProgressSample is what the collector knows after each result.
struct ProgressSample {
  std::uint64_t done = 0;    // results collected
  std::uint64_t listed = 0;  // URLs the frontier has accepted so far
  std::uint64_t failed = 0;
  bool loading = true;  // a producer may still offer URLs (`listed` may grow)
  std::chrono::steady_clock::duration elapsed{};
};

using ProgressFunction = std::function<void(const ProgressSample&)>;

// RunHooks connect a run to the process around it; every member is optional.
struct RunHooks {
  // on_progress is called from the collector fiber a few times a second; it must not block.
  ProgressFunction on_progress;
  // on_notice gets a warning a person should see while the run goes on, not only in the
  // report (a robots.txt Crawl-delay that was capped). Called from any fiber on any thread;
  // it must not block for long.
  NoticeFunction on_notice;
  // interrupt_fd becomes readable when the user asks the run to stop (the CLI's signal
  // handler writes to it); the run is then cancelled and reported as interrupted, naming
  // interrupt_reason(). -1: nothing interrupts the run but --max-time.
  int interrupt_fd = -1;
  std::function<std::string()> interrupt_reason;
  // cached (--cache) says which URLs passed recently enough not to be requested again; see
  // CheckSettings::cached.
  std::function<std::optional<int>(std::string_view check_url)> cached;
};

struct PipelineResult {
  // report is complete when `ran` is true (even when interrupted or on an input error).
  Report report;
  bool ran = false;
  int exit_code = kExitOk;
  // error is the one-line reason for exit code 2 (configuration or top-level input).
  std::string error;
};

// exit_code() applies the exit-code contract to a finished report (its summary filled): 130
// when a signal interrupted the run, 2 on an input error, 1 when a URL failed or was
// cancelled, a source failed, a route is missing (decided by the merge for a shard) or, with
// `strict`, anything warned; else 0. `siteaudit merge` applies it to the merged report.
int exit_code(const Report& report, bool strict, bool input_error, bool interrupted_by_signal);

// run_pipeline() runs one audit. Signals are the caller's: it passes their fd in `hooks`.
PipelineResult run_pipeline(const AuditConfig& config, const RunHooks& hooks = {});

}  // namespace siteaudit::audit
