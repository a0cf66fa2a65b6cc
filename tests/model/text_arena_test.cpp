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

TEST_CASE("TextArena gives back the blocks whose tags are all below a mark", "[audit]") {
  TextArena arena;
  std::vector<std::pair<std::string, std::string_view>> stored;
  for (std::uint64_t seq = 0; seq < 20'000; ++seq) {
    std::string url = "https://example.com/page/" + std::to_string(seq);
    if (seq % 5000 == 9) url += std::string(20'000, 'p');  // a block of its own
    stored.emplace_back(url, arena.store(url, seq));
  }
  const std::string_view untagged = arena.store("kept for the arena's life");
  const std::size_t before = arena.bytes();
  const std::size_t freed = arena.release_below(10'000);
  CHECK(freed > 0);
  CHECK(arena.bytes() == before - freed);
  // What is at or above the mark, and untagged text, is still there.
  for (std::uint64_t seq = 10'000; seq < stored.size(); ++seq) {
    REQUIRE(stored[seq].second == stored[seq].first);
  }
  CHECK(untagged == "kept for the arena's life");
  // About half the text went; the block being filled stays whatever its tags.
  CHECK(freed >= before / 3);
  CHECK(arena.release_below(10'000) == 0);
  CHECK(arena.release_below(~std::uint64_t{0}) > 0);
  CHECK(untagged == "kept for the arena's life");
  CHECK(arena.store("after", 30'000) == "after");
}
