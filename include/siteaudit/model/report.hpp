// report.hpp — everything one audit run found, as the report writers receive it.
//
// The collector fills a Report; the writers in report/ are pure functions of it. Field names
// follow the JSON contract `siteaudit.report/1` (the man page and
// man/siteaudit-report.schema.json).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "siteaudit/model/baseline.hpp"
#include "siteaudit/model/config_setting.hpp"
#include "siteaudit/model/finding.hpp"
#include "siteaudit/model/result.hpp"
#include "siteaudit/model/result_log.hpp"
#include "siteaudit/model/shard_info.hpp"
#include "siteaudit/model/text_arena.hpp"

namespace siteaudit::model {

// SourceKind says what a loaded input turned out to be (decided by content, not by name).
// `page` is an input that turned out to be an HTML page: in crawl mode, a page to start from.
enum class SourceKind : std::uint8_t {
  unknown,
  robots,
  urlset,
  sitemap_index,
  text,
  rss,
  atom,
  page
};

struct Source {
  std::string url;  // URL or file path as named (for children: as the index listed it)
  SourceKind kind = SourceKind::unknown;
  std::uint64_t urls = 0;  // URLs this source listed (before de-duplication)
  bool gzip = false;
  int parent = -1;    // index of the index/robots.txt that listed it, -1 for a top-level input
  std::string error;  // non-empty when the source could not be loaded or parsed
  std::vector<Finding> warnings;
};

struct RouteReport {
  bool enabled = false;                 // --expect was given
  std::string file;                     // the routes file
  std::vector<std::string> expected;    // every route of the routes file, in file order
  std::vector<std::string> missing;     // expected routes no sitemap URL matched (failures)
  std::vector<std::string> unexpected;  // sitemap URLs matching no expected route
};

struct LatencySummary {
  std::uint32_t p50 = 0, p90 = 0, p99 = 0, max = 0;  // milliseconds, over checked URLs
};

struct Summary {
  std::uint64_t total = 0, ok = 0, failed = 0, skipped = 0, cancelled = 0, inconclusive = 0;
  std::uint64_t warnings = 0;    // results with at least one finding, plus source warnings
  std::uint64_t duplicates = 0;  // URLs listed more than once (checked once)
  std::uint64_t status_2xx = 0, status_3xx = 0, status_4xx = 0, status_5xx = 0, no_status = 0;
  LatencySummary latency;
};

struct RunInfo {
  std::string started_at;  // RFC 3339 UTC
  std::uint64_t duration_ms = 0;
  bool interrupted = false;  // Ctrl-C, SIGTERM or --max-time
  std::string interrupt_reason;
  int exit_code = 0;
};

// CrawlReport is what crawl mode (--crawl) found besides the results.
struct CrawlReport {
  bool enabled = false;
  std::vector<std::string> scope;  // the URL prefixes pages must start with to be parsed
  std::uint64_t pages = 0;         // HTML pages parsed for links
  std::uint64_t links = 0;         // links found in them (every element and attribute)
  std::uint64_t external = 0;      // unique URLs outside the scope (checked, not parsed)
  // Links that are not requested, by scheme: mailto:, tel:, javascript:, data:, other
  // schemes (ftp:, ...) and links no URL parser accepts (each also an invalid_link finding).
  std::uint64_t mailto = 0, tel = 0, javascript = 0, data = 0, other_scheme = 0, invalid = 0;
  std::uint64_t broken = 0;            // URLs that failed and that a crawled page links to
  std::uint64_t linked_redirects = 0;  // URLs that redirect and that in-scope pages link to
  std::uint64_t orphans = 0;           // sitemap URLs no crawled page links to
  std::uint64_t missing_from_sitemap = 0;
  // complete is false when the crawl did not see the whole site (--max-pages, --max-urls,
  // --crawl-depth, an interruption, an in-scope page that could not be loaded); orphans are
  // then not decidable and incomplete_reason says why.
  bool complete = true;
  std::string incomplete_reason;
};

struct ToolInfo {
  std::string name = "siteaudit";
  std::string version;
};

// A Report moves but does not copy: results[].url views text that url_text owns.
struct Report {
  ToolInfo tool;
  // config is the effective configuration, one setting per option, in --help order; the
  // command line fills it (config_setting.hpp).
  std::vector<ConfigSetting> config;
  RunInfo run;
  Summary summary;
  std::vector<Source> sources;
  RouteReport routes;
  CrawlReport crawl;
  // shard says which part of a sharded run (--shard) this is; empty for a whole run.
  ShardInfo shard;
  // baseline compares this run's failures with an earlier report's (--baseline); empty without.
  BaselineInfo baseline;
  // url_text owns the text that results[].url views: the loader stores each listed URL there
  // once, and Job and Result pass the view along. Whoever adds a Result stores its URL here.
  TextArena url_text;
  // results holds exactly one Result per listed URL, in Job::seq order. A sitemap run streams
  // them (result_log.hpp): the passing ones live in a temporary file, not in memory; a crawl
  // and a Report built by hand keep them all in memory, where they may be indexed and changed.
  ResultLog results;
};

// summarize() recomputes `summary` from `results` and `sources`.
Summary summarize(const Report& report);

const char* to_string(Outcome outcome);
const char* to_string(CheckMethod method);
const char* to_string(SourceKind kind);
const char* to_string(Discovery found);
const char* to_string(Severity severity);

}  // namespace siteaudit::model
