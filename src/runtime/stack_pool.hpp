// stack_pool.hpp — fiber stacks carved out of large mmap regions, each with a guard page.
//
// A stack slot is [guard page][usable stack]; the fiber's control block sits at the top of the
// usable part. Slots come from chunks of up to 1024 slots mapped with MAP_NORESERVE, so the
// kernel commits only the pages a fiber touches (a parked fiber costs about one page).
// Guard pages are installed with madvise(MADV_GUARD_INSTALL) where the kernel has it (6.13+),
// which adds no memory mapping; otherwise with mprotect(PROT_NONE), which splits the mapping —
// two VMAs per stack — so vm.max_map_count (65530 by default) caps live fibers near 32,000. When
// the kernel refuses memory or mappings, allocate() fails with a message saying which limit.
//
// Slots are never returned: the scheduler recycles whole fibers (control block, stack and
// suspended context) through its own pools; the chunks are unmapped with the pool.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace siteaudit::rt::detail {

class StackPool {
 public:
  // Slot is one stack: usable memory [low, high); the guard page lies just below low.
  struct Slot {
    char* low;
    char* high;
  };

  explicit StackPool(std::size_t usable_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // allocate() hands out a fresh slot, or returns nullopt and sets *error to a message naming
  // the limit that was hit (address space, vm.max_map_count).
  std::optional<Slot> allocate(std::string* error);

  // for_each() calls fn(slot) for every slot handed out so far, oldest first.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Chunk& chunk : chunks_) {
      for (std::size_t i = 0; i < chunk.used; ++i) fn(slot_at(chunk, i));
    }
  }

  // slot_count() is how many slots were handed out.
  std::size_t slot_count() const;
  // usable_bytes() is the usable size of every slot (page-rounded).
  std::size_t usable_bytes() const noexcept { return usable_; }
  // guard_uses_madvise() says whether guard pages cost no mapping (MADV_GUARD_INSTALL).
  bool guard_uses_madvise() const;

 private:
  struct Chunk {
    char* base;
    std::size_t slots;
    std::size_t used;
  };
  Slot slot_at(const Chunk& chunk, std::size_t index) const noexcept {
    char* low = chunk.base + index * slot_bytes_ + page_;
    return Slot{low, low + usable_};
  }
  bool install_guard(char* guard, std::string* error);

  mutable std::mutex mutex_;
  std::vector<Chunk> chunks_;
  std::size_t page_;
  std::size_t usable_;
  std::size_t slot_bytes_;
  std::size_t total_slots_ = 0;
  enum class GuardMode { unknown, madvise, mprotect } guard_mode_ = GuardMode::unknown;
};

}  // namespace siteaudit::rt::detail
