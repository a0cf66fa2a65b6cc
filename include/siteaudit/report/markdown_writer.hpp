// markdown_writer.hpp — the report as GitHub-flavoured Markdown, for CI job summaries.
//
// write_markdown() renders the verdict, a summary table (outcomes, status classes, latency),
// the failures (URL, status or error, sitemap), sitemaps that could not be loaded, missing and
// unexpected routes, and warnings. With --baseline a table counts the new, known and fixed
// failures, and the failures come in two tables, the new ones (which fail the run) and the known
// ones (which do not), followed by the baseline's failures that are fixed. It is made for
// $GITHUB_STEP_SUMMARY and GitLab / Gitea comments: each list is capped at `max_rows` with an "...
// and N more" line, because job summaries are limited in size (GitHub: 1 MiB per step) and a
// 10,000-row table helps nobody. URLs are code spans (no autolinking, no emphasis from `_`); other
// text is escaped so that a sitemap cannot inject markup, HTML or table cells.
//
// Example:
//   if (const char* path = std::getenv("GITHUB_STEP_SUMMARY")) {
//     std::ofstream summary(path, std::ios::app);
//     report::write_markdown(report, summary);
//   }
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <cstddef>
#include <ostream>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

struct MarkdownOptions {
  std::size_t max_rows = 50;  // entries per list before "... and N more"
};

// write_markdown() writes `report` to `out`. The summary and verdict are read from
// report.summary and report.run, which must be final.
void write_markdown(const model::Report& report, std::ostream& out,
                    const MarkdownOptions& options = {});

}  // namespace siteaudit::report
