// page_charset.hpp — a fetched page as UTF-8, which is what the link extractors read.
//
// Most pages are UTF-8; some still come in Latin-1 (windows-1252), Shift_JIS, KOI8-R. The
// charset is decided as the HTML standard's encoding sniffing does, in its order: a byte
// order mark, the Content-Type header's charset, a <meta charset> or <meta http-equiv
// content="...; charset=..."> within the first 1,024 bytes (the standard's prescan, on bytes,
// before any parsing), and otherwise UTF-8 when the bytes are valid UTF-8, else windows-1252
// (the standard's default for an undeclared page, and what "iso-8859-1" means to a browser).
// Anything but UTF-8 is converted with iconv; a charset iconv does not know is reported.
//
// Example:
//   PageText text = utf8_page_text(page.body, page.content_type);
//   if (!text.error.empty()) report(text.error); else extractor->extract(text.utf8, url);
//
// Thread safety: a pure function; call it from any fiber.
#pragma once

#include <string>
#include <string_view>

namespace siteaudit::audit {

struct PageText {
  std::string utf8;     // the page as UTF-8 (empty on error)
  std::string charset;  // the charset the bytes were read as ("utf-8", "windows-1252", ...)
  std::string error;    // why the page cannot be read, e.g. an unknown charset
};

// utf8_page_text() decodes `body` (moved from when it is UTF-8 already).
PageText utf8_page_text(std::string& body, std::string_view content_type);

// declared_charset() is the charset a page declares, by BOM, header or meta prescan; "" when none.
std::string declared_charset(std::string_view body, std::string_view content_type);

}  // namespace siteaudit::audit
