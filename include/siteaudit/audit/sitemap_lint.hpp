// sitemap_lint.hpp — the sitemaps.org rules a sitemap can break without being unreadable.
//
// Lint findings are warnings: they are reported with the sitemap URL and line, never stop a
// load. SitemapLint collects them for one document while a parser walks it; it also resolves
// each <loc> (relative ones against the document URL, which the protocol forbids but real
// exports do) and checks it is http(s) and inside the sitemap's host and directory scope.
// A document with 50,000 bad lastmods must not carry 50,000 findings, so each code is kept
// for the first kMaxFindingsPerCode lines and then summarised by a count.
//
// Example:
//   SitemapLint lint("https://example.com/blog/sitemap.xml");
//   std::string url = lint.check_loc("/blog/a", 12);  // resolved; finding "relative_loc"
//   lint.check_lastmod("2024-13-01", 12);             // finding "invalid_lastmod"
//   std::vector<Finding> findings = lint.finish(1, 2048);
//
// Thread safety: none; one SitemapLint per document, used by one fiber.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

// The protocol's per-file limits (sitemaps.org: 50,000 URLs, 50 MiB uncompressed).
inline constexpr std::uint64_t kMaxUrlsPerSitemap = 50'000;
inline constexpr std::uint64_t kMaxBytesPerSitemap = 52'428'800;
// kMaxLocCharacters is the protocol's bound on a URL: fewer than 2,048 characters.
inline constexpr std::size_t kMaxLocCharacters = 2'047;
// kMaxFindingsPerCode bounds the findings of one code kept for one document.
inline constexpr std::uint64_t kMaxFindingsPerCode = 20;

// is_w3c_datetime() accepts the W3C Datetime profile: YYYY, YYYY-MM, YYYY-MM-DD,
// YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD and YYYY-MM-DDThh:mm:ss.sTZD (TZD = Z or ±hh:mm).
bool is_w3c_datetime(std::string_view text);
// is_valid_changefreq() accepts always, hourly, daily, weekly, monthly, yearly, never (any case).
bool is_valid_changefreq(std::string_view text);
// is_valid_priority() accepts a decimal number in [0.0, 1.0].
bool is_valid_priority(std::string_view text);
// is_control() is true for an ASCII control character (U+0000-U+001F, U+007F).
bool is_control(char c);
// escape_controls() writes each control character of `text` as \xNN, so a message quoting a
// listed URL shows what is there and stays one line.
std::string escape_controls(std::string_view text);
// trim() removes XML whitespace (space, tab, CR, LF) around `text`.
std::string_view trim(std::string_view text);

class SitemapLint {
 public:
  // SitemapLint() lints a document fetched from `document_url` (an http(s) URL or a file path;
  // scope and relative resolution apply only to http(s) documents).
  explicit SitemapLint(std::string_view document_url);

  // check_loc() returns the absolute, normalised URL for `loc`, or an empty string when it cannot
  // be checked (empty, not http(s), unresolvable); every problem becomes a finding at `line`.
  std::string check_loc(std::string_view loc, std::uint32_t line);
  // check_sitemap_loc() is check_loc() for the <loc> of a child sitemap in an index. In a
  // local index (a file path, or "-") a <loc> without a scheme is a file: relative to the
  // index's directory, and returned as a path.
  std::string check_sitemap_loc(std::string_view loc, std::uint32_t line);
  // check_lastmod() flags a lastmod that is not a W3C datetime.
  void check_lastmod(std::string_view lastmod, std::uint32_t line);
  // check_changefreq() flags an unknown changefreq.
  void check_changefreq(std::string_view changefreq, std::uint32_t line);
  // check_priority() flags a priority that is not a number in [0, 1].
  void check_priority(std::string_view priority, std::uint32_t line);

  // add() records a finding about this document (subject to the per-code cap).
  void add(FindingCode code, std::string message, std::uint32_t line);

  // finish() applies the whole-file limits (URL count, uncompressed size) and returns every
  // finding, with a summary finding per code whose lines were capped.
  std::vector<Finding> finish(std::uint64_t urls, std::uint64_t uncompressed_bytes);

  const std::string& document_url() const noexcept { return document_url_; }

 private:
  std::string document_url_;
  bool http_document_ = false;
  net::UrlParts scope_;       // scheme, host, port and directory path of the document
  std::string scope_origin_;  // "scheme://host[:port]" as a normalised URL starts
  std::vector<Finding> findings_;
  // ByWord orders the counts by the code's word, the order of finish()'s summary findings.
  struct ByWord {
    bool operator()(FindingCode a, FindingCode b) const noexcept {
      return std::string_view(to_string(a)) < to_string(b);
    }
  };
  std::map<FindingCode, std::uint64_t, ByWord> counts_;
};

}  // namespace siteaudit::audit
