// css_urls.hpp — the URLs a stylesheet references, as a browser's CSS tokenizer reads them.
//
// A crawl checks what a page loads, and a page's stylesheets load more: background images,
// fonts, cursors, other stylesheets. css_urls() tokenizes CSS as the CSS Syntax Module Level 3
// says (comments, strings with their escapes and bad strings, ident sequences with escapes,
// numbers and dimensions, url tokens and bad url tokens) and returns, in order:
//   - every url token (`url(a.png)`, `URL( a.png )`, `u\72l(a.png)`);
//   - the string argument of a `url(` function (`url("a.png")`, `url( 'a.png' )`);
//   - the string or url of an `@import` (`@import "b.css";`, `@import url(b.css) screen;`);
//   - the string arguments of `image-set(` and `-webkit-image-set(` at their top level
//     (`image-set("a.png" 1x, "a-2x.png" 2x)`), which that function reads as URLs.
// Nothing inside a comment or another string is a URL (`content: "url(x)"` references
// nothing), and neither is a bad url token (`url(a b)`) or a bad string. The URL is the
// token's value with CSS escapes decoded, not resolved; an empty one (`url()`) is skipped.
//
// Example:
//   for (const CssUrl& u : css_urls("@import 'a.css';\nbody{background:url(b.png)}"))
//     ...  // {"a.css", line 1, import}, {"b.png", line 2}
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::audit {

struct CssUrl {
  std::string url;         // the value, escapes decoded; never empty
  std::uint32_t line = 0;  // 1-based line where the url token or string starts
  bool import = false;     // an @import: the URL is a stylesheet too
};

// css_urls() returns the URLs `css` references, in order. `first_line` is the line the text
// starts on (a <style> element's text inside its page); CR LF, CR, LF and FF each end a line,
// and a line past the last uint32 is the last. `css` is read as UTF-8: NUL, escapes of no
// code point and invalid sequences are U+FFFD in a URL, so every URL is valid UTF-8. Linear
// time, no recursion: any input, however nested, is safe.
std::vector<CssUrl> css_urls(std::string_view css, std::uint32_t first_line = 1);

}  // namespace siteaudit::audit
