// interrupt_guard.hpp — SIGINT/SIGTERM for one audit run, turned into a readable fd.
//
// The first signal writes a byte to a pipe that a fiber waits on (rt::wait_readable), which
// cancels the run's root context: in-flight requests abort, workers stop, and the report still
// lists every URL. A second signal exits the process at once with status 130, for a user who
// does not want to wait for the partial report; after a first signal the handlers stay
// installed past the guard's life, so this holds while the report is written too. Signal
// handlers can only do async-signal-safe work, hence the self-pipe rather than touching the
// runtime from the handler.
//
// Thread safety: one InterruptGuard at a time per process (it owns the handlers).
#pragma once

#include <csignal>

namespace siteaudit::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // fd() becomes readable after the first signal.
  int fd() const noexcept { return read_fd_; }
  // signal_name() names the first signal received ("SIGINT", "SIGTERM"), or nullptr.
  const char* signal_name() const noexcept;

  // remove_on_exit() names a file that the second signal's immediate exit removes: a report's
  // temporary file, which would otherwise stay beside its target. `path` must stay valid until
  // keep_on_exit(path). At most kMaxRemovals files at once; more are not removed.
  static void remove_on_exit(const char* path) noexcept;
  // keep_on_exit() withdraws a path given to remove_on_exit().
  static void keep_on_exit(const char* path) noexcept;
  static constexpr int kMaxRemovals = 8;

 private:
  int read_fd_ = -1;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace siteaudit::cli
