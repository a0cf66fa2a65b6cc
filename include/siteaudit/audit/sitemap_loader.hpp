// sitemap_loader.hpp — turns what the user named into URLs offered to the frontier.
//
// A SitemapLoader takes the inputs of one run — sitemap URLs, robots.txt URLs, site roots
// (their /robots.txt Sitemap: lines, else /sitemap.xml, with a finding saying so), local file
// paths and "-" for standard input — and loads each one: it fetches with a streaming GET capped
// at max_sitemap_bytes, inflates gzip bodies (detected by magic bytes, never by name or by
// Content-Encoding, which libcurl has already undone) under the same cap, tells robots.txt,
// XML and text apart by content, parses, and offers each listed page to the Frontier AS SOON AS
// that document is parsed, waiting while the frontier's queue is long (back-pressure: the
// loader is not a worker, so it may wait for them). Index children are
// followed depth-first with a depth limit, a sitemap count limit and cycle detection on
// normalised URLs (a redirect landing on a sitemap already loaded counts as seen).
//
// Memory is bounded by one document and the frontier's queue. The frontier decides what a
// listed URL becomes (a Job, a duplicate, a URL past --max-urls); the loader turns its answer
// into the source's findings (duplicate_url, max_urls_reached).
//
// Every document loaded becomes a Source (report.hpp) that Job::source indexes. A broken
// child sitemap is recorded in its Source::error and the rest continues; an unreachable,
// malformed, UTF-16 or binary top-level input, or one that lists no URLs at all (unless
// allow_empty), ends run() with an input error naming the URL (and line:col for XML), which
// the pipeline reports with exit code 2.
//
// Local files, FIFOs and standard input are read without blocking a thread: the fiber parks
// in the poller while a FIFO or pipe has nothing to read, so cancelling the context (a signal,
// --max-time) ends the wait, and the input is reported as not loaded.
//
// Example (inside a fiber):
//   net::HttpClient client;
//   SitemapLoader loader(client, LoaderOptions::from(config), frontier);
//   frontier.add_producer();
//   LoadResult r = loader.run(ctx, config.inputs);
//   frontier.producer_done();
//   if (!r.ok()) { err << r.error << '\n'; return kExitUsage; }
//
// Thread safety: one fiber calls run(); the accessors may be read after it returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/robots.hpp"
#include "siteaudit/audit/trusted_origins.hpp"

namespace siteaudit::net {
class HttpClient;
}
namespace siteaudit::rt {
class Context;
}

namespace siteaudit::audit {

class RetryPolicy;
class RobotsCache;

struct LoaderOptions {
  unsigned max_depth = 5;                          // index nesting followed below a top-level input
  unsigned max_sitemaps = 1000;                    // documents loaded in all
  std::uint64_t max_sitemap_bytes = 100ull << 20;  // download and inflated size, per document
  std::chrono::milliseconds timeout{30'000};       // per sitemap fetch
  // headers go with sitemap requests to trusted origins; URL credentials ("user:secret@") of
  // listed pages are reported, and the frontier keeps them only for trusted origins. `trusted`
  // is the plan's (the frontier decides with the same one); it must outlive the loader, and
  // null trusts no origin.
  std::vector<std::string> headers;
  const TrustedOrigins* trusted = nullptr;
  bool same_origin_only = false;  // child sitemaps off the trusted origins are not loaded
  // robots, when set, receives every robots.txt the loader reads (and the status of one it
  // could not), so that --respect-robots asks each origin for its robots.txt once. It must
  // outlive the loader.
  RobotsCache* robots = nullptr;
  bool allow_empty = false;  // a top-level input that lists no URL is not an input error
  // crawl (--crawl): site roots and top-level inputs that are HTML pages are offered as pages
  // to start from (Discovery::input), and a site without a sitemap is not an error.
  bool crawl = false;
  // retry, when set, tries a sitemap fetch again after a transient failure (a timeout, a reset,
  // 429, 502-504), as for a page check: a child sitemap lost to one dropped connection would
  // lose every URL it lists. It must outlive the loader. Null: one attempt.
  const RetryPolicy* retry = nullptr;
  // spool_directory is where a document larger than kSpoolBytes is kept while it is read, in
  // an unlinked temporary file; empty: $TMPDIR, else /tmp. When no file can be made there the
  // document stays in memory, as a small one does.
  std::string spool_directory;

  // from() takes the loader's settings from the run's configuration.
  static LoaderOptions from(const AuditConfig& config);
};

// LoadResult says how run() ended. An input error is a failure in normal use: the message
// names the input, e.g. "https://x/sitemap.xml:12:5: expected </url>, found </uri>".
struct [[nodiscard]] LoadResult {
  std::string error;               // non-empty: a top-level input could not be loaded (exit 2)
  bool cancelled = false;          // the context ended the load early
  bool url_limit_reached = false;  // the frontier's --max-urls stopped the load
  bool ok() const noexcept { return error.empty(); }
};

class SitemapLoader {
 public:
  // SitemapLoader() fetches with `client` and offers the pages it finds to `frontier`; both
  // must outlive it.
  SitemapLoader(net::HttpClient& client, LoaderOptions options, Frontier& frontier);
  ~SitemapLoader();
  SitemapLoader(const SitemapLoader&) = delete;
  SitemapLoader& operator=(const SitemapLoader&) = delete;

  // run() loads `inputs` in order and offers their pages to the frontier. The caller
  // registers the loader as a producer around it (Frontier::add_producer/producer_done), and
  // a dispatcher must be draining the frontier: run() waits for room in its queue. After `ctx`
  // ends, the URLs of a document already read are still offered (the pipeline reports them as
  // cancelled; up to Cancellation::grace of them), while documents not yet fetched are not
  // (cancelled = true). It returns at the first top-level input error.
  LoadResult run(const rt::Context& ctx, const std::vector<std::string>& inputs);

  // sources() lists every document loaded or attempted, in load order; Job::source indexes it.
  const std::vector<Source>& sources() const noexcept;
  // take_sources() moves the sources out (for the Report).
  std::vector<Source> take_sources();
  // peak_document_bytes() is the most document bytes held in memory at once (download buffer
  // plus inflated text): the loader's memory bound, independent of the URL count. A document
  // that went to its temporary file (kSpoolBytes) counts only the part not yet written.
  std::uint64_t peak_document_bytes() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// kSpoolBytes is the size past which a loaded document is written to an unlinked temporary
// file as it arrives, and read through a mapping of it whose pages the parse gives back window
// by window: the heap never holds more than this of a document, and a crawl's RSS does not
// carry its 1.2 MB sitemap while the workers check what it lists (issue 18).
inline constexpr std::size_t kSpoolBytes = 256 * 1024;

// DocumentFormat is what a loaded body is, decided by content.
enum class DocumentFormat : std::uint8_t { xml, robots, text };

// looks_like_html() is true when `bytes` start like an HTML page, which a sitemap never does:
// after any comments and XML declaration, an HTML doctype or an element pages open with
// (html, head, body, meta, title, div, a, ...: the standard lets a page leave out the first
// three).
bool looks_like_html(std::string_view bytes);

// detect_format() tells XML (urlset, index or feed: parse_sitemap() says which), robots.txt
// and text sitemaps apart by their bytes (after inflation). `location` is consulted only when
// the content cannot decide: an empty body named .../robots.txt is an empty robots.txt.
DocumentFormat detect_format(std::string_view bytes, std::string_view location);

}  // namespace siteaudit::audit
