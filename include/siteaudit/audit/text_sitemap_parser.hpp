// text_sitemap_parser.hpp — plain-text sitemaps: one absolute URL per line (sitemaps.org).
//
// parse_text_sitemap() calls back once per URL line, in order. Leading and trailing
// whitespace and a CR before the LF are trimmed, a UTF-8 BOM is skipped, blank lines are
// ignored silently, and any other line that is not an absolute http(s) URL is ignored with a
// "not_a_url" finding naming its line (headers, HTML error pages, relative paths).
//
// Example:
//   auto doc = parse_text_sitemap("https://a.example/x\n\nhttps://a.example/y\n",
//                                 "https://a.example/sitemap.txt", on_url);  // 2 entries
//
// Thread safety: reentrant; no shared state.
#pragma once

#include <string_view>

#include "siteaudit/audit/sitemap_document.hpp"

namespace siteaudit::audit {

// parse_text_sitemap() parses a text sitemap read from `document_url`; see the file comment.
// `cancel` may stop it early (SitemapDocument::cancelled).
[[nodiscard]] SitemapDocument parse_text_sitemap(std::string_view bytes,
                                                 std::string_view document_url,
                                                 const EntryCallback& on_url,
                                                 const Cancellation& cancel = {});

}  // namespace siteaudit::audit
