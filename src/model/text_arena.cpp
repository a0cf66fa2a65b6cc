// text_arena.cpp — block allocation for TextArena.
#include "siteaudit/model/text_arena.hpp"

#include <cstring>

namespace siteaudit::model {

namespace {

// 64 KiB blocks: about 1,700 URLs each, so a million URLs take some 600 allocations, and the
// unfilled end of each block wastes less than one URL.
constexpr std::size_t kBlockBytes = 64 * 1024;

// A string longer than this gets a block of its own, so that it never abandons the unfilled
// end of a block that shorter strings could still use.
constexpr std::size_t kOwnBlockBytes = kBlockBytes / 8;

}  // namespace

std::string_view TextArena::store(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > left_) {
    if (text.size() > kOwnBlockBytes) {
      // Appended behind the block being filled; free_ and left_ keep pointing into that one.
      blocks_.emplace_back(new char[text.size()]);
      bytes_ += text.size();
      std::memcpy(blocks_.back().get(), text.data(), text.size());
      return {blocks_.back().get(), text.size()};
    }
    blocks_.emplace_back(new char[kBlockBytes]);
    bytes_ += kBlockBytes;
    free_ = blocks_.back().get();
    left_ = kBlockBytes;
  }
  char* copy = free_;
  std::memcpy(copy, text.data(), text.size());
  free_ += text.size();
  left_ -= text.size();
  return {copy, text.size()};
}

}  // namespace siteaudit::model
