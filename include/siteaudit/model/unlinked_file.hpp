// unlinked_file.hpp — temporary files that leave nothing behind, however the process ends.
//
// The results' reorder spill (ResultLog) and a large sitemap's text (the loader) wait in files
// that have no name: the kernel frees them when their descriptor closes, also after SIGKILL.
// Both write and read them at offsets, whole, with write_all_at() and read_all_at().
//
// Example:
//   const int fd = open_unlinked_file(temporary_directory(options.directory), "results");
//   if (fd < 0) return "cannot make a temporary file: " + std::string(std::strerror(errno));
//
// Thread safety: both functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace siteaudit::model {

// temporary_directory() is `preferred` when it is not empty, else $TMPDIR when it is set and
// not empty, else /tmp.
std::string temporary_directory(std::string_view preferred = {});

// open_unlinked_file() opens a new read-write file in `dir` that has no name: O_TMPFILE where
// the file system has it, else mkostemp (named siteaudit-`purpose`-XXXXXX) and unlink at once.
// Returns the descriptor (close-on-exec), or -1 with errno set.
int open_unlinked_file(const std::string& dir, std::string_view purpose);

// write_all_at() writes all of `bytes` at `offset` of `fd`, across short writes and EINTR;
// false, errno set (ENOSPC for a write of nothing), when the file takes no more.
bool write_all_at(int fd, std::string_view bytes, std::uint64_t offset);
// read_all_at() reads exactly `size` bytes at `offset` of `fd` into `out`; false, errno set
// (0 at the end of the file), when it cannot.
bool read_all_at(int fd, char* out, std::size_t size, std::uint64_t offset);

}  // namespace siteaudit::model
