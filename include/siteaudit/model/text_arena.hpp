// text_arena.hpp — append-only storage for many small strings that live as long as a report.
//
// A TextArena copies each string it is given into large shared blocks and hands back a view of
// the copy. A 1,000,000-URL run keeps every listed URL until the report is written; as a
// std::string each costs its 32-byte header plus a heap block of its own (48 bytes for a
// 38-character URL), where the arena costs the characters and one 16-byte view.
//
// Views stay valid until the arena is destroyed or assigned to; moving the arena keeps them
// valid, since the blocks themselves never move. Nothing is freed before the arena is.
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

  // store() copies `text` into the arena and returns a view of the copy.
  std::string_view store(std::string_view text);

  // bytes() is the memory the arena holds: every block, whether filled or not.
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* free_ = nullptr;  // the first unused byte of the block being filled
  std::size_t left_ = 0;  // unused bytes from free_ to the end of that block
  std::size_t bytes_ = 0;
};

}  // namespace siteaudit::model
