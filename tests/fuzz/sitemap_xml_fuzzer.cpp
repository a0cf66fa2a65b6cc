// sitemap_xml_fuzzer.cpp — libFuzzer target for parse_sitemap(): any bytes, no crash, no leak,
// every delivered entry has an http(s) URL and a line inside the document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "siteaudit/audit/sitemap_parser.hpp"
#include "siteaudit/net/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : bytes) lines += c == '\n';
  auto doc = siteaudit::audit::parse_sitemap(
      bytes, "https://example.com/dir/sitemap.xml", [&](siteaudit::audit::SitemapEntry&& e) {
        if (!siteaudit::net::is_absolute_http_url(e.url) || e.line == 0 || e.line > lines) {
          std::abort();
        }
      });
  for (const auto& child : doc.children) {
    if (!siteaudit::net::is_absolute_http_url(child.url)) std::abort();
  }
  return 0;
}
