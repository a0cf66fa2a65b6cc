// Tests for broken_invariant.cpp: the message on standard error, then abort().
#include "model/broken_invariant.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <string>

TEST_CASE("broken_invariant() says what broke and aborts", "[model][broken_invariant]") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  std::fflush(nullptr);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Catch's (and the sanitizers') SIGABRT handlers would report from the child; the
    // default action shows in the exit status instead.
    std::signal(SIGABRT, SIG_DFL);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    siteaudit::model::detail::broken_invariant("Thing: state 3 after 4");
  }
  ::close(pipe_fds[1]);
  std::string err;
  char buffer[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) err.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(err == "siteaudit: fatal: Thing: state 3 after 4\n");
}
