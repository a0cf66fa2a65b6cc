// text_sitemap_parser.cpp — line splitting for text sitemaps; URL checks are SitemapLint's.
#include "siteaudit/audit/text_sitemap_parser.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "siteaudit/audit/sitemap_lint.hpp"

namespace siteaudit::audit {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// kMaxQuotedLine keeps a finding about a binary or minified line readable.
constexpr std::size_t kMaxQuotedLine = 80;

}  // namespace

SitemapDocument parse_text_sitemap(std::string_view bytes, std::string_view document_url,
                                   const EntryCallback& on_url, const Cancellation& cancel) {
  SitemapDocument doc;
  doc.kind = SourceKind::text;
  SitemapLint lint(document_url);
  std::string_view rest = bytes;
  if (rest.starts_with(kBom)) rest.remove_prefix(kBom.size());
  std::uint32_t line = 0;
  bool cancelled = false;
  std::uint64_t grace_used = 0;
  while (!rest.empty()) {
    ++line;
    auto nl = rest.find('\n');
    std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    std::string_view text = trim(raw);
    if (text.empty()) continue;
    // As the XML parser: after a cancellation, `grace` more non-blank lines, then stop.
    if (!cancelled && cancel.is_cancelled && cancel.is_cancelled()) cancelled = true;
    if (cancelled && grace_used++ >= cancel.grace) {
      doc.cancelled = true;
      doc.cancelled_line = line;
      break;
    }
    // A text sitemap holds only absolute URLs; relative lines are not resolved (unlike <loc>,
    // no generator writes them) but reported like any other stray line. A line with a control
    // character goes to check_loc(), which reports it as such (libcurl would see it cut).
    const bool has_control = std::any_of(text.begin(), text.end(), is_control);
    if (!has_control && !net::is_absolute_http_url(text)) {
      std::string quoted(text.substr(0, kMaxQuotedLine));
      lint.add(FindingCode::not_a_url,
               fmt::format("line is not an absolute http(s) URL: {:?}", quoted), line);
      continue;
    }
    SitemapEntry entry;
    entry.loc = std::string(text);
    entry.line = line;
    entry.url = lint.check_loc(entry.loc, line);
    if (entry.url.empty()) continue;
    ++doc.entries;
    on_url(std::move(entry));
  }
  doc.findings = lint.finish(doc.entries, bytes.size());
  return doc;
}

}  // namespace siteaudit::audit
