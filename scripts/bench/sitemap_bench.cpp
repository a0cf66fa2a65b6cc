// sitemap_bench.cpp — memory and time of parse_sitemap() on one large generated <urlset>.
//
// For each size, writes a urlset of N URLs in memory (each <url> with a <loc> and a
// <lastmod>, one element a line, as generators write them), then parses it, whole (one tree,
// as before issue 22) and in windows (kSitemapWindowBytes), alternating, `--reps` rounds. It
// reports the most heap in use, above what it was before the parse, at any delivered entry:
// the tree being walked and the parser's copy of the text (glibc's mallinfo2; a sanitizer's
// allocator reports nothing), and, from a parse of its own that does not ask the allocator,
// the parse's wall time on one core.
//
//   sitemap_bench [--reps N] N...
//
// Prints one line per size and mode (medians):
//   50000 URLs  5.1 MB  whole     14.73 MB heap   41.2 ms
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/sitemap_parser.hpp"

namespace {

using siteaudit::audit::SitemapEntry;

std::string urlset(long urls) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (long i = 0; i < urls; ++i) {
    xml += "  <url>\n    <loc>https://example.com/page_" + std::to_string(i) +
           ".html</loc>\n    <lastmod>2024-03-02</lastmod>\n  </url>\n";
  }
  xml += "</urlset>\n";
  return xml;
}

std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

struct Round {
  double heap_mb = 0;
  double ms = 0;
};

// parse_once() parses `xml` once; with `measure_heap`, it asks the allocator at each entry
// (which costs more than the parse), else it only times the parse.
Round parse_once(const std::string& xml, std::size_t window_bytes, long expected,
                 bool measure_heap) {
  const std::size_t before = heap_in_use();
  std::size_t peak = 0;
  long entries = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto doc = siteaudit::audit::parse_sitemap(
      xml, "https://example.com/sitemap.xml",
      [&](SitemapEntry&&) {
        ++entries;
        if (!measure_heap) return;
        const std::size_t now = heap_in_use();
        peak = std::max(peak, now > before ? now - before : 0);
      },
      {}, window_bytes);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!doc.ok() || entries != expected) {
    std::fprintf(stderr, "sitemap_bench: %ld of %ld entries, error '%s'\n", entries, expected,
                 doc.error.c_str());
    std::exit(1);
  }
  return Round{.heap_mb = static_cast<double>(peak) / 1e6,
               .ms = std::chrono::duration<double, std::milli>(elapsed).count()};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      sizes.push_back(std::atol(argv[i]));
    }
  }
  if (sizes.empty()) {
    std::fprintf(stderr, "usage: sitemap_bench [--reps N] N...\n");
    return 2;
  }
  struct Mode {
    const char* name;
    std::size_t window_bytes;
  };
  const Mode modes[] = {{"whole", std::numeric_limits<std::size_t>::max()},
                        {"windowed", siteaudit::audit::kSitemapWindowBytes}};
  for (long n : sizes) {
    const std::string xml = urlset(n);
    std::vector<double> heap[2], ms[2];
    for (int round = 0; round < reps; ++round) {
      for (int m = 0; m < 2; ++m) {
        heap[m].push_back(parse_once(xml, modes[m].window_bytes, n, true).heap_mb);
        ms[m].push_back(parse_once(xml, modes[m].window_bytes, n, false).ms);
      }
    }
    for (int m = 0; m < 2; ++m) {
      std::printf("%ld URLs  %.1f MB  %-8s  %8.2f MB heap  %8.1f ms\n", n,
                  static_cast<double>(xml.size()) / 1e6, modes[m].name, median(heap[m]),
                  median(ms[m]));
    }
  }
  return 0;
}
