// mapped_memory.hpp — an anonymous memory mapping owned like a buffer, and grown in place.
//
// MappedMemory is memory the audit's large structures keep outside malloc: the dedupe set's
// sorted array (UrlHashSet) and the link graph's edge blocks (LinkGraph). A mapping given back
// leaves no hole in malloc's per-thread arenas, whose freed pages a long crawl kept resident;
// and grow() moves page-table entries (mremap) instead of copying, so a growing array never
// holds its old and its new copy at once. New pages read as zero and are resident only once
// written.
//
// Example:
//   MappedMemory memory;
//   memory.grow(1 << 20);                        // at least 1 MiB, zeroed
//   auto* words = reinterpret_cast<std::uint64_t*>(memory.data());
//
// Thread safety: none; a MappedMemory belongs to one owner, like a std::vector.
#pragma once

#include <cstddef>

namespace siteaudit::audit {

class MappedMemory {
 public:
  MappedMemory() = default;
  // MappedMemory(bytes) maps `bytes` (rounded up to whole pages); std::bad_alloc when the
  // system has no memory for it, as operator new.
  explicit MappedMemory(std::size_t bytes) { grow(bytes); }
  ~MappedMemory();
  MappedMemory(MappedMemory&& other) noexcept;
  MappedMemory& operator=(MappedMemory&& other) noexcept;
  MappedMemory(const MappedMemory&) = delete;
  MappedMemory& operator=(const MappedMemory&) = delete;

  char* data() const noexcept { return data_; }
  // bytes() is what is mapped: whole pages.
  std::size_t bytes() const noexcept { return bytes_; }
  // grow() makes the mapping at least `bytes` long, keeping its content (it may move); a
  // smaller size changes nothing. std::bad_alloc, the mapping unchanged, when it cannot.
  void grow(std::size_t bytes);

 private:
  char* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace siteaudit::audit
