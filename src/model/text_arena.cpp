// text_arena.cpp — block allocation for TextArena.
#include "siteaudit/model/text_arena.hpp"

#include <algorithm>
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

TextArena::Block& TextArena::grow(std::size_t size) {
  Block& block = blocks_.emplace_back();
  block.bytes.reset(new char[size]);
  block.size = size;
  bytes_ += size;
  return block;
}

std::string_view TextArena::store(std::string_view text, std::uint64_t tag) {
  if (text.empty()) return {};
  auto mark = [tag](Block& block) {
    block.top = block.tagged ? std::max(block.top, tag) : tag;
    block.tagged = true;
  };
  if (text.size() > left_) {
    if (text.size() > kOwnBlockBytes) {
      // Appended behind the block being filled; free_ and left_ keep pointing into that one.
      Block& own = grow(text.size());
      mark(own);
      std::memcpy(own.bytes.get(), text.data(), text.size());
      return {own.bytes.get(), text.size()};
    }
    free_ = grow(kBlockBytes).bytes.get();
    filling_ = blocks_.size() - 1;
    left_ = kBlockBytes;
  }
  mark(blocks_[filling_]);
  char* copy = free_;
  std::memcpy(copy, text.data(), text.size());
  free_ += text.size();
  left_ -= text.size();
  return {copy, text.size()};
}

std::size_t TextArena::release_below(std::uint64_t tag) {
  std::size_t freed = 0;
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    Block& block = blocks_[i];
    if (i == filling_ || !block.bytes || !block.tagged || block.top >= tag) continue;
    block.bytes.reset();
    freed += block.size;
  }
  bytes_ -= freed;
  return freed;
}

}  // namespace siteaudit::model
