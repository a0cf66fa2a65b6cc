// link_bench.cpp — pages/s of each LinkExtractor (MyHTML, gumbo) on one core.
//
// Loads the given HTML files into memory, then, for each extractor in turn (alternating,
// `--reps` rounds), parses them round-robin on the calling thread for `--seconds` and counts
// pages. The links found are counted too, so a fast extractor that finds nothing cannot win.
//
//   link_bench [--seconds S] [--reps N] FILE...
//
// Prints one line per round and extractor, then the medians:
//   myhtml  53123 pages/s  196.4 MB/s  12.0 links/page
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/link_extractor.hpp"

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "link_bench: cannot read %s\n", path);
    std::exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Round {
  double pages_per_second = 0;
  double megabytes_per_second = 0;
  double links_per_page = 0;
};

Round run(siteaudit::audit::LinkExtractor& extractor, const std::vector<std::string>& pages,
          double seconds) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::size_t parsed = 0, bytes = 0, links = 0;
  while (Clock::now() < deadline) {
    for (int batch = 0; batch < 64; ++batch) {  // read the clock once per 64 pages
      const std::string& page = pages[parsed % pages.size()];
      const auto result = extractor.extract(page, "https://bench.test/p/0/1.html");
      if (!result.ok()) {
        std::fprintf(stderr, "link_bench: %s\n", result.error.c_str());
        std::exit(1);
      }
      links += result.links.size();
      bytes += page.size();
      ++parsed;
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(parsed) / elapsed, static_cast<double>(bytes) / elapsed / 1e6,
          static_cast<double>(links) / static_cast<double>(parsed)};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  int reps = 3;
  std::vector<std::string> pages;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (arg.starts_with("--")) {
      std::fprintf(stderr, "usage: link_bench [--seconds S] [--reps N] FILE...\n");
      return 2;
    } else {
      pages.push_back(read_file(argv[i]));
    }
  }
  if (pages.empty()) {
    std::fprintf(stderr, "usage: link_bench [--seconds S] [--reps N] FILE...\n");
    return 2;
  }
  std::size_t total = 0;
  for (const auto& page : pages) total += page.size();
  std::printf("%zu pages, %.0f bytes each on average\n", pages.size(),
              static_cast<double>(total) / static_cast<double>(pages.size()));

  auto myhtml = siteaudit::audit::make_myhtml_link_extractor();
  auto gumbo = siteaudit::audit::make_gumbo_link_extractor();
  std::map<std::string, std::vector<Round>> rounds;
  for (int rep = 0; rep < reps; ++rep) {
    for (auto* extractor : {myhtml.get(), gumbo.get()}) {
      const Round round = run(*extractor, pages, seconds);
      rounds[std::string(extractor->name())].push_back(round);
      std::printf("round %d  %-7s %8.0f pages/s  %6.1f MB/s  %5.1f links/page\n", rep + 1,
                  std::string(extractor->name()).c_str(), round.pages_per_second,
                  round.megabytes_per_second, round.links_per_page);
    }
  }
  for (auto& [name, list] : rounds) {
    std::sort(list.begin(), list.end(), [](const Round& a, const Round& b) {
      return a.pages_per_second < b.pages_per_second;
    });
    const Round& median = list[list.size() / 2];
    std::printf("median   %-7s %8.0f pages/s  %6.1f MB/s  %5.1f links/page\n", name.c_str(),
                median.pages_per_second, median.megabytes_per_second, median.links_per_page);
  }
  return 0;
}
