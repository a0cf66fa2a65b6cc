// html_writer.hpp — the report as one self-contained HTML page, for people.
//
// write_html() renders a Report as a single file that opens from disk in any browser, with
// nothing fetched from anywhere (its Content-Security-Policy forbids it): inline CSS, JS and
// SVG. It shows the verdict, summary cards (outcomes, warnings, routes, sitemaps, the run's
// duration, inputs and version), SVG charts (outcomes, status classes, a latency histogram),
// the failed, skipped, cancelled and inconclusive URLs in a table with search, filters (outcome,
// status class, host) and sortable columns, the missing and unexpected routes, the warnings and
// sitemap findings, the sitemaps, and the effective configuration. Tables page, and passing
// URLs are counted, not listed, so a 1,000,000-URL run stays usable. Words and symbols say
// what colours say; it prints, and it follows the system's dark mode.
//
// The page itself is src/report/html_report.html, compiled in at build time; the run's data
// goes into it as JSON, which the page's script draws as text nodes, never as markup, so no
// URL or message from a sitemap can inject anything. The page reads query parameters (q,
// outcome, status, host, sort, dir, page; findings.q, ...) so that a link, or a test, can
// open it searched and filtered.
//
// Example:
//   std::ofstream file("report.html");
//   report::write_html(report, file);
//
// Thread safety: a pure function of its arguments; concurrent calls on different streams are
// safe.
#pragma once

#include <ostream>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// write_html() writes `report` to `out` as an HTML page (UTF-8). Fill the summary with
// model::summarize() first. Streams one listed row at a time; stops early if `out` fails.
void write_html(const model::Report& report, std::ostream& out);

}  // namespace siteaudit::report
