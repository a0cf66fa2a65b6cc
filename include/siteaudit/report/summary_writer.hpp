// summary_writer.hpp — the summary a person reads on the terminal when the run ends.
//
// write_summary() prints counts by outcome and by status class, latency percentiles, the
// failures with their status or error and the sitemap (and line) that listed them, the
// sitemaps that failed to load, the expected routes that are missing, and ends with one
// verdict line ("FAILED: 3 of 120 URLs failed, 2 expected routes missing"). With --baseline
// the failures are listed in two parts, the new ones (which fail the run) and the known ones
// (which do not), followed by the baseline's failures that are fixed. Lists are cut
// after `max_listed` entries unless `verbose`, which also lists warnings and unexpected URLs.
// ANSI colours are written only when `color` is set; every string that came from a sitemap
// or a server has its control characters replaced, so a hostile sitemap cannot send escape
// sequences to the user's terminal.
//
// Example:
//   report::SummaryStyle style{
//       .color = report::color_enabled(config.color, isatty(2), std::getenv("NO_COLOR")),
//       .verbose = config.verbosity == model::Verbosity::verbose};
//   report::write_summary(report, std::cerr, style);
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <ostream>

#include "siteaudit/model/output_mode.hpp"
#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

struct SummaryStyle {
  bool color = false;           // ANSI colours and bold
  bool verbose = false;         // list everything: all failures, warnings, unexpected URLs
  std::size_t max_listed = 10;  // entries per list when not verbose
  bool failures_only = false;   // --quiet: only what failed (URLs, sitemaps, missing routes)
};

// write_summary() writes the terminal summary of `report` to `out`. The summary is read from
// report.summary (fill it with model::summarize() first) and the verdict follows
// report.run.exit_code and report.run.interrupted, so both must be final.
void write_summary(const model::Report& report, std::ostream& out, const SummaryStyle& style);

// color_enabled() decides whether to colour output: `always` and `never` are what they say;
// `auto_detect` colours only a terminal, and only when NO_COLOR is unset or empty
// (https://no-color.org). Pass std::getenv("NO_COLOR") as `no_color_env`.
bool color_enabled(model::ColorMode mode, bool is_tty, const char* no_color_env);

}  // namespace siteaudit::report
