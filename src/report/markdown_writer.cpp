// markdown_writer.cpp — the CI job summary.
#include "siteaudit/report/markdown_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text.hpp"

namespace siteaudit::report {

namespace {

// more() is the line after a capped list; an empty string when nothing was cut.
std::string more(std::uint64_t total, std::uint64_t shown) {
  return total > shown ? fmt::format("\n... and {} more\n", total - shown) : std::string();
}

void write_header(const model::Report& report, std::ostream& out) {
  const model::Summary& s = report.summary;
  std::string_view icon;
  switch (text::verdict_kind(report)) {
    case text::VerdictKind::passed:
      icon = "\xE2\x9C\x85";
      break;  // check mark
    case text::VerdictKind::failed:
      icon = "\xE2\x9D\x8C";
      break;  // cross mark
    case text::VerdictKind::error:
      icon = "\xE2\x9D\x8C";
      break;  // cross mark
    case text::VerdictKind::interrupted:
      icon = "\xE2\x9A\xA0\xEF\xB8\x8F";
      break;  // warning
  }
  out << "## siteaudit report\n\n"
      << icon << " **" << text::markdown_text(text::verdict(report)) << "**\n\n";
  out << "siteaudit " << text::markdown_text(report.tool.version);
  if (!report.run.started_at.empty()) {
    out << " \xC2\xB7 started " << text::markdown_text(report.run.started_at);
  }
  out << " \xC2\xB7 " << text::format_ms(report.run.duration_ms) << " \xC2\xB7 "
      << report.sources.size() << (report.sources.size() == 1 ? " source" : " sources") << "\n\n";

  out << "| Outcome | URLs |\n|:--|--:|\n"
      << fmt::format("| ok | {} |\n| failed | {} |\n| skipped | {} |\n| cancelled | {} |\n", s.ok,
                     s.failed, s.skipped, s.cancelled)
      << (s.inconclusive ? fmt::format("| inconclusive | {} |\n", s.inconclusive) : std::string())
      << fmt::format("| **total** | **{}** |\n", s.total);
  if (s.warnings) out << fmt::format("| warnings | {} |\n", s.warnings);
  if (const text::StrictFailures strict = text::strict_failures(report); strict.total() != 0) {
    out << fmt::format("| **failing under --strict** | **{}** |\n", strict.total());
  }
  if (s.duplicates) out << fmt::format("| duplicates | {} |\n", s.duplicates);
  out << '\n';
  if (const model::BaselineInfo& b = report.baseline; b.enabled()) {
    out << "| Against the baseline " << text::markdown_code(b.file) << " | failures |\n|:--|--:|\n"
        << fmt::format(
               "| **new** (fail the run) | **{}** |\n| known (in the baseline) | {} |\n"
               "| fixed since the baseline | {} |\n\n",
               b.fresh.size(), b.known.size(), b.fixed.size());
  }

  if (report.crawl.enabled) {
    out << "Crawl: " << text::markdown_text(text::crawl_line(report.crawl)) << "\n\n";
  }
  out << "| 2xx | 3xx | 4xx | 5xx | no response | p50 | p90 | p99 | max |\n"
      << "|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
      << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n", s.status_2xx,
                     s.status_3xx, s.status_4xx, s.status_5xx, s.no_status,
                     text::format_ms(s.latency.p50), text::format_ms(s.latency.p90),
                     text::format_ms(s.latency.p99), text::format_ms(s.latency.max));
}

// linked_from() is a failure's referrers in one table cell: the first three and a count.
std::string linked_from(const model::Result& r) {
  if (!r.detail || r.detail->referrer_count == 0) return {};
  const model::ResultDetail& d = *r.detail;
  std::string cell;
  const std::size_t shown = std::min<std::size_t>(3, d.referrers.size());
  for (std::size_t i = 0; i < shown; ++i) {
    if (!cell.empty()) cell += "<br>";
    cell += text::markdown_text(text::referrer_text(d.referrers[i]));
  }
  if (d.referrer_count > shown) cell += fmt::format("<br>… and {} more", d.referrer_count - shown);
  return cell;
}

// write_failures() is the failures table; with --baseline it is written once for the new
// failures (`fresh`), which fail the run, and once for the known ones, which do not.
void write_failures(const model::Report& report, std::ostream& out, std::size_t max_rows,
                    model::BaselineState which = model::BaselineState::none) {
  const std::uint64_t failed = text::count_failed(report, which);
  if (failed == 0) return;
  const bool crawl = report.crawl.enabled;
  switch (which) {
    case model::BaselineState::none:
      out << fmt::format("### Failures ({})\n\n", failed);
      break;
    case model::BaselineState::fresh:
      out << fmt::format("### New failures ({})\n\nNot in the baseline: these fail the run.\n\n",
                         failed);
      break;
    case model::BaselineState::known:
      out << fmt::format(
          "### Known failures ({})\n\nIn the baseline {}: listed, but they do not fail the "
          "run.\n\n",
          failed, text::markdown_code(report.baseline.file));
      break;
  }
  out << (crawl ? "| URL | Status or error | Sitemap | Linked from |\n|:--|:--|:--|:--|\n"
                : "| URL | Status or error | Sitemap |\n|:--|:--|:--|\n");
  std::uint64_t shown = 0;
  for (const model::Result& r : report.results) {
    if (r.outcome != model::Outcome::failed) continue;
    if (which != model::BaselineState::none && text::baseline_state(report, r) != which) continue;
    if (shown == max_rows) break;
    ++shown;
    const std::string where = text::location(report, r);
    out << "| " << text::markdown_code(r.url);
    if (std::string_view requested = text::requested_url(r); !requested.empty()) {
      out << "<br>requested as " << text::markdown_code(requested);
    }
    out << " | " << text::markdown_text(text::failure_reason(r)) << " | "
        << (where.empty() ? std::string() : text::markdown_code(where)) << " |";
    if (crawl) out << ' ' << linked_from(r) << " |";
    out << '\n';
  }
  out << more(failed, shown) << '\n';
}

// write_fixed() lists the baseline's failures that this run no longer has.
void write_fixed(const model::Report& report, std::ostream& out, std::size_t max_rows) {
  const std::vector<model::FailureKey>& fixed = report.baseline.fixed;
  if (fixed.empty()) return;
  out << fmt::format("### Fixed since the baseline ({})\n\n", fixed.size())
      << "| URL or route | Failure kind |\n|:--|:--|\n";
  std::size_t shown = 0;
  for (const model::FailureKey& key : fixed) {
    if (shown == max_rows) break;
    ++shown;
    out << "| " << text::markdown_code(key.url) << " | " << text::markdown_code(key.kind) << " |\n";
  }
  out << more(fixed.size(), shown) << '\n';
}

// known_mark() follows a failure the baseline had.
std::string_view known_mark(const model::Report& report, std::string_view url,
                            std::string_view kind) {
  return report.baseline.state(url, kind) == model::BaselineState::known
             ? " (known, in the baseline)"
             : "";
}

// write_inconclusive() lists the bot walls apart from the failures.
void write_inconclusive(const model::Report& report, std::ostream& out, std::size_t max_rows) {
  const std::uint64_t n = report.summary.inconclusive;
  if (n == 0) return;
  out << fmt::format(
      "### Inconclusive ({})\n\nBot walls, not broken links (`--strict` fails them):"
      "\n\n| URL | Answer | Linked from |\n|:--|:--|:--|\n",
      n);
  std::uint64_t shown = 0;
  for (const model::Result& r : report.results) {
    if (r.outcome != model::Outcome::inconclusive) continue;
    if (shown == max_rows) break;
    ++shown;
    out << "| " << text::markdown_code(r.url) << " | "
        << text::markdown_text(text::failure_reason(r)) << " | " << linked_from(r) << " |\n";
  }
  out << more(n, shown) << '\n';
}

void write_failed_sources(const model::Report& report, std::ostream& out, std::size_t max_rows) {
  const std::size_t n = text::failed_sources(report);
  if (n == 0) return;
  out << fmt::format("### Sitemaps that could not be loaded ({})\n\n", n)
      << "| Sitemap | Error |\n|:--|:--|\n";
  std::size_t shown = 0;
  for (const model::Source& s : report.sources) {
    if (s.error.empty()) continue;
    if (shown == max_rows) break;
    ++shown;
    out << "| " << text::markdown_code(s.url) << " | " << text::markdown_text(s.error)
        << known_mark(report, s.url, "source_error") << " |\n";
  }
  out << more(n, shown) << '\n';
}

// write_list() is a bulleted list; `mark` says what follows an item (a baseline's known mark).
void write_list(std::ostream& out, const std::vector<std::string>& items, std::size_t max_rows,
                const std::function<std::string_view(const std::string&)>& mark = {}) {
  std::size_t shown = 0;
  for (const std::string& item : items) {
    if (shown == max_rows) break;
    ++shown;
    out << "- " << text::markdown_code(item) << (mark ? mark(item) : std::string_view()) << '\n';
  }
  out << more(items.size(), shown) << '\n';
}

void write_routes(const model::Report& report, std::ostream& out, std::size_t max_rows) {
  const model::RouteReport& rr = report.routes;
  if (!rr.enabled) return;
  const std::string file = text::markdown_code(rr.file);
  if (!rr.missing.empty()) {
    out << fmt::format("### Missing routes ({})\n\nExpected by {} but in no sitemap:\n\n",
                       rr.missing.size(), file);
    write_list(out, rr.missing, max_rows, [&](const std::string& route) {
      return known_mark(report, route, "missing_route");
    });
  }
  if (!rr.unexpected.empty()) {
    out << fmt::format("### Unexpected URLs ({})\n\nIn a sitemap but matching no route in {}:\n\n",
                       rr.unexpected.size(), file);
    write_list(out, rr.unexpected, max_rows);
  }
}

void write_warnings(const model::Report& report, std::ostream& out, std::size_t max_rows) {
  if (report.summary.warnings == 0) return;
  out << fmt::format("### Warnings ({})\n\n", report.summary.warnings)
      << "| Where | Code | Message |\n|:--|:--|:--|\n";
  std::uint64_t rows = 0, shown = 0;
  auto row = [&](std::string_view where, std::uint32_t line, const model::Finding& f) {
    ++rows;
    if (shown == max_rows) return;
    ++shown;
    const std::string place = line ? fmt::format("{}:{}", where, line) : std::string(where);
    out << "| " << text::markdown_code(place) << " | "
        << text::markdown_code(model::to_string(f.code)) << " | " << text::markdown_text(f.message)
        << " |\n";
  };
  for (const model::Source& s : report.sources) {
    for (const model::Finding& f : s.warnings) row(f.where.empty() ? s.url : f.where, f.line, f);
  }
  for (const model::Result& r : report.results) {
    if (!r.detail) continue;
    for (const model::Finding& f : r.detail->findings) {
      row(f.where.empty() ? r.url : f.where, f.line, f);
    }
  }
  out << more(rows, shown) << '\n';
}

}  // namespace

void write_markdown(const model::Report& report, std::ostream& out,
                    const MarkdownOptions& options) {
  write_header(report, out);
  if (report.baseline.enabled()) {
    write_failures(report, out, options.max_rows, model::BaselineState::fresh);
    write_failures(report, out, options.max_rows, model::BaselineState::known);
    write_fixed(report, out, options.max_rows);
  } else {
    write_failures(report, out, options.max_rows);
  }
  write_inconclusive(report, out, options.max_rows);
  write_failed_sources(report, out, options.max_rows);
  write_routes(report, out, options.max_rows);
  write_warnings(report, out, options.max_rows);
}

}  // namespace siteaudit::report
