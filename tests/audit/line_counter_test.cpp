// line_counter_test.cpp — line:column of byte offsets, and the cost of finding them.
#include "siteaudit/audit/line_counter.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace siteaudit::audit;

namespace {

// naive() is the definition: count from the start.
std::pair<std::uint32_t, std::uint32_t> naive(const std::string& text, std::size_t offset) {
  std::uint32_t line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  return {line, static_cast<std::uint32_t>(std::min(offset, text.size()) - start + 1)};
}

}  // namespace

TEST_CASE("LineCounter agrees with counting from the start, forwards and back", "[audit]") {
  const std::string text = "ab\ncdef\n\nghi\nj";
  LineCounter lines(text);
  // Forwards, backwards across newlines and within a line, past the end, negative.
  for (std::size_t offset : {0u, 4u, 2u, 3u, 9u, 1u, 13u, 11u, 14u, 20u, 8u, 0u}) {
    INFO("offset " << offset);
    CHECK(lines.at(static_cast<std::ptrdiff_t>(offset)) == naive(text, offset));
  }
  CHECK(lines.at(-1) == std::pair<std::uint32_t, std::uint32_t>{0, 0});
}

TEST_CASE("LineCounter: a one-line sitemap with <lastmod> before <loc> costs one pass", "[audit]") {
  // The parser asks for each <loc>, then for the <lastmod> just before it. Going back used to
  // rescan the text from its start to find the line's beginning: on one line, every element
  // cost the whole prefix (9 s for 20,000 URLs). `inside` goes between the two elements: with
  // a newline, going back crosses it every time.
  for (std::string_view inside : {"", "\n"}) {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> entries;  // (lastmod, loc) offsets
    for (int i = 0; i < 20'000; ++i) {
      const std::size_t lastmod = text.size();
      text += "<url><lastmod>2024-01-01</lastmod>";
      text += inside;
      const std::size_t loc = text.size();
      text += "<loc>https://example.com/page_" + std::to_string(i) + "</loc></url>";
      entries.emplace_back(lastmod, loc);
    }
    LineCounter lines(text);
    std::uint32_t line = 1;
    for (auto [lastmod, loc] : entries) {
      const std::uint32_t loc_line = inside.empty() ? line : line + 1;
      CHECK(lines.at(static_cast<std::ptrdiff_t>(loc)).first == loc_line);
      CHECK(lines.at(static_cast<std::ptrdiff_t>(lastmod)).first == line);
      line = loc_line;
    }
    INFO("scanned " << lines.scanned() << " bytes of " << text.size());
    CHECK(lines.scanned() <= 3 * text.size());
  }
}
