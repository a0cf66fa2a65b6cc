// interrupt_guard.cpp — the self-pipe behind InterruptGuard.
#include "cli/interrupt_guard.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::cli {

namespace {

// Globals because a signal handler has no other way to reach state; both are lock-free
// atomics, which is what async-signal-safe code may touch.
std::atomic<int> g_write_fd{-1};
std::atomic<int> g_first_signal{0};
std::atomic<const char*> g_removals[InterruptGuard::kMaxRemovals];

void on_signal(int sig) {
  int expected = 0;
  if (!g_first_signal.compare_exchange_strong(expected, sig)) {
    // Second signal: the user does not want to wait for the partial report. unlink() is
    // async-signal-safe; the temporary reports go, the earlier reports stay as they were.
    for (std::atomic<const char*>& removal : g_removals) {
      if (const char* path = removal.load(); path != nullptr) unlink(path);
    }
    _exit(130);
  }
  const char byte = 1;
  int fd = g_write_fd.load();
  if (fd >= 0) {
    [[maybe_unused]] ssize_t n = write(fd, &byte, 1);
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    rt::fatal(std::string("pipe2 for signal handling: ") + std::strerror(errno));
  }
  read_fd_ = fds[0];
  g_first_signal.store(0);
  g_write_fd.store(fds[1]);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  // After a first signal the handlers stay: the run is over but the partial report is still
  // being written, and a second Ctrl-C must exit 130 at once rather than kill the process by
  // the default action (which the integration test saw about one run in 30).
  if (g_first_signal.load() == 0) {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  int write_fd = g_write_fd.exchange(-1);
  if (write_fd >= 0) close(write_fd);
  if (read_fd_ >= 0) close(read_fd_);
}

void InterruptGuard::remove_on_exit(const char* path) noexcept {
  for (std::atomic<const char*>& removal : g_removals) {
    const char* empty = nullptr;
    if (removal.compare_exchange_strong(empty, path)) return;
  }
}

void InterruptGuard::keep_on_exit(const char* path) noexcept {
  for (std::atomic<const char*>& removal : g_removals) {
    const char* expected = path;
    if (removal.compare_exchange_strong(expected, nullptr)) return;
  }
}

const char* InterruptGuard::signal_name() const noexcept {
  switch (g_first_signal.load()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return nullptr;
  }
}

}  // namespace siteaudit::cli
