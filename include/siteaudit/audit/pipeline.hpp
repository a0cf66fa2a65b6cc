// pipeline.hpp — one audit run: sources -> loader -> jobs -> N workers -> results -> collector.
//
// run_pipeline() validates the configuration, starts a Runtime, streams sitemap URLs through a
// bounded jobs channel to exactly `workers` checker fibers, collects every Result (a closer
// fiber waits on the workers' WaitGroup and closes the results channel), and compares what was
// found with the expected routes. It returns the finished Report and the exit code; writing
// the report is the job of the layers above (report/ writers, driven by the CLI).
//
// Example:
//   audit::AuditConfig config;
//   config.inputs = {"https://example.com/sitemap.xml"};
//   audit::PipelineResult run = audit::run_pipeline(config);
//   if (!run.error.empty()) std::cerr << "siteaudit: " << run.error << '\n';
//   return run.exit_code;
//
// Exit codes (DESIGN.md): 0 all checks passed; 1 failures found; 2 usage, configuration or
// input error; 130 interrupted (Ctrl-C, SIGTERM) — the Report is still complete: every listed
// URL appears in it exactly once, as `cancelled` when it was not checked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/report.hpp"

namespace siteaudit::audit {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailures = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

// ProgressSample is what the collector knows after each result.
struct ProgressSample {
  std::uint64_t done = 0;    // results collected
  std::uint64_t listed = 0;  // URLs the loader has sent so far
  std::uint64_t failed = 0;
  bool loading = true;  // the loader is still reading sitemaps (`listed` may grow)
  std::chrono::steady_clock::duration elapsed{};
};

struct PipelineResult {
  // report is complete when `ran` is true (even when interrupted or on an input error).
  Report report;
  bool ran = false;
  int exit_code = kExitOk;
  // error is the one-line reason for exit code 2 (configuration or top-level input).
  std::string error;
};

// run_pipeline() runs one audit. It installs SIGINT/SIGTERM handlers for the duration of the
// run: the first cancels it, the second exits the process at once with status 130.
// `on_progress` is called from the collector fiber after each result; it must not block.
PipelineResult run_pipeline(const AuditConfig& config,
                            const std::function<void(const ProgressSample&)>& on_progress = {});

}  // namespace siteaudit::audit
