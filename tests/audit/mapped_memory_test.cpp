// Tests for mapped_memory.cpp: whole zeroed pages, growth that keeps the content, moves that
// hand the mapping over.
#include "siteaudit/audit/mapped_memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <utility>

using siteaudit::audit::MappedMemory;

TEST_CASE("MappedMemory: whole pages that read as zero", "[audit][mapped_memory]") {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  MappedMemory empty;
  CHECK(empty.data() == nullptr);
  CHECK(empty.bytes() == 0);
  MappedMemory memory(page + 1);
  REQUIRE(memory.data() != nullptr);
  CHECK(memory.bytes() == 2 * page);
  CHECK(std::all_of(memory.data(), memory.data() + memory.bytes(), [](char c) { return c == 0; }));
}

TEST_CASE("MappedMemory: grow keeps what was written, and never shrinks",
          "[audit][mapped_memory]") {
  MappedMemory memory(4096);
  std::fill(memory.data(), memory.data() + memory.bytes(), 'x');
  const std::size_t before = memory.bytes();
  memory.grow(64 * 1024 * 1024);  // far enough that mremap may move it
  REQUIRE(memory.bytes() >= 64u * 1024 * 1024);
  CHECK(std::all_of(memory.data(), memory.data() + before, [](char c) { return c == 'x'; }));
  CHECK(std::all_of(memory.data() + before, memory.data() + memory.bytes(),
                    [](char c) { return c == 0; }));
  const std::size_t grown = memory.bytes();
  memory.grow(1);
  CHECK(memory.bytes() == grown);
}

TEST_CASE("MappedMemory: a move hands the mapping over", "[audit][mapped_memory]") {
  MappedMemory a(4096);
  a.data()[0] = 'a';
  MappedMemory b(std::move(a));
  CHECK(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  CHECK(a.bytes() == 0);
  REQUIRE(b.data() != nullptr);
  CHECK(b.data()[0] == 'a');
  MappedMemory c(4096);
  c = std::move(b);  // c's own mapping is unmapped
  CHECK(c.data()[0] == 'a');
  CHECK(b.data() == nullptr);  // NOLINT(bugprone-use-after-move)
}
