// url_hash_set.hpp — the set of URLs a run has seen, at 8 to 16 bytes a URL.
//
// A UrlHashSet remembers 64-bit hashes of URLs in one open-addressing table (linear probing,
// 0 = empty): 8 bytes a slot at a load of at most 0.7, instead of a node and a string per URL.
// A 64-bit collision between two of a million URLs has odds of about 3e-8; the cost of one is
// a URL reported as a duplicate of another, which the report then names.
//
// Example:
//   UrlHashSet seen;
//   if (!seen.insert("https://example.com/a")) ++duplicates;
//
// Thread safety: none; the owner serialises access (the Frontier holds it under its mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace siteaudit::audit {

class UrlHashSet {
 public:
  // insert() adds `url` and returns false when it was there already.
  bool insert(std::string_view url) { return insert_hash(hash(url)); }
  // hash() is the 64-bit identity under which insert() keeps `url` (never 0).
  static std::uint64_t hash(std::string_view url) noexcept {
    const std::uint64_t h = std::hash<std::string_view>{}(url);
    return h == 0 ? 1 : h;
  }
  // insert_hash() adds a hash() and returns false when it was there already.
  bool insert_hash(std::uint64_t h) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    if (!place(slots_, h)) return false;
    ++size_;
    return true;
  }
  // size() counts the URLs inserted.
  std::size_t size() const noexcept { return size_; }
  // bytes() is the table's memory.
  std::size_t bytes() const noexcept { return slots_.size() * sizeof(std::uint64_t); }

 private:
  static bool place(std::vector<std::uint64_t>& table, std::uint64_t h) {
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (table[i] == h) return false;
      if (table[i] == 0) {
        table[i] = h;
        return true;
      }
    }
  }
  void grow() {
    std::vector<std::uint64_t> bigger(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    for (std::uint64_t h : slots_) {
      if (h != 0) place(bigger, h);
    }
    slots_.swap(bigger);
  }

  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace siteaudit::audit
