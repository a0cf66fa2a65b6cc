// interrupt_guard_test.cpp — the first signal is a readable fd; the second exits at once and
// takes the temporary report files with it.
#include "cli/interrupt_guard.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using siteaudit::cli::InterruptGuard;

// scratch_file() creates an empty file under the temp directory and returns its path.
std::string scratch_file() {
  std::string pattern = (fs::temp_directory_path() / ".report.json.XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  REQUIRE(fd >= 0);
  ::close(fd);
  return pattern;
}

}  // namespace

TEST_CASE("InterruptGuard: the first SIGINT makes its fd readable and names the signal", "[cli]") {
  InterruptGuard guard;
  CHECK(guard.signal_name() == nullptr);
  REQUIRE(std::raise(SIGINT) == 0);
  pollfd ready{guard.fd(), POLLIN, 0};
  CHECK(::poll(&ready, 1, 5000) == 1);
  CHECK(std::string(guard.signal_name()) == "SIGINT");
}

TEST_CASE("InterruptGuard: the second signal exits 130 and removes the registered files", "[cli]") {
  const std::string doomed = scratch_file();
  const std::string kept = scratch_file();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: what siteaudit does when a report's temporary file exists and the user
    // presses Ctrl-C twice. Nothing here may return into the test runner.
    InterruptGuard guard;
    InterruptGuard::remove_on_exit(doomed.c_str());
    InterruptGuard::remove_on_exit(kept.c_str());
    InterruptGuard::keep_on_exit(kept.c_str());  // committed: no longer the handler's to remove
    std::raise(SIGINT);
    std::raise(SIGINT);
    ::_exit(99);  // not reached when the second signal exits
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_FALSE(fs::exists(doomed));
  CHECK(fs::exists(kept));
  fs::remove(kept);
}
