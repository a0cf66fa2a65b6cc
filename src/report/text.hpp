// text.hpp — what every report writer says the same way: escaping untrusted text for each
// output language, the reason a URL failed, where it came from, durations and the verdict.
//
// Every string in a Report that came from the network or a sitemap (URLs, error texts,
// Location headers) is untrusted: it may hold invalid UTF-8, control characters or an ANSI
// escape sequence planted in a sitemap. The escapers here make such text safe for XML, for
// Markdown and for a terminal; the writers never print a Report string without one of them.
//
// Not part of the public API: only src/report/*.cpp include this file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report::text {

// kInvalidCodePoint is what decode_utf8() returns for a byte that starts no valid sequence.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// kReplacementUtf8 is U+FFFD, the character that stands in for whatever cannot be written.
inline constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

// decode_utf8() reads one UTF-8 sequence at the front of non-empty `in` and returns its code
// point and length, or (kInvalidCodePoint, 1) so that a bad byte is replaced on its own and
// decoding resynchronises on the next byte. Overlong forms and surrogates are invalid.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view in);

// xml_escape() returns `in` as XML 1.0 character data or attribute value text: markup
// characters become entities, invalid UTF-8 and the characters XML 1.0 forbids (C0 controls
// other than tab, newline and carriage return, U+FFFE, U+FFFF) become U+FFFD. In attributes
// tab, newline and carriage return become character references so that attribute-value
// normalisation does not turn them into spaces.
std::string xml_escape(std::string_view in, bool attribute);

// terminal_safe() returns `in` with invalid UTF-8 and every C0/C1 control character
// (ESC, CSI, BEL, newline, ...) replaced by U+FFFD, so that a sitemap cannot move the cursor,
// recolour or retitle the user's terminal.
std::string terminal_safe(std::string_view in);

// markdown_text() returns `in` safe as inline GitHub-flavoured Markdown, including inside a
// table cell: control characters are replaced, ASCII punctuation that Markdown or HTML would
// interpret is backslash-escaped.
std::string markdown_text(std::string_view in);

// markdown_code() returns `in` as an inline code span, safe inside a table cell. URLs read
// best this way: no autolinking, no emphasis from `_` or `*`.
std::string markdown_code(std::string_view in);

// display_width() counts the code points of UTF-8 `in` (each bad byte as one): the columns it
// takes on a terminal for the text these reports print.
std::size_t display_width(std::string_view in);

// status_reason() returns the standard reason phrase of an HTTP status ("Not Found"), or an
// empty view for codes without one.
std::string_view status_reason(int status);

// status_text() returns "404 Not Found", "599" for unknown codes and "" for 0 (no response).
std::string status_text(int status);

// failure_reason() says in one line why a result is not ok: the status, the error text, or
// the first failing finding. For skipped and cancelled results it says why it was not checked.
std::string failure_reason(const model::Result& result);

// requested_url() is the URL that was requested for `result` when --rewrite changed it, or ""
// when the URL as listed was requested.
std::string_view requested_url(const model::Result& result);

// source_url() returns the URL of the sitemap at `index`, or "" when the index is out of range.
std::string_view source_url(const model::Report& report, std::uint32_t index);

// location() returns "sitemap-url:line" (or just the sitemap URL when the line is unknown)
// for the sitemap that listed `result`.
std::string location(const model::Report& report, const model::Result& result);

// format_ms() renders a duration for people: "850ms", "1.2s", "2m05s", "1h02m".
std::string format_ms(std::uint64_t ms);

// referrer_text() is one referrer as the summary, Markdown and JUnit show it (unescaped):
// `https://a.test/pricing:42 <img src> "Plans"`.
std::string referrer_text(const model::Referrer& referrer);

// crawl_line() is the crawl's counts in one line: "pages 12, links 340, external 5, ...".
std::string crawl_line(const model::CrawlReport& crawl);

// seconds() renders milliseconds as decimal seconds with three decimals ("1.234"), the form
// JUnit's time attributes use.
std::string seconds(std::uint64_t ms);

enum class VerdictKind : std::uint8_t { passed, failed, interrupted, error };

// verdict_kind() classifies the run the way its exit code does: run.interrupted, then exit
// code 2, then any failure (exit code 1, failed URLs, missing routes, unloadable sitemaps).
VerdictKind verdict_kind(const model::Report& report);

// verdict() returns one line saying how the run went, e.g.
// "FAILED: 3 of 120 URLs failed, 2 expected routes missing".
std::string verdict(const model::Report& report);

// strict() is true when the run had --strict on (the report's config block says so): its
// warnings and unexpected URLs are failures.
bool strict(const model::Report& report);

// StrictFailures counts what --strict turns into failures beyond the failed URLs: warnings
// (each sitemap finding, and each passing URL with findings), inconclusive answers and
// unexpected URLs.
struct StrictFailures {
  std::uint64_t warnings = 0;
  std::uint64_t inconclusive = 0;
  std::uint64_t unexpected = 0;
  std::uint64_t total() const { return warnings + inconclusive + unexpected; }
};

// strict_failures() counts them for a run with --strict on; all zero without it.
StrictFailures strict_failures(const model::Report& report);

// baseline_state() is how `result`'s failures stand against the run's --baseline (none without
// one), judged with the run's --strict.
model::BaselineState baseline_state(const model::Report& report, const model::Result& result);

// count_failed() counts the failed URLs whose failures stand as `which` against the baseline;
// with `none`, every failed URL.
std::uint64_t count_failed(const model::Report& report, model::BaselineState which);

// baseline_line() is the baseline's counts as the headline says them: "1 new failure, 2 known
// (in the baseline), 1 fixed since the baseline"; "" without --baseline.
std::string baseline_line(const model::Report& report);

// failed_sources() counts sources with a load or parse error.
std::size_t failed_sources(const model::Report& report);

}  // namespace siteaudit::report::text
