// sitemap_test_support.hpp — helpers shared by the sitemap, robots and loader tests.
//
// fixture() reads a file under fixtures/sitemaps/ with {{BASE}} replaced, as the fixture server
// would serve it, so parser tests and loader tests read the same bytes.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/sitemap_document.hpp"

namespace siteaudit::testing {

inline constexpr std::string_view kTestBase = "https://example.com";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string fixture(std::string_view relative, std::string_view base = kTestBase) {
  std::string text =
      read_file(std::string(SITEAUDIT_SOURCE_DIR) + "/fixtures/sitemaps/" + std::string(relative));
  for (auto at = text.find("{{BASE}}"); at != std::string::npos; at = text.find("{{BASE}}", at)) {
    text.replace(at, 8, base);
    at += base.size();
  }
  return text;
}

// Collected is what a parser delivered: every entry, in order.
struct Collected {
  std::vector<audit::SitemapEntry> entries;
  audit::EntryCallback callback() {
    return [this](audit::SitemapEntry&& e) { entries.push_back(std::move(e)); };
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.url);
    return out;
  }
};

// count_code() counts findings with `code`.
inline std::size_t count_code(const std::vector<audit::Finding>& findings,
                              audit::FindingCode code) {
  std::size_t n = 0;
  for (const auto& f : findings) n += f.code == code;
  return n;
}

}  // namespace siteaudit::testing
