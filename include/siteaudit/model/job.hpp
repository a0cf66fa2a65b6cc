// job.hpp — one URL to check, as the frontier hands it to the workers.
//
// A Job is what flows through the `jobs` channel: the URL exactly as the sitemap listed it,
// the URL actually requested (after --rewrite), where it came from, and the sitemap's
// metadata the hygiene rules need. Jobs are small and move-only in spirit; the frontier
// creates one per accepted URL and never keeps them.
//
// `url` is a view: its text lives in the frontier's TextArena (the report's url_text once
// the run is over), so the Result made from the Job can keep the same view without a copy.
//
// Example:
//   Job job{.url = "https://example.com/a", .check_url = "https://preview.example.com/a",
//           .source = 0, .line = 12};
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "siteaudit/model/error_kind.hpp"

namespace siteaudit::model {

// OriginTrust is what the loader decided about check_url's origin (TrustedOrigins): whether
// the user's --header lines go with the request, or whether it is not requested at all.
enum class OriginTrust : std::uint8_t {
  other,    // not an origin the user named: requested without --header
  trusted,  // an input's origin, a --rewrite target or a --header-host: --header is sent
  refused,  // another origin under --same-origin-only: reported as skipped, never requested
};

// Discovery says how the run first found a URL: listed by a sitemap, named as an input page,
// or linked from a page the crawl parsed (--crawl).
enum class Discovery : std::uint8_t { sitemap, input, link };

// kNoSource is Job::source (and Result::source) for a URL no sitemap listed: a crawl's link or
// an input page. The report writes it as null.
inline constexpr std::uint32_t kNoSource = 0xFFFFFFFF;

struct Job {
  // url is the URL exactly as the sitemap listed it (after entity decoding and trimming);
  // the report's results[].url is this text. It must outlive the Job and its Result.
  std::string_view url;
  // check_url is the absolute URL requested: `url` resolved against the sitemap, normalised,
  // and mapped by --rewrite. Equal to `url` in the common case.
  std::string check_url;
  // lastmod is the sitemap's <lastmod> text, empty when absent.
  std::string lastmod;
  // source is the index of the sitemap in Report::sources that listed the URL.
  std::uint32_t source = 0;
  // line is the 1-based line of the <loc> (or text line) in that sitemap, 0 when unknown.
  std::uint32_t line = 0;
  // seq is the order in which the frontier accepted the URL; results are reported in this order.
  std::uint64_t seq = 0;
  // skip, when not empty, says why the URL is not requested: the frontier decided (--include
  // and --exclude, --same-origin-only, robots.txt under --respect-robots), and the checker
  // reports the URL as skipped with this reason and skip_kind as its error kind.
  std::string skip;
  ErrorKind skip_kind = ErrorKind::none;
  // origin says whether the user's headers go to check_url; `other` unless the loader knew.
  OriginTrust origin = OriginTrust::other;

  // --- crawl mode ---
  // identity is the hash of the normalised URL: the key under which the crawl's LinkGraph
  // keeps what it learns about the URL (its referrers, whether a sitemap lists it).
  std::uint64_t identity = 0;
  // depth counts link hops from an input or a sitemap (0 for those).
  std::uint32_t depth = 0;
  Discovery found = Discovery::sitemap;
  // parse says that the page is in the crawl's scope and within --crawl-depth and --max-pages:
  // it is fetched with GET and, when it is HTML, its links are offered to the frontier.
  bool parse = false;
  // stylesheet says that the URL was found as a stylesheet only (link rel=stylesheet, a CSS
  // @import): with parse set, it is fetched with GET and, when it is CSS, the URLs it loads
  // are offered; it is never read as an HTML page, nor counted as one.
  bool stylesheet = false;
  // external says that the URL is outside the crawl's scope: a 403 or 429 from it after
  // retries is inconclusive (a bot wall), not a failure.
  bool external = false;
};

}  // namespace siteaudit::model
