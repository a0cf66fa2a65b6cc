// text_sitemap_fuzzer.cpp — libFuzzer target for parse_text_sitemap().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "siteaudit/audit/text_sitemap_parser.hpp"
#include "siteaudit/net/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::uint64_t delivered = 0;
  auto doc = siteaudit::audit::parse_text_sitemap(
      bytes, "https://example.com/sitemap.txt", [&](siteaudit::audit::SitemapEntry&& e) {
        ++delivered;
        if (!siteaudit::net::is_absolute_http_url(e.url) || e.line == 0) std::abort();
      });
  if (doc.entries != delivered) std::abort();
  return 0;
}
