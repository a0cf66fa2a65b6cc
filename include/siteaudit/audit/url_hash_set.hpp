// url_hash_set.hpp — the set of URLs a run has seen, at 8.6 to 9.3 bytes a URL when large.
//
// A UrlHashSet remembers 64-bit hashes of URLs, not the URLs, in two parts. The newest wait in
// a small open-addressing table (linear probing, 0 = empty, load at most 0.7); when it is
// full, its hashes are sorted and merged into one sorted array of all the older ones, which a
// look-up finds through a directory of the hashes' top bits and a binary search of a few
// dozen entries. The array lives in a mapping of its own and grows in place (mremap), so the
// set never holds two copies of itself: 10,000,000 URLs cost about 86 MiB at every moment,
// where one open-addressing table cost 128 MiB at the end and 192 MiB while it doubled. A set
// of fewer than 183,500 URLs is the table alone, as before.
//
// The set is exact on the hashes: insert_hash() answers as a set of 64-bit numbers would. A
// 64-bit collision between two of a million URLs has odds of about 3e-8; the cost of one is
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

#include "siteaudit/audit/mapped_memory.hpp"

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
  // insert_hash() adds a hash() (never 0) and returns false when it was there already.
  bool insert_hash(std::uint64_t h);
  // size() counts the URLs inserted.
  std::size_t size() const noexcept { return recent_size_ + sorted_.size(); }
  // bytes() is the set's memory: the table, the sorted array's pages and the directory.
  std::size_t bytes() const noexcept;

 private:
  // SortedArray is the sorted hashes' storage: a MappedMemory grown with mremap, so growing
  // never holds the old and the new array at once. Pages are only resident once written.
  class SortedArray {
   public:
    std::uint64_t* data() const noexcept {
      return reinterpret_cast<std::uint64_t*>(memory_.data());
    }
    std::size_t size() const noexcept { return size_; }
    // resize() makes room for `n` hashes (n >= size()); new entries are zero.
    void resize(std::size_t n);
    std::size_t bytes() const noexcept { return size_ * sizeof(std::uint64_t); }

   private:
    MappedMemory memory_;
    std::size_t size_ = 0;
  };

  static bool place(std::vector<std::uint64_t>& table, std::uint64_t h);
  bool in_sorted(std::uint64_t h) const noexcept;
  // make_room() grows the table while the set is small, else merges it into the array.
  void make_room();
  void merge_recent();
  void index_sorted();

  std::vector<std::uint64_t> recent_;  // the newest hashes, open addressing
  std::size_t recent_size_ = 0;
  SortedArray sorted_;  // every older hash, ascending
  // directory_[t] is the first index of sorted_ whose hash has the top `directory_bits_` bits
  // >= t; directory_[2^bits] is sorted_.size(). About 16 to 32 hashes per entry.
  std::vector<std::uint32_t> directory_;
  unsigned directory_bits_ = 0;
};

}  // namespace siteaudit::audit
