// text_arena.hpp — append-only storage for many small strings that live as long as a report.
//
// A TextArena copies each string it is given into large shared blocks and hands back a view of
// the copy. A 1,000,000-URL run keeps every listed URL until the report is written; as a
// std::string each costs its 32-byte header plus a heap block of its own (48 bytes for a
// 38-character URL), where the arena costs the characters and one 16-byte view.
//
// Views stay valid until the arena is destroyed or assigned to; moving the arena keeps them
// valid, since the blocks themselves never move. Nothing is freed before the arena is, except
// by release_below(): text stored with a tag (the frontier's Job::seq) can be given back a
// block at a time once every tag in the block is done with (a streamed run's results).
//
// Example:
//   TextArena text;
//   std::string_view url = text.store(entry.loc);  // entry.loc may now be freed
//   Job job{.url = url, ...};
//
// Thread safety: store() is for one fiber at a time. A view may be read on any thread once it
// was handed over with synchronisation (a channel send, a WaitGroup).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace siteaudit::model {

class TextArena {
 public:
  TextArena() = default;
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  ~TextArena() = default;

  // store() copies `text` into the arena and returns a view of the copy. Text stored without
  // a tag is kept as long as the arena.
  std::string_view store(std::string_view text) { return store(text, kUntagged); }
  std::string_view store(std::string_view text, std::uint64_t tag);

  // release_below() frees every block, but the one being filled, whose text all has a tag
  // below `tag`: views of that text become invalid. It returns the bytes freed.
  std::size_t release_below(std::uint64_t tag);

  // bytes() is the memory the arena holds: every block, whether filled or not.
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  static constexpr std::uint64_t kUntagged = ~std::uint64_t{0};

  // Block is one allocation, and the highest tag of the text in it.
  struct Block {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
    std::uint64_t top = 0;
    bool tagged = false;  // something was stored in it
  };
  Block& grow(std::size_t size);

  std::vector<Block> blocks_;
  std::size_t filling_ = 0;  // the index of the block being filled
  char* free_ = nullptr;     // the first unused byte of the block being filled
  std::size_t left_ = 0;     // unused bytes from free_ to the end of that block
  std::size_t bytes_ = 0;
};

}  // namespace siteaudit::model
