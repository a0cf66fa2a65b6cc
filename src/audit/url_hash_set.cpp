// url_hash_set.cpp — the newest hashes in a table, the older ones sorted; see url_hash_set.hpp.
#include "siteaudit/audit/url_hash_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <limits>

#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::audit {
namespace {

// The table's first size, and the size up to which it grows by doubling before any merge:
// 262,144 slots (2 MiB) hold 183,500 hashes, so a run below that (the crawl benchmark's
// 100,000 pages among them) never sorts or merges, and looks up in one table as before.
constexpr std::size_t kFirstSlots = 1024;
constexpr std::size_t kMergeSlots = std::size_t{1} << 18;
// After a merge the table holds about an eighth of the sorted hashes (8 MiB of slots at
// 10,000,000 URLs): a larger table merges less often (each merge moves the whole array,
// 1.3 GB in all up to 10,000,000 URLs) and costs more memory.
constexpr std::size_t kSortedPerSlot = 8;
// Sorted hashes per directory entry, at least: a look-up's binary search spans 16 to 32
// hashes (two to four cache lines), and the directory costs at most a quarter byte a hash.
constexpr std::size_t kPerDirectoryEntry = 16;

bool full(std::size_t size, std::size_t slots) {
  return (size + 1) * 10 > slots * 7;
}

}  // namespace

void UrlHashSet::SortedArray::resize(std::size_t n) {
  const std::size_t need = n * sizeof(std::uint64_t);
  // A quarter more than needed: the next merges usually fit without a call.
  if (need > memory_.bytes()) memory_.grow(need + need / 4);
  size_ = n;  // the mapping's new pages read as zero; shrinking is never asked for
}

std::size_t UrlHashSet::bytes() const noexcept {
  return recent_.size() * sizeof(std::uint64_t) + sorted_.bytes() +
         directory_.size() * sizeof(std::uint32_t);
}

bool UrlHashSet::insert_hash(std::uint64_t h) {
  if (in_sorted(h)) return false;
  if (recent_.empty()) make_room();
  // One probe of the table both looks and places. The room for it was made after the insert
  // before, so the table is never full here and `h` is in neither part when merged.
  if (!place(recent_, h)) return false;
  ++recent_size_;
  if (full(recent_size_, recent_.size())) make_room();
  return true;
}

bool UrlHashSet::place(std::vector<std::uint64_t>& table, std::uint64_t h) {
  const std::size_t mask = table.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    if (table[i] == h) return false;
    if (table[i] == 0) {
      table[i] = h;
      return true;
    }
  }
}

bool UrlHashSet::in_sorted(std::uint64_t h) const noexcept {
  if (sorted_.size() == 0) return false;
  const std::size_t t = directory_bits_ == 0 ? 0 : h >> (64 - directory_bits_);
  const std::uint64_t* first = sorted_.data() + directory_[t];
  const std::uint64_t* last = sorted_.data() + directory_[t + 1];
  return std::binary_search(first, last, h);
}

void UrlHashSet::make_room() {
  if (recent_.size() < kMergeSlots) {
    // Small sets double the table, as a plain hash table does.
    std::vector<std::uint64_t> bigger(recent_.empty() ? kFirstSlots : recent_.size() * 2, 0);
    for (std::uint64_t h : recent_) {
      if (h != 0) (void)place(bigger, h);
    }
    recent_.swap(bigger);
    return;
  }
  merge_recent();
}

void UrlHashSet::merge_recent() {
  // The table's hashes to its front, sorted there: no second buffer.
  std::uint64_t* table = recent_.data();
  const std::size_t m = static_cast<std::size_t>(
      std::remove(table, table + recent_.size(), std::uint64_t{0}) - table);
  std::sort(table, table + m);
  // Merged from the back into the grown array, so every hash moves once and nothing is
  // overwritten before it is read. The two parts have no hash in common (insert_hash looks
  // in both first).
  const std::size_t n = sorted_.size();
  sorted_.resize(n + m);
  std::uint64_t* out = sorted_.data();
  std::size_t i = n, j = m, k = n + m;
  while (j > 0) {
    out[--k] = (i > 0 && out[i - 1] > table[j - 1]) ? out[--i] : table[--j];
  }
  index_sorted();
  // The next table: freed before the new one is made, so the two never coexist.
  const std::size_t slots = std::max(kMergeSlots, std::bit_floor(sorted_.size() / kSortedPerSlot));
  if (slots != recent_.size()) {
    std::vector<std::uint64_t>().swap(recent_);
    recent_.assign(slots, 0);
  } else {
    std::fill(recent_.begin(), recent_.end(), 0);
  }
  recent_size_ = 0;
}

void UrlHashSet::index_sorted() {
  const std::size_t n = sorted_.size();
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    rt::fatal(fmt::format("UrlHashSet: {} URLs exceed the directory's 32-bit offsets", n));
  }
  const std::size_t entries = std::max<std::size_t>(1, std::bit_floor(n / kPerDirectoryEntry));
  directory_bits_ = static_cast<unsigned>(std::countr_zero(entries));
  directory_.assign(entries + 1, 0);
  const std::uint64_t* hashes = sorted_.data();
  std::size_t t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t top = directory_bits_ == 0 ? 0 : hashes[i] >> (64 - directory_bits_);
    while (t <= top) directory_[t++] = static_cast<std::uint32_t>(i);
  }
  while (t <= entries) directory_[t++] = static_cast<std::uint32_t>(n);
}

}  // namespace siteaudit::audit
