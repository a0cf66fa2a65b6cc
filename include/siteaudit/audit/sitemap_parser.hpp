// sitemap_parser.hpp — XML sitemaps: <urlset>, <sitemapindex>, RSS 2.0 / 1.0 and Atom 0.3 / 1.0.
//
// parse_sitemap() reads one XML document held in memory (already inflated if it was gzip) and
// calls back once per page it lists, in document order. It accepts what real generators write:
// with or without the sitemaps.org namespace (or with a prefix for it), extension elements
// (image:, video:, news:, xhtml:link — never pages), CDATA, entities, a BOM, whitespace and
// newlines around <loc>, relative <loc>s (resolved against `document_url`, flagged). Only
// <url><loc> of a urlset, <item><link> of a feed and an Atom <entry>'s page link are pages;
// channel- and feed-level links are not. In a local index (read from a file), a child <loc>
// without a scheme is a file relative to the index. A control character in a <loc>, also one
// written as a reference (&#0;), is a finding: that entry is not delivered, never cut short.
//
// A damaged document (truncated download, mismatched tags) still yields every complete <url>
// before the damage; the half-written one is dropped and `error` names the place as
// "URL:line:col: what". A DOCTYPE is skipped and its entities are never expanded, so a
// billion-laughs document costs nothing.
//
// Memory does not grow with the size of a <urlset> or <sitemapindex>: one larger than
// kSitemapWindowBytes is parsed in windows of complete children, each window's tree freed
// before the next, with the same results as a parse of the whole document (src/audit/README.md).
//
// Example:
//   auto doc = parse_sitemap(xml, "https://example.com/sitemap.xml",
//                            [&](SitemapEntry&& e) { jobs.send(make_job(e)); });
//   if (doc.kind == SourceKind::sitemap_index) for (auto& child : doc.children) load(child.url);
//
// Thread safety: reentrant; no shared state.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "siteaudit/audit/sitemap_document.hpp"

namespace siteaudit::audit {

// kSitemapWindowBytes is how much of the document one window holds, at least: a window ends
// after the first child that ends past it. Its tree is a few times its size.
inline constexpr std::size_t kSitemapWindowBytes = 64 * 1024;

// WindowCallback hears, after each window of a large list document, the offset where the next
// window begins. The parse reads the bytes before it again only to find where the line it is
// on starts, so a caller holding the document in a file mapping can give those pages back to
// the kernel (the mapping brings back any that are read again).
using WindowCallback = std::function<void(std::size_t next_window)>;

// parse_sitemap() parses an XML sitemap or feed; see the file comment. `document_url` is the
// URL (or file path) it was read from: it names the document in findings and errors and is
// the base for relative <loc>s. `cancel` may stop the walk early (SitemapDocument::cancelled).
// `on_window`, when set, is told where each window ends (see WindowCallback).
[[nodiscard]] SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                                            const EntryCallback& on_url,
                                            const Cancellation& cancel = {},
                                            const WindowCallback& on_window = {});

// parse_sitemap() with `window_bytes` is the same parse with another window size; the results
// do not depend on it (SIZE_MAX: the whole document as one tree). For tests and benchmarks.
[[nodiscard]] SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                                            const EntryCallback& on_url, const Cancellation& cancel,
                                            std::size_t window_bytes);

}  // namespace siteaudit::audit
