// stack_pool.cpp — mmap'd fiber stacks with guard pages; see stack_pool.hpp.
#include "runtime/stack_pool.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#if defined(SITEAUDIT_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace siteaudit::rt::detail {

namespace {

// Linux 6.13's madvise(MADV_GUARD_INSTALL) turns pages into guard regions without splitting
// the mapping. Older headers do not define it.
constexpr int kMadvGuardInstall = 102;
constexpr int kMadvPopulateWrite = 23;  // Linux 5.14
constexpr std::size_t kMinChunkSlots = 16;
constexpr std::size_t kMaxChunkSlots = 1024;

std::string max_map_count() {
  std::ifstream in("/proc/sys/vm/max_map_count");
  std::string value;
  if (!(in >> value)) return "unknown";
  return value;
}

}  // namespace

StackPool::StackPool(std::size_t usable_bytes) {
  page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  usable_ = std::max(usable_bytes, 4 * page_);
  usable_ = (usable_ + page_ - 1) / page_ * page_;
  slot_bytes_ = usable_ + page_;
}

StackPool::~StackPool() {
  for (const Chunk& chunk : chunks_) {
#if defined(SITEAUDIT_ASAN)
    // Fibers abandoned mid-call leave their frames' redzones poisoned; a later mapping at the
    // same address must not inherit them.
    ASAN_UNPOISON_MEMORY_REGION(chunk.base, chunk.slots * slot_bytes_);
#endif
    ::munmap(chunk.base, chunk.slots * slot_bytes_);
  }
}

std::optional<StackPool::Slot> StackPool::allocate(std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (chunks_.empty() || chunks_.back().used == chunks_.back().slots) {
    // Chunks grow with the population so small programs map little and a million fibers
    // still need only about a thousand mappings.
    const std::size_t slots = std::clamp(total_slots_, kMinChunkSlots, kMaxChunkSlots);
    void* base = ::mmap(nullptr, slots * slot_bytes_, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) {
      const int err = errno;
      *error = fmt::format(
          "cannot map {} KiB for fiber stacks after {} fibers: {} (lower "
          "RuntimeConfig::stack_size or raise the address-space limit, ulimit -v)",
          slots * slot_bytes_ / 1024, total_slots_, std::strerror(err));
      return std::nullopt;
    }
    chunks_.push_back(Chunk{static_cast<char*>(base), slots, 0});
  }
  Chunk& chunk = chunks_.back();
  const Slot slot = slot_at(chunk, chunk.used);
  if (!install_guard(slot.low - page_, error)) return std::nullopt;
  // The top page holds the control block and the first frames; every fiber touches it at
  // once. Populating it with one madvise is several times cheaper than taking the page fault,
  // notably in virtual machines. Best effort: kernels before 5.14 say EINVAL.
  ::madvise(slot.high - page_, page_, kMadvPopulateWrite);
  ++chunk.used;
  ++total_slots_;
  return slot;
}

bool StackPool::install_guard(char* guard, std::string* error) {
  if (guard_mode_ != GuardMode::mprotect) {
    if (::madvise(guard, page_, kMadvGuardInstall) == 0) {
      guard_mode_ = GuardMode::madvise;
      return true;
    }
    const int err = errno;
    if (guard_mode_ == GuardMode::madvise || (err != EINVAL && err != ENOSYS)) {
      *error =
          fmt::format("cannot install a fiber stack guard page: madvise: {}", std::strerror(err));
      return false;
    }
    guard_mode_ = GuardMode::mprotect;  // kernel without guard regions (or valgrind)
  }
  if (::mprotect(guard, page_, PROT_NONE) == 0) return true;
  const int err = errno;
  if (err == ENOMEM) {
    *error = fmt::format(
        "cannot protect a fiber stack guard page after {} fibers: the kernel's limit on memory "
        "mappings is reached (vm.max_map_count = {}; each guarded stack costs two mappings on "
        "kernels without MADV_GUARD_INSTALL; raise it with sysctl vm.max_map_count)",
        total_slots_, max_map_count());
  } else {
    *error =
        fmt::format("cannot protect a fiber stack guard page: mprotect: {}", std::strerror(err));
  }
  return false;
}

std::size_t StackPool::slot_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_slots_;
}

bool StackPool::guard_uses_madvise() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return guard_mode_ == GuardMode::madvise;
}

}  // namespace siteaudit::rt::detail
