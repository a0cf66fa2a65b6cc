// fd_ostream_test.cpp — writes to a descriptor keep the errno of the first failure, and
// finish_output() turns it into the exit status.
#include "cli/fd_ostream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>

namespace {

using siteaudit::cli::FdOstream;
using siteaudit::cli::finish_output;

// Pipe is a pipe whose ends close with it.
struct Pipe {
  Pipe() { REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void close_reader() {
    ::close(fds[0]);
    fds[0] = -1;
  }
  std::string drain() {
    ::close(fds[1]);
    fds[1] = -1;
    std::string text;
    char chunk[256];
    for (ssize_t n; (n = ::read(fds[0], chunk, sizeof chunk)) > 0;) text.append(chunk, n);
    return text;
  }
  int fds[2] = {-1, -1};
};

// IgnoredSigpipe sets SIGPIPE aside for one test, as main() does for the whole process.
struct IgnoredSigpipe {
  IgnoredSigpipe() { previous = std::signal(SIGPIPE, SIG_IGN); }
  ~IgnoredSigpipe() { std::signal(SIGPIPE, previous); }
  void (*previous)(int);
};

}  // namespace

TEST_CASE("FdOstream writes what it is given, in order", "[cli][fd_ostream]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    FdOstream out(::fileno(file));
    out << "hello " << 42 << '\n' << std::string(200'000, 'x');  // more than one buffer
  }
  std::string text(300'000, '\0');
  text.resize(::pread(::fileno(file), text.data(), text.size(), 0));
  std::fclose(file);
  CHECK(text.size() == 9 + 200'000);
  CHECK(text.rfind("hello 42\n", 0) == 0);
  CHECK(text.find_first_not_of('x', 9) == std::string::npos);
}

TEST_CASE("FdOstream keeps the errno of a failed write", "[cli][fd_ostream]") {
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(full >= 0);
  FdOstream out(full);
  out << "summary\n";
  CHECK(out.error() == 0);  // still buffered
  out.flush();
  CHECK(out.error() == ENOSPC);
  CHECK_FALSE(out.good());
  ::close(full);
}

TEST_CASE("finish_output() reports a failed standard output with exit status 2",
          "[cli][fd_ostream]") {
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(full >= 0);
  Pipe errors;
  int code = 0;
  {
    FdOstream out(full);
    FdOstream err(errors.fds[1]);
    out << "FAILED: 1 of 1 URL failed\n";
    code = finish_output(1, out, err);
  }
  CHECK(code == 2);
  CHECK(errors.drain() == "siteaudit: writing standard output failed: No space left on device\n");
  ::close(full);
}

TEST_CASE("finish_output() ends quietly with the run's status on a closed pipe",
          "[cli][fd_ostream]") {
  IgnoredSigpipe ignored;
  Pipe pipe;
  Pipe errors;
  pipe.close_reader();
  int code = 0;
  {
    FdOstream out(pipe.fds[1]);
    FdOstream err(errors.fds[1]);
    out << "PASSED\n";
    code = finish_output(1, out, err);
    CHECK(out.error() == EPIPE);
  }
  CHECK(code == 1);
  CHECK(errors.drain().empty());
}

TEST_CASE("finish_output() passes the status through when every write succeeded",
          "[cli][fd_ostream]") {
  Pipe pipe;
  Pipe errors;
  FdOstream out(pipe.fds[1]);
  FdOstream err(errors.fds[1]);
  out << "ok\n";
  CHECK(finish_output(130, out, err) == 130);
}
