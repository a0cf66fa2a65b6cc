// sitemap_document.hpp — what parsing one sitemap document found: its kind, entries, findings.
//
// Every sitemap parser (XML urlset / sitemapindex / RSS / Atom, plain text) reads one document
// held in memory and reports page entries through a callback as it meets them, so a caller can
// forward each one (to the jobs channel) without collecting a million of them first. What is
// left in the SitemapDocument is small: the kind, counts, the child sitemaps of an index (an
// index lists at most 50,000), the lint findings and, when the document is damaged, an error.
//
// Example:
//   SitemapDocument doc = parse_sitemap(bytes, "https://example.com/sitemap.xml",
//                                       [&](SitemapEntry&& e) { send(std::move(e.url)); });
//   if (!doc.ok()) std::cerr << doc.error << '\n';  // entries before the damage were delivered
//
// Thread safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "siteaudit/audit/model_types.hpp"

namespace siteaudit::audit {

// SitemapEntry is one page (or, in an index, one child sitemap) a document lists.
struct SitemapEntry {
  // loc is the text exactly as listed, after entity decoding and trimming.
  std::string loc;
  // url is the absolute URL: `loc` resolved against the document URL and normalised.
  std::string url;
  // lastmod is the <lastmod> text as listed (trimmed), empty when absent.
  std::string lastmod;
  // line is the 1-based line of the <loc> (or of the text line).
  std::uint32_t line = 0;
};

// EntryCallback receives each page entry in document order.
using EntryCallback = std::function<void(SitemapEntry&&)>;

// Cancellation lets a parser notice that the run was cancelled (a signal, --max-time). It asks
// `is_cancelled` before each element or line; once it says yes, the parser still reads up to
// `grace` more, so that a sitemap within the protocol's 50,000 URLs is listed in full (each of
// its URLs is then reported as cancelled: nothing listed is lost), and stops there, so that a
// huge hostile document cannot hold the run.
struct Cancellation {
  std::function<bool()> is_cancelled;  // empty: never cancelled
  std::uint64_t grace = 50'000;
};

struct SitemapDocument {
  SourceKind kind = SourceKind::unknown;
  // entries counts the page entries delivered to the callback (or children, for an index).
  std::uint64_t entries = 0;
  // children are the child sitemaps of a <sitemapindex>, in document order.
  std::vector<SitemapEntry> children;
  // findings are lint warnings; each names the document URL and the line.
  std::vector<Finding> findings;
  // error is "URL:line:col: what" when the document is malformed or of no known kind. Entries
  // before the damage have still been delivered.
  std::string error;
  // cancelled is true when the parser stopped early because the run was cancelled (see
  // Cancellation); the entries from `cancelled_line` on were not read.
  bool cancelled = false;
  std::uint32_t cancelled_line = 0;

  // ok() is true when the document parsed to its end.
  bool ok() const noexcept { return error.empty(); }
};

}  // namespace siteaudit::audit
