// report.cpp — the Report's derived summary and the names of its enums (the JSON vocabulary).
#include "siteaudit/model/report.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace siteaudit::model {

namespace {

// LatencyCounts gives the nearest-rank percentiles of millisecond times exactly without
// keeping every sample (a vector of them was 4 MB at 1,000,000 URLs, most of a streamed run's
// peak above the 48 MiB target): a count per millisecond below kDenseMs (at most 256 KB, grown
// to the slowest time seen), and the rare slower times as they are.
class LatencyCounts {
 public:
  void add(std::uint32_t ms) {
    ++total_;
    if (ms >= kDenseMs) {
      slow_.push_back(ms);
      return;
    }
    if (ms >= counts_.size()) counts_.resize(ms + 1, 0);
    ++counts_[ms];
  }

  // percentile() is the sample at nearest rank ceil(total * pct / 100), 0 without samples.
  std::uint32_t percentile(unsigned pct) {
    if (total_ == 0) return 0;
    const std::uint64_t rank = std::clamp<std::uint64_t>((total_ * pct + 99) / 100, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t ms = 0; ms < counts_.size(); ++ms) {
      seen += counts_[ms];
      if (seen >= rank) return static_cast<std::uint32_t>(ms);
    }
    std::sort(slow_.begin(), slow_.end());
    return slow_[rank - seen - 1];
  }

  std::uint32_t max() const {
    if (!slow_.empty()) return *std::max_element(slow_.begin(), slow_.end());
    return counts_.empty() ? 0 : static_cast<std::uint32_t>(counts_.size() - 1);
  }

 private:
  static constexpr std::uint32_t kDenseMs = 65'536;
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint32_t> slow_;
  std::uint64_t total_ = 0;
};

}  // namespace

Summary summarize(const Report& report) {
  Summary s;
  LatencyCounts times;
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
    if (r.method != CheckMethod::none) times.add(r.time_ms);
  }
  for (const Source& src : report.sources) s.warnings += src.warnings.size();
  s.latency.p50 = times.percentile(50);
  s.latency.p90 = times.percentile(90);
  s.latency.p99 = times.percentile(99);
  s.latency.max = times.max();
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
