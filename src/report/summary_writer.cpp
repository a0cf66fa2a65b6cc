// summary_writer.cpp — the end-of-run terminal summary.
#include "siteaudit/report/summary_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "text.hpp"

namespace siteaudit::report {

namespace {

// Paint wraps text in an SGR sequence when colour is on, and is the identity otherwise, so
// the layout code reads the same either way.
class Paint {
 public:
  explicit Paint(bool on) : on_(on) {}

  std::string operator()(std::string_view sgr, std::string_view s) const {
    if (!on_ || s.empty()) return std::string(s);
    return fmt::format("\x1b[{}m{}\x1b[0m", sgr, s);
  }
  // count() colours a number only when it is non-zero: a red "0 failed" is noise.
  std::string count(std::string_view sgr, std::uint64_t n) const {
    return n == 0 ? fmt::format("{}", n) : (*this)(sgr, fmt::format("{}", n));
  }

 private:
  bool on_;
};

constexpr std::string_view kRed = "31";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kBold = "1";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBoldRed = "1;31";
constexpr std::string_view kBoldGreen = "1;32";
constexpr std::string_view kBoldYellow = "1;33";

// Lister prints the first entries of a list and the "... and N more" line for the rest.
class Lister {
 public:
  Lister(std::ostream& out, const SummaryStyle& style, std::uint64_t total)
      : out_(out), limit_(style.verbose ? total : style.max_listed), total_(total) {}

  // take() says whether the next entry should be printed.
  bool take() {
    if (shown_ >= limit_) return false;
    ++shown_;
    return true;
  }

  void finish(const Paint& paint) {
    if (total_ > shown_) {
      out_ << "  "
           << paint(kDim, fmt::format("... and {} more (--verbose lists all)", total_ - shown_))
           << '\n';
    }
  }

 private:
  std::ostream& out_;
  std::uint64_t limit_, total_, shown_ = 0;
};

void write_counts(const model::Report& report, std::ostream& out, const Paint& paint) {
  const model::Summary& s = report.summary;
  out << fmt::format(
      "{} {}: {} from {} in {}\n\n", paint(kBold, report.tool.name),
      text::terminal_safe(report.tool.version),
      s.total == 1 ? "1 URL" : fmt::format("{} URLs", s.total),
      report.sources.size() == 1 ? "1 source" : fmt::format("{} sources", report.sources.size()),
      text::format_ms(report.run.duration_ms));
  out << fmt::format("  {:<9} ok {}   failed {}   skipped {}   cancelled {}", "outcome",
                     paint.count(kGreen, s.ok), paint.count(kRed, s.failed),
                     paint.count(kYellow, s.skipped), paint.count(kYellow, s.cancelled));
  if (s.inconclusive) out << "   inconclusive " << paint.count(kYellow, s.inconclusive);
  if (s.warnings) out << "   warnings " << paint.count(kYellow, s.warnings);
  if (s.duplicates) out << "   duplicates " << s.duplicates;
  out << '\n';
  out << fmt::format("  {:<9} 2xx {}   3xx {}   4xx {}   5xx {}   none {}\n", "status",
                     s.status_2xx, s.status_3xx, paint.count(kRed, s.status_4xx),
                     paint.count(kRed, s.status_5xx), s.no_status);
  out << fmt::format("  {:<9} p50 {}   p90 {}   p99 {}   max {}\n", "latency",
                     text::format_ms(s.latency.p50), text::format_ms(s.latency.p90),
                     text::format_ms(s.latency.p99), text::format_ms(s.latency.max));
  if (const model::BaselineInfo& b = report.baseline; b.enabled()) {
    out << fmt::format("  {:<9} new {}   known {}   fixed {}   ({})\n", "baseline",
                       paint.count(kRed, b.fresh.size()), paint.count(kYellow, b.known.size()),
                       paint.count(kGreen, b.fixed.size()), text::terminal_safe(b.file));
  }
  if (report.crawl.enabled) {
    out << fmt::format("  {:<9} {}\n", "crawl",
                       text::terminal_safe(text::crawl_line(report.crawl)));
  }
}

// write_referrers() lists the pages that link to a failed or redirected URL (crawl mode).
void write_referrers(const model::Result& r, std::ostream& out, const SummaryStyle& style,
                     const Paint& paint) {
  if (!r.detail || r.detail->referrer_count == 0) return;
  const model::ResultDetail& d = *r.detail;
  out << "      "
      << paint(kDim, fmt::format("linked from {} {}:", d.referrer_count,
                                 d.referrer_count == 1 ? "place" : "places"))
      << '\n';
  // Three say where to look; --verbose lists every one kept.
  const std::size_t shown =
      style.verbose ? d.referrers.size() : std::min<std::size_t>(3, d.referrers.size());
  for (std::size_t i = 0; i < shown; ++i) {
    out << "        " << text::terminal_safe(text::referrer_text(d.referrers[i])) << '\n';
  }
  if (d.referrer_count > shown) {
    out << "        " << paint(kDim, fmt::format("... and {} more", d.referrer_count - shown))
        << '\n';
  }
}

// kFailureLineWidth is the widest a failure's reason line gets with its sitemap beside it.
constexpr std::size_t kFailureLineWidth = 100;

// write_failures() lists the failed URLs; with --baseline it is called once for the new ones
// (`fresh`), which fail the run, and once for the known ones, which do not.
void write_failures(const model::Report& report, std::ostream& out, const SummaryStyle& style,
                    const Paint& paint, model::BaselineState which = model::BaselineState::none) {
  const std::uint64_t failed = text::count_failed(report, which);
  if (failed == 0) return;
  const bool known = which == model::BaselineState::known;
  const char* title = which == model::BaselineState::none ? "Failures ({}):"
                      : known ? "Known failures, in the baseline ({}); they do not fail the run:"
                              : "New failures, not in the baseline ({}):";
  out << '\n' << paint(kBold, fmt::format(fmt::runtime(title), failed)) << '\n';
  Lister list(out, style, failed);
  for (const model::Result& r : report.results) {
    if (r.outcome != model::Outcome::failed) continue;
    if (which != model::BaselineState::none && text::baseline_state(report, r) != which) continue;
    if (!list.take()) break;
    const std::string reason = text::terminal_safe(text::failure_reason(r));
    out << "  " << text::terminal_safe(r.url) << '\n';
    if (std::string_view requested = text::requested_url(r); !requested.empty()) {
      out << "      requested as " << text::terminal_safe(requested) << '\n';
    }
    out << "      " << paint(known ? kYellow : kRed, reason);
    if (std::string where = text::location(report, r); !where.empty()) {
      // Built by appending: GCC 12's -Wrestrict misfires on `"(" + std::string&&` at -O3.
      std::string shown = "(";
      shown += text::terminal_safe(where);
      shown += ')';
      // Beside the reason while the line fits kFailureLineWidth columns, else below it.
      const bool fits =
          6 + text::display_width(reason) + 2 + text::display_width(shown) <= kFailureLineWidth;
      out << (fits ? "  " : "\n      ") << paint(kDim, shown);
    }
    out << '\n';
    write_referrers(r, out, style, paint);
  }
  list.finish(paint);
  if (known) return;  // the hint below was given with the new failures
  // The usual cause of a certificate failure is a private CA (a staging or preview deploy):
  // say what fixes it rather than leave the user to search the manual.
  const bool untrusted =
      std::any_of(report.results.begin(), report.results.end(), [](const auto& r) {
        return r.outcome == model::Outcome::failed && r.detail &&
               r.detail->error_kind == model::ErrorKind::tls;
      });
  if (untrusted) {
    out << "  "
        << paint(kDim, "hint: --ca-file FILE trusts a private CA; --insecure skips TLS checks")
        << '\n';
  }
}

// write_fixed() lists the baseline's failures this run no longer has.
void write_fixed(const model::Report& report, std::ostream& out, const SummaryStyle& style,
                 const Paint& paint) {
  const std::vector<model::FailureKey>& fixed = report.baseline.fixed;
  if (fixed.empty()) return;
  out << '\n' << paint(kBold, fmt::format("Fixed since the baseline ({}):", fixed.size())) << '\n';
  Lister list(out, style, fixed.size());
  for (const model::FailureKey& key : fixed) {
    if (!list.take()) break;
    out << "  " << paint(kGreen, text::terminal_safe(key.url)) << "  "
        << paint(kDim, fmt::format("({})", text::terminal_safe(key.kind))) << '\n';
  }
  list.finish(paint);
}

// known_mark() is " (known)" after a failure the baseline had, and "" otherwise.
std::string known_mark(const model::Report& report, std::string_view url, std::string_view kind,
                       const Paint& paint) {
  if (report.baseline.state(url, kind) != model::BaselineState::known) return {};
  std::string mark = " ";  // appended: GCC 12's -Wrestrict misfires on `" " + std::string&&`
  mark += paint(kDim, "(known, in the baseline)");
  return mark;
}

void write_failed_sources(const model::Report& report, std::ostream& out, const Paint& paint) {
  const std::size_t n = text::failed_sources(report);
  if (n == 0) return;
  out << '\n' << paint(kBold, fmt::format("Sitemaps that could not be loaded ({}):", n)) << '\n';
  for (const model::Source& s : report.sources) {
    if (s.error.empty()) continue;
    out << "  " << text::terminal_safe(s.url) << known_mark(report, s.url, "source_error", paint)
        << "\n      " << paint(kRed, text::terminal_safe(s.error)) << '\n';
  }
}

void write_routes(const model::Report& report, std::ostream& out, const SummaryStyle& style,
                  const Paint& paint) {
  const model::RouteReport& rr = report.routes;
  if (!rr.enabled) return;
  const std::string file = text::terminal_safe(rr.file);
  if (!rr.missing.empty()) {
    out << '\n'
        << paint(kBold, fmt::format("Missing routes ({}), expected by {} but in no sitemap:",
                                    rr.missing.size(), file))
        << '\n';
    Lister list(out, style, rr.missing.size());
    for (const std::string& route : rr.missing) {
      if (!list.take()) break;
      out << "  " << paint(kRed, text::terminal_safe(route))
          << known_mark(report, route, "missing_route", paint) << '\n';
    }
    list.finish(paint);
  }
  if (rr.unexpected.empty()) return;
  if (!style.verbose) {
    out << '\n'
        << fmt::format("{} {} no route in {} (--verbose lists them)\n",
                       paint(kYellow, fmt::format("{}", rr.unexpected.size())),
                       rr.unexpected.size() == 1 ? "sitemap URL matches" : "sitemap URLs match",
                       file);
    return;
  }
  out << '\n'
      << paint(kBold, fmt::format("Unexpected URLs ({}), matching no route in {}:",
                                  rr.unexpected.size(), file))
      << '\n';
  for (const std::string& url : rr.unexpected) {
    out << "  " << paint(kYellow, text::terminal_safe(url)) << '\n';
  }
}

// write_warnings() lists source lint and result findings; only in verbose mode, since a big
// sitemap can carry thousands and the verdict line already counts them.
void write_warnings(const model::Report& report, std::ostream& out, const Paint& paint) {
  if (report.summary.warnings == 0) return;
  out << '\n' << paint(kBold, fmt::format("Warnings ({}):", report.summary.warnings)) << '\n';
  auto line = [&](std::string_view where, std::uint32_t line_no, const model::Finding& f) {
    std::string place = line_no ? fmt::format("{}:{}", where, line_no) : std::string(where);
    const std::string_view sgr = f.severity == model::Severity::failure ? kRed : kYellow;
    out << "  " << text::terminal_safe(place) << "\n      "
        << paint(sgr, text::terminal_safe(model::to_string(f.code))) << ": "
        << text::terminal_safe(f.message) << '\n';
  };
  for (const model::Source& s : report.sources) {
    for (const model::Finding& f : s.warnings) line(f.where.empty() ? s.url : f.where, f.line, f);
  }
  for (const model::Result& r : report.results) {
    if (!r.detail) continue;
    for (const model::Finding& f : r.detail->findings) {
      line(f.where.empty() ? r.url : f.where, f.line, f);
    }
  }
}

// write_inconclusive() lists the answers that were bot walls, apart from the failures.
void write_inconclusive(const model::Report& report, std::ostream& out, const SummaryStyle& style,
                        const Paint& paint) {
  const std::uint64_t n = report.summary.inconclusive;
  if (n == 0) return;
  out << '\n'
      << paint(kBold, fmt::format("Inconclusive ({}): bot walls, not broken links; --strict "
                                  "fails them",
                                  n))
      << '\n';
  Lister list(out, style, n);
  for (const model::Result& r : report.results) {
    if (r.outcome != model::Outcome::inconclusive) continue;
    if (!list.take()) break;
    out << "  " << text::terminal_safe(r.url) << '\n'
        << "      " << paint(kYellow, text::terminal_safe(text::failure_reason(r))) << '\n';
    write_referrers(r, out, style, paint);
  }
  list.finish(paint);
}

}  // namespace

void write_summary(const model::Report& report, std::ostream& out, const SummaryStyle& style) {
  const Paint paint(style.color);
  const bool baseline = report.baseline.enabled();
  if (style.failures_only) {
    // --quiet: what fails the run; known failures are counted, not listed.
    write_failures(report, out, style, paint,
                   baseline ? model::BaselineState::fresh : model::BaselineState::none);
    if (const std::uint64_t known =
            baseline ? text::count_failed(report, model::BaselineState::known) : 0) {
      out << '\n'
          << paint(kDim, fmt::format("{} known failed {} (in the baseline) not listed", known,
                                     known == 1 ? "URL" : "URLs"))
          << '\n';
    }
    write_failed_sources(report, out, paint);
    write_routes(report, out, style, paint);
    return;
  }
  write_counts(report, out, paint);
  if (baseline) {
    write_failures(report, out, style, paint, model::BaselineState::fresh);
    write_failures(report, out, style, paint, model::BaselineState::known);
    write_fixed(report, out, style, paint);
  } else {
    write_failures(report, out, style, paint);
  }
  write_inconclusive(report, out, style, paint);
  write_failed_sources(report, out, paint);
  write_routes(report, out, style, paint);
  if (style.verbose) {
    write_warnings(report, out, paint);
  } else if (report.summary.warnings) {
    out << '\n'
        << fmt::format("{} (--verbose lists them)\n",
                       paint(kYellow, report.summary.warnings == 1
                                          ? std::string("1 warning")
                                          : fmt::format("{} warnings", report.summary.warnings)));
  }
  std::string_view sgr = kBoldGreen;
  switch (text::verdict_kind(report)) {
    case text::VerdictKind::passed:
      sgr = kBoldGreen;
      break;
    case text::VerdictKind::failed:
    case text::VerdictKind::error:
      sgr = kBoldRed;
      break;
    case text::VerdictKind::interrupted:
      sgr = kBoldYellow;
      break;
  }
  out << '\n' << paint(sgr, text::verdict(report)) << '\n';
}

bool color_enabled(model::ColorMode mode, bool is_tty, const char* no_color_env) {
  switch (mode) {
    case model::ColorMode::always:
      return true;
    case model::ColorMode::never:
      return false;
    case model::ColorMode::auto_detect:
      break;
  }
  // no-color.org: "when present and not an empty string" colour is off, whatever its value.
  const bool no_color = no_color_env != nullptr && no_color_env[0] != '\0';
  return is_tty && !no_color;
}

}  // namespace siteaudit::report
