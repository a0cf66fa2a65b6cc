// sitemap_xml_fuzzer.cpp — libFuzzer target for parse_sitemap(): any bytes, no crash, no leak,
// every delivered entry has an http(s) URL and a line inside the document, and a parse in
// windows of one child each reports exactly what the whole document's parse reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/sitemap_parser.hpp"
#include "siteaudit/net/url.hpp"

namespace {

// outcome() is one parse's entries, children, findings and error, one string each.
std::vector<std::string> outcome(std::string_view bytes, std::size_t lines,
                                 std::size_t window_bytes) {
  std::vector<std::string> out;
  auto doc = siteaudit::audit::parse_sitemap(
      bytes, "https://example.com/dir/sitemap.xml",
      [&](siteaudit::audit::SitemapEntry&& e) {
        if (!siteaudit::net::is_absolute_http_url(e.url) || e.line == 0 || e.line > lines) {
          std::abort();
        }
        out.push_back(std::to_string(e.line) + " " + e.loc + " " + e.url + " " + e.lastmod);
      },
      {}, window_bytes);
  for (const auto& child : doc.children) {
    if (!siteaudit::net::is_absolute_http_url(child.url)) std::abort();
    out.push_back(std::to_string(child.line) + " " + child.url + " " + child.lastmod);
  }
  for (const auto& f : doc.findings) out.push_back(std::to_string(f.line) + " " + f.message);
  out.push_back(std::to_string(static_cast<int>(doc.kind)) + " " + doc.error);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : bytes) lines += c == '\n';
  if (outcome(bytes, lines, std::numeric_limits<std::size_t>::max()) != outcome(bytes, lines, 1)) {
    std::abort();
  }
  return 0;
}
