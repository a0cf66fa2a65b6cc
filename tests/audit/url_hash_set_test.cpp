// Tests for url_hash_set.cpp: the set answers as an exact set of 64-bit hashes would, across
// the merges of its table into the sorted array, at the directory's edges, and within its
// memory bound.
#include "siteaudit/audit/url_hash_set.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

using namespace siteaudit::audit;

namespace {

// check_against_reference() inserts `hashes` in order into a UrlHashSet and a
// std::unordered_set and fails at the first answer or size that differs.
void check_against_reference(const std::vector<std::uint64_t>& hashes) {
  UrlHashSet set;
  std::unordered_set<std::uint64_t> reference;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const bool fresh = reference.insert(hashes[i]).second;
    if (set.insert_hash(hashes[i]) != fresh) {
      FAIL("insert #" << i << " of " << hashes[i] << ": expected " << fresh);
    }
  }
  CHECK(set.size() == reference.size());
  // Every hash again: each one is now a duplicate, wherever it sits (table or array).
  std::size_t answered_new = 0;
  for (std::uint64_t h : hashes) answered_new += set.insert_hash(h) ? 1 : 0;
  CHECK(answered_new == 0);
  CHECK(set.size() == reference.size());
}

}  // namespace

TEST_CASE("UrlHashSet: URLs are new once, then duplicates", "[audit][url_hash_set]") {
  UrlHashSet set;
  CHECK(set.size() == 0);
  CHECK(set.insert("https://e.com/a"));
  CHECK(set.insert("https://e.com/b"));
  CHECK_FALSE(set.insert("https://e.com/a"));
  CHECK(set.size() == 2);
  CHECK(UrlHashSet::hash("https://e.com/a") != 0);
  CHECK_FALSE(set.insert_hash(UrlHashSet::hash("https://e.com/b")));
}

TEST_CASE("UrlHashSet: exact across merges, with duplicates old and new", "[audit][url_hash_set]") {
  // 1,200,000 draws from 1,000,000 values: the table merges into the sorted array five times,
  // and about a quarter of the draws repeat a value, some while it is in the table, some after
  // it moved to the array.
  std::mt19937_64 random(22);
  std::vector<std::uint64_t> values(1'000'000);
  for (auto& v : values) v = random() | 1;
  std::vector<std::uint64_t> hashes;
  std::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
  for (std::size_t i = 0; i < 1'200'000; ++i) {
    hashes.push_back(i < values.size() && i % 4 != 3 ? values[i] : values[pick(random)]);
  }
  check_against_reference(hashes);
}

TEST_CASE("UrlHashSet: hashes at the directory's edges", "[audit][url_hash_set]") {
  // Small numbers share the directory's first entry, the largest its last; consecutive ones
  // make long runs in the table. All of them, interleaved, past three merges.
  std::vector<std::uint64_t> hashes;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::uint64_t i = 1; i <= 200'000; ++i) {
    hashes.push_back(i);
    hashes.push_back(kMax - i + 1);
    hashes.push_back(i << 40);
  }
  hashes.push_back(1);
  hashes.push_back(kMax);
  check_against_reference(hashes);
}

TEST_CASE("UrlHashSet: under 10 bytes a URL, never two copies", "[audit][url_hash_set]") {
  UrlHashSet set;
  std::mt19937_64 random(7);
  std::size_t most = 0;  // the largest bytes() seen, sampled every 1,000 inserts
  for (std::size_t i = 0; i < 2'000'000; ++i) {
    REQUIRE(set.insert_hash(random() | 1));
    if (i % 1000 == 0 && set.bytes() > most) most = set.bytes();
  }
  CHECK(set.size() == 2'000'000);
  // The sorted array (8 bytes a hash), the table (an eighth of that, or 2 MiB) and the
  // directory (at most a quarter byte a hash).
  CHECK(set.bytes() <= 10 * set.size());
  CHECK(most <= 20'000'000);
}

TEST_CASE("UrlHashSet: a moved set keeps its hashes", "[audit][url_hash_set]") {
  UrlHashSet set;
  // Past the first merge, so that the sorted array (a mapping) moves too.
  constexpr std::uint64_t kN = 200'000;
  for (std::uint64_t i = 1; i <= kN; ++i) REQUIRE(set.insert_hash(i * 0x9E3779B97F4A7C15ull));
  UrlHashSet moved(std::move(set));
  CHECK(moved.size() == kN);
  CHECK_FALSE(moved.insert_hash(0x9E3779B97F4A7C15ull));
  CHECK_FALSE(moved.insert_hash(kN * 0x9E3779B97F4A7C15ull));
  CHECK(moved.insert_hash(3));
}
