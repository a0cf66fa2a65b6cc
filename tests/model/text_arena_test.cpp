// text_arena_test.cpp — TextArena keeps exact copies, and its views survive growth and moves.
#include "siteaudit/model/text_arena.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using siteaudit::model::TextArena;

TEST_CASE("TextArena stores an exact copy that outlives the original", "[audit]") {
  TextArena arena;
  std::string_view kept;
  {
    std::string url = "https://example.com/a?b=c#d";
    kept = arena.store(url);
    CHECK(kept.data() != url.data());
    url.assign(url.size(), 'x');
  }
  CHECK(kept == "https://example.com/a?b=c#d");
  CHECK(arena.store("").empty());
  // Any bytes, NUL and invalid UTF-8 included: results[].url is the URL exactly as listed.
  const std::string odd("a\0b\xff", 4);
  CHECK(arena.store(odd) == odd);
}

TEST_CASE("TextArena views stay valid as blocks are added and the arena moves", "[audit]") {
  TextArena arena;
  std::vector<std::pair<std::string, std::string_view>> stored;
  // Enough text for many blocks, with strings longer than a block's share in between.
  for (int i = 0; i < 20'000; ++i) {
    std::string url = "https://example.com/page/" + std::to_string(i);
    if (i % 1000 == 7) url += std::string(20'000 + i, 'p');
    stored.emplace_back(url, arena.store(url));
  }
  CHECK(arena.bytes() >= 20'000 * 30);
  TextArena moved = std::move(arena);
  TextArena assigned;
  assigned = std::move(moved);
  for (const auto& [text, view] : stored) {
    REQUIRE(view == text);
  }
}

TEST_CASE("TextArena packs short strings together", "[audit]") {
  TextArena arena;
  std::size_t chars = 0;
  for (int i = 0; i < 100'000; ++i) {
    std::string url = "https://example.com/p/" + std::to_string(i) + ".html";
    chars += url.size();
    (void)arena.store(url);
  }
  // Within a block of the characters themselves: no per-string header or heap block.
  CHECK(arena.bytes() <= chars + 64 * 1024);
}
