// fd_ostream.hpp — a std::ostream that writes to a file descriptor and keeps the errno of a
// failed write.
//
// std::cout reports a failed write only as a stream state, and by the time it is looked at
// errno says something else. FdOstream buffers, writes with write(2), and remembers the errno
// of the first write that failed (ENOSPC on a full disk, EPIPE on a pipe whose reader has
// gone), after which it drops what it is given: one failure, reported once. It never closes
// the descriptor. finish_output() is what main() does with standard output and standard error
// at the end: flush them, and turn a failed write into an exit status.
//
// Example:
//   FdOstream out(STDOUT_FILENO);
//   out << "hello\n";
//   out.flush();
//   if (out.error() != 0) std::fprintf(stderr, "%s\n", std::strerror(out.error()));
//
// Thread safety: none; one thread writes to a stream at a time, as with std::ostream.
#pragma once

#include <ostream>
#include <streambuf>
#include <vector>

namespace siteaudit::cli {

class FdOstream : public std::ostream {
 public:
  explicit FdOstream(int fd);
  // ~FdOstream() flushes what is buffered; the descriptor stays open.
  ~FdOstream() override;
  FdOstream(const FdOstream&) = delete;
  FdOstream& operator=(const FdOstream&) = delete;

  // error() is the errno of the first write that failed, or 0 while every write succeeded.
  int error() const noexcept { return buffer_.error(); }

 private:
  class Buffer : public std::streambuf {
   public:
    explicit Buffer(int fd);
    int error() const noexcept { return error_; }

   protected:
    int_type overflow(int_type c) override;
    int sync() override;

   private:
    bool drain();

    int fd_;
    int error_ = 0;
    std::vector<char> space_;
  };

  Buffer buffer_;
};

// finish_output() flushes `out` (standard output) and `err` (standard error) and returns the
// process's exit status: `code` when everything was written, or when standard output or
// standard error is a pipe whose reader has gone (EPIPE: the reader took what it wanted, and
// nothing is printed); 2 after any other failed write, with "siteaudit: writing standard
// output failed: REASON" on `err` when standard output failed.
[[nodiscard]] int finish_output(int code, FdOstream& out, FdOstream& err);

}  // namespace siteaudit::cli
