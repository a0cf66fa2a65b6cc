// css_urls_fuzzer.cpp — libFuzzer target for css_urls(): the input is a stylesheet. Beyond
// crashes, hangs and UB it checks what every answer must satisfy, and aborts with the input's
// first offending URL when one does not:
//   - every URL is non-empty, valid UTF-8 (invalid input bytes become U+FFFD), and no more
//     URLs are returned than the input has bytes;
//   - lines do not decrease and stay within [first_line, first_line + line breaks];
//   - the input preprocessing changes nothing: with CR LF, CR and FF made LF and NUL made
//     U+FFFD beforehand, and read from another first line, the URLs are the same, each on
//     the same line counted from there.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "audit/css_urls.hpp"

namespace {

using siteaudit::audit::css_urls;
using siteaudit::audit::CssUrl;

// is_utf8() is strict UTF-8: no overlong form, surrogate or code point above U+10FFFF. It is
// written apart from the tokenizer's decoder on purpose.
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t more = 0;
    std::uint32_t cp = 0, min = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      more = 1, cp = b & 0x1Fu, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      more = 2, cp = b & 0x0Fu, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      more = 3, cp = b & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i <= more) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

// preprocessed() is the input as CSS Syntax §3.3 preprocesses it, less the decoding.
std::string preprocessed(std::string_view css) {
  std::string out;
  out.reserve(css.size() + 16);
  for (std::size_t i = 0; i < css.size(); ++i) {
    const char c = css[i];
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < css.size() && css[i + 1] == '\n') ++i;
    } else if (c == '\f') {
      out.push_back('\n');
    } else if (c == '\0') {
      out.append("\xEF\xBF\xBD");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

[[noreturn]] void fail(const char* what, std::size_t index, const std::vector<CssUrl>& urls) {
  std::fprintf(stderr, "css_urls_fuzzer: %s at URL %zu of %zu", what, index, urls.size());
  if (index < urls.size())
    std::fprintf(stderr, ": \"%s\" line %u", urls[index].url.c_str(), urls[index].line);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view css(reinterpret_cast<const char*>(data), size);
  const auto urls = css_urls(css);

  const std::string normal = preprocessed(css);
  std::uint64_t line_breaks = 0;
  for (const char c : normal) line_breaks += c == '\n';

  if (urls.size() > size) fail("more URLs than bytes", urls.size(), urls);
  std::uint32_t previous = 1;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (urls[i].url.empty()) fail("empty URL", i, urls);
    if (!is_utf8(urls[i].url)) fail("URL not UTF-8", i, urls);
    if (urls[i].line < previous) fail("line decreases", i, urls);
    if (urls[i].line > 1 + line_breaks) fail("line past the last", i, urls);
    previous = urls[i].line;
  }

  constexpr std::uint32_t kFirstLine = 1000;
  const auto again = css_urls(normal, kFirstLine);
  if (again.size() != urls.size()) fail("preprocessed input: another count", 0, again);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (again[i].url != urls[i].url || again[i].import != urls[i].import)
      fail("preprocessed input: another URL", i, again);
    if (again[i].line != urls[i].line + (kFirstLine - 1))
      fail("preprocessed input: another line", i, again);
  }
  return 0;
}
