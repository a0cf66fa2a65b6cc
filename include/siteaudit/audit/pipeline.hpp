// pipeline.hpp — one audit run: sources -> loader -> jobs -> N workers -> results -> collector.
//
// run_audit() validates the configuration, starts a Runtime, streams sitemap URLs through a
// bounded jobs channel to exactly `workers` checker fibers, collects every Result (a closer
// fiber waits on the workers' WaitGroup and closes the results channel), compares what was
// found with the expected routes, and writes the requested reports.
//
// Example:
//   audit::AuditConfig config;
//   config.inputs = {"https://example.com/sitemap.xml"};
//   config.json = "report.json";
//   int code = audit::run_audit(config, std::cout, std::cerr);
//
// Exit codes (DESIGN.md): 0 all checks passed; 1 failures found; 2 usage, configuration or
// input error (one line on `err`); 130 interrupted (Ctrl-C, SIGTERM), partial report written.
#pragma once

#include <iosfwd>

#include "siteaudit/audit/audit_config.hpp"

namespace siteaudit::audit {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailures = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

// run_audit() runs one audit and returns the process exit code. It installs SIGINT/SIGTERM
// handlers for the duration of the run: the first cancels the run, the second exits at once.
int run_audit(const AuditConfig& config, std::ostream& out, std::ostream& err);

}  // namespace siteaudit::audit
