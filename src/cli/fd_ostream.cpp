// fd_ostream.cpp — FdOstream's buffer and the end-of-run check of standard output.
#include "cli/fd_ostream.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "siteaudit/audit/pipeline.hpp"

namespace siteaudit::cli {

namespace {

constexpr std::size_t kBufferSize = 64 * 1024;

}  // namespace

FdOstream::Buffer::Buffer(int fd) : fd_(fd), space_(kBufferSize) {
  setp(space_.data(), space_.data() + space_.size());
}

bool FdOstream::Buffer::drain() {
  const char* next = pbase();
  const char* end = pptr();
  while (error_ == 0 && next < end) {
    const ssize_t written = ::write(fd_, next, static_cast<std::size_t>(end - next));
    if (written < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
    } else {
      next += written;
    }
  }
  // After a failure the rest is dropped: the stream is bad from now on, and writing again
  // would only fail again (or, on a pipe, half-succeed out of order).
  setp(space_.data(), space_.data() + space_.size());
  return error_ == 0;
}

FdOstream::Buffer::int_type FdOstream::Buffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdOstream::Buffer::sync() {
  return drain() ? 0 : -1;
}

FdOstream::FdOstream(int fd) : std::ostream(nullptr), buffer_(fd) {
  rdbuf(&buffer_);
}

FdOstream::~FdOstream() {
  flush();
}

int finish_output(int code, FdOstream& out, FdOstream& err) {
  out.flush();
  err.flush();
  if (out.error() == EPIPE || err.error() == EPIPE) return code;
  if (out.error() != 0) {
    err << "siteaudit: writing standard output failed: " << std::strerror(out.error()) << '\n';
    err.flush();
    return audit::kExitUsage;
  }
  if (err.error() != 0) return audit::kExitUsage;
  return code;
}

}  // namespace siteaudit::cli
