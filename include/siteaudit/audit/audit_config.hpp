// audit_config.hpp — every setting of one audit run, as the user gave it.
//
// The CLI (and the TOML config file) fill an AuditConfig field for field; nothing here is
// parsed yet beyond numbers and flags, so that run_audit() can validate everything in one place
// and report the first error as "option: what is wrong" with exit code 2. Defaults here are the
// documented defaults (man page, --help).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "siteaudit/audit/model_types.hpp"

namespace siteaudit::audit {

enum class RedirectMode : std::uint8_t { follow, warn, fail };

struct AuditConfig {
  // inputs: sitemap URLs, robots.txt URLs, site roots, local files, "-" for stdin.
  std::vector<std::string> inputs;

  // --- concurrency and politeness ---
  unsigned workers = 64;                      // --workers: worker fibers draining the jobs channel
  unsigned threads = 0;                       // --threads: OS threads; 0 = hardware cores
  unsigned per_host = 64;                     // --per-host: connections per host
  double rate = 0;                            // --rate: requests per second per host; 0 = unlimited
  std::chrono::milliseconds timeout{30'000};  // --timeout: per request
  std::chrono::milliseconds connect_timeout{10'000};  // --connect-timeout
  unsigned retries = 2;  // --retries: extra attempts for transient failures
  std::chrono::milliseconds retry_max_wait{30'000};  // --retry-max-wait: cap on Retry-After/backoff
  std::chrono::milliseconds max_time{0};             // --max-time: whole run; 0 = none
  std::uint64_t max_urls = 0;   // --max-urls: stop loading after this many URLs; 0 = none
  bool respect_robots = false;  // --respect-robots

  // --- what to check and how to judge it ---
  std::string method = "head";                  // --method head|get
  std::string accept = "200-299";               // --accept: status list/ranges that are ok
  std::vector<std::string> status_rules;        // --status-rule: per-host/pattern overrides
  RedirectMode redirects = RedirectMode::warn;  // --redirects follow|warn|fail
  std::chrono::milliseconds slow{0};            // --slow: flag pages slower than this; 0 = off
  std::string content_type;                     // --content-type: expected type of pages
  std::vector<std::string> include;             // --include: regexes; URLs must match one
  std::vector<std::string> exclude;             // --exclude: regexes; matching URLs are skipped
  std::vector<std::string> headers;             // --header "Name: value"
  std::string user_agent;                       // --user-agent; empty = siteaudit/<version>
  bool insecure = false;                        // --insecure: skip TLS verification
  std::string ca_file;                          // --ca-file
  std::string cookies;                          // --cookies: Netscape cookie file
  std::uint64_t max_body = 10ull << 20;         // --max-body: bytes read per checked page (GET)

  // --- where --header goes (TrustedOrigins) ---
  // --header-host: more hosts or origins that get --header and URL credentials, besides the
  // inputs' origins and the --rewrite targets.
  std::vector<std::string> header_hosts;
  // --same-origin-only: URLs on other origins are reported as skipped, never requested.
  bool same_origin_only = false;

  // --- sitemaps ---
  std::vector<std::string> rewrite;                // --rewrite FROM=TO
  unsigned max_depth = 5;                          // --max-depth: sitemap index nesting
  unsigned max_sitemaps = 1000;                    // --max-sitemaps
  std::uint64_t max_sitemap_bytes = 100ull << 20;  // --max-sitemap-size: download and inflated
  bool allow_empty = false;  // --allow-empty: an input that lists no URL is not an error

  // --- crawl mode ---
  bool crawl = false;              // --crawl: parse in-scope HTML pages and check their links
  std::vector<std::string> scope;  // --scope PREFIX: pages parsed; default the inputs' origins
  unsigned crawl_depth = 0;        // --crawl-depth: link hops from an input; 0 = unlimited
  std::uint64_t max_pages = 0;     // --max-pages: pages parsed; 0 = unlimited
  bool no_external = false;        // --no-external: links off the scope are not requested
  bool check_fragments = false;    // --check-fragments: #id must exist on the target page

  // --- routes and strictness ---
  std::string expect;   // --expect: routes file
  bool strict = false;  // --strict: warnings fail the run

  // --- across runs: shards (shard.hpp), baselines (model/baseline.hpp), the result cache ---
  std::string shard;     // --shard K/N or auto/N; empty = the whole input (or CI_NODE_*)
  std::string shard_by;  // --shard-by url|host; empty = host when the inputs span hosts
  std::string baseline;  // --baseline FILE: fail only on failures that report did not have
  std::string cache;     // --cache FILE: URLs that passed recently are not requested again
  std::chrono::milliseconds cache_max_age{24 * 3'600'000};  // --cache-max-age: how recently

  // --- output ---
  std::string json;                                          // --json FILE ("-" = stdout)
  std::string junit;                                         // --junit FILE
  std::string markdown;                                      // --markdown FILE
  std::string sarif;                                         // --sarif FILE ("-" = stdout)
  std::string html;                                          // --html FILE
  AnnotationMode annotations = AnnotationMode::auto_detect;  // --annotations auto|github|none
  ColorMode color = ColorMode::auto_detect;  // --color auto|always|never (NO_COLOR honoured)
  Verbosity verbosity = Verbosity::normal;   // --quiet / --verbose
  bool progress = true;                      // --no-progress
};

}  // namespace siteaudit::audit
