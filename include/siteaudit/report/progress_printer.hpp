// progress_printer.hpp — the one-line progress display on stderr while an audit runs.
//
// format_progress() turns a ProgressSnapshot into a line such as
//   "1234/5000 URLs  410/s  3 failed  ETA 9s"
// that fits a given width: when the terminal is narrow it drops the rate, then the ETA, then
// the word "URLs", then the failure count, and finally cuts the count itself. While the loader
// is still reading sitemaps the total can only grow, so it is shown as "5000+" and no ETA is
// guessed; a total of 0 means nothing is known yet.
//
// ProgressPrinter redraws that line in place ("\r", the line, ESC[K), at most once per
// interval of the snapshot's own clock, and erases it at the end so the summary starts on a
// clean line. It writes nothing when disabled (not a terminal, --quiet, --no-progress).
//
// Example (the pipeline's progress fiber):
//   report::ProgressPrinter progress(std::cerr, isatty(2) && config.progress, terminal_width);
//   for (;;) {
//     progress.update({.done = done, .total = listed, .failed = failed, .loading = loading,
//                      .elapsed = clock::now() - start});
//     ...
//   }
//   progress.finish();
//
// Thread safety: a ProgressPrinter is driven from one fiber at a time and must be the only
// writer of its stream while a line is shown.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace siteaudit::report {

struct ProgressSnapshot {
  std::uint64_t done = 0;    // URLs checked (or skipped, or cancelled) so far
  std::uint64_t total = 0;   // URLs known so far; 0 = still loading, nothing known yet
  std::uint64_t failed = 0;  // of `done`, how many failed
  bool loading = false;      // the loader is still reading sitemaps: `total` may grow
  std::chrono::steady_clock::duration elapsed{};  // since the run started
};

// format_progress() renders `snapshot` in at most `width` columns (0 = no limit). The line is
// plain ASCII, so columns equal bytes.
std::string format_progress(const ProgressSnapshot& snapshot, std::size_t width);

class ProgressPrinter {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{100};

  // ProgressPrinter() draws on `out` when `enabled`, fitting lines to a terminal of `width`
  // columns (0 = unknown: no limit), and redraws at most once per `interval`.
  ProgressPrinter(std::ostream& out, bool enabled, std::size_t width,
                  std::chrono::milliseconds interval = kDefaultInterval);
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;
  // ~ProgressPrinter() calls finish(), so an early return cannot leave a half line behind.
  ~ProgressPrinter();

  // update() redraws the line for `snapshot` if the printer is enabled, the first line has not
  // been drawn yet or `interval` has passed (on the snapshot's clock) since the last redraw,
  // and the text changed. Returns whether it wrote.
  bool update(const ProgressSnapshot& snapshot);

  // set_width() changes the width after a terminal resize (SIGWINCH); the next update uses it.
  void set_width(std::size_t width) { width_ = width; }

  // finish() erases the line if one is shown. Idempotent; later updates draw again.
  void finish();

  bool enabled() const { return enabled_; }

 private:
  std::ostream& out_;
  bool enabled_;
  std::size_t width_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::duration last_draw_{};
  bool drawn_ = false;  // a line is on the screen now
  bool ever_drawn_ = false;
  std::string last_line_;
};

}  // namespace siteaudit::report
