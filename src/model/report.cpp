// report.cpp — the Report's derived summary and the names of its enums (the JSON vocabulary).
#include "siteaudit/model/report.hpp"

#include <algorithm>

namespace siteaudit::model {

namespace {

// percentile() picks the nearest-rank percentile of sorted samples.
std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, unsigned pct) {
  if (sorted.empty()) return 0;
  std::size_t rank = (sorted.size() * pct + 99) / 100;
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

Summary summarize(const Report& report) {
  Summary s;
  std::vector<std::uint32_t> times;
  times.reserve(report.results.size());
  for (const Result& r : report.results) {
    ++s.total;
    switch (r.outcome) {
      case Outcome::ok:
        ++s.ok;
        break;
      case Outcome::failed:
        ++s.failed;
        break;
      case Outcome::skipped:
        ++s.skipped;
        break;
      case Outcome::cancelled:
        ++s.cancelled;
        break;
      case Outcome::inconclusive:
        ++s.inconclusive;
        break;
    }
    if (r.detail && !r.detail->findings.empty()) ++s.warnings;
    if (r.outcome == Outcome::skipped || r.outcome == Outcome::cancelled) continue;
    if (r.status >= 200 && r.status < 300)
      ++s.status_2xx;
    else if (r.status >= 300 && r.status < 400)
      ++s.status_3xx;
    else if (r.status >= 400 && r.status < 500)
      ++s.status_4xx;
    else if (r.status >= 500 && r.status < 600)
      ++s.status_5xx;
    else
      ++s.no_status;
    if (r.method != CheckMethod::none) times.push_back(r.time_ms);
  }
  for (const Source& src : report.sources) s.warnings += src.warnings.size();
  std::sort(times.begin(), times.end());
  s.latency.p50 = percentile(times, 50);
  s.latency.p90 = percentile(times, 90);
  s.latency.p99 = percentile(times, 99);
  s.latency.max = times.empty() ? 0 : times.back();
  s.duplicates = report.summary.duplicates;  // counted by the loader, not derivable here
  return s;
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "ok";
    case Outcome::failed:
      return "failed";
    case Outcome::skipped:
      return "skipped";
    case Outcome::cancelled:
      return "cancelled";
    case Outcome::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

const char* to_string(CheckMethod method) {
  switch (method) {
    case CheckMethod::none:
      return "none";
    case CheckMethod::head:
      return "HEAD";
    case CheckMethod::get:
      return "GET";
  }
  return "unknown";
}

const char* to_string(Discovery found) {
  switch (found) {
    case Discovery::sitemap:
      return "sitemap";
    case Discovery::input:
      return "input";
    case Discovery::link:
      return "link";
  }
  return "sitemap";
}

const char* to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::unknown:
      return "unknown";
    case SourceKind::robots:
      return "robots";
    case SourceKind::urlset:
      return "urlset";
    case SourceKind::sitemap_index:
      return "sitemapindex";
    case SourceKind::text:
      return "text";
    case SourceKind::rss:
      return "rss";
    case SourceKind::atom:
      return "atom";
    case SourceKind::page:
      return "page";
  }
  return "unknown";
}

const char* to_string(Severity severity) {
  return severity == Severity::failure ? "failure" : "warning";
}

}  // namespace siteaudit::model
