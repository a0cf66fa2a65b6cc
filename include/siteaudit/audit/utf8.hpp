// utf8.hpp — where a byte string stops being UTF-8, and a code point written as UTF-8.
//
// Two readers ask: the page decoder, to tell an undeclared UTF-8 page from a windows-1252 one,
// and the sitemap lint, because sitemaps.org requires UTF-8 and a listed URL with a stray
// Latin-1 byte is requested with that byte percent-encoded, a URL the site never published.
// The check is of the encoding's shape (a lead byte and its continuation bytes); overlong
// forms and surrogates pass, as they only ever come from an encoder that meant UTF-8.
//
// Example:
//   if (std::size_t at = invalid_utf8_at(loc); at != std::string_view::npos) warn(loc[at]);
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace siteaudit::audit {

// invalid_utf8_at() is the offset of the first byte of `text` that starts no complete UTF-8
// sequence, or npos when all of it is UTF-8.
std::size_t invalid_utf8_at(std::string_view text) noexcept;

// append_utf8() appends the code point `cp` (at most U+10FFFF) to `out` as UTF-8: what the
// sitemap parser's character references and the CSS tokenizer's escapes decode to.
void append_utf8(std::string& out, char32_t cp);

}  // namespace siteaudit::audit
