// progress_printer.cpp — the progress line and its in-place redraws.
#include "siteaudit/report/progress_printer.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string_view>

namespace siteaudit::report {

namespace {

std::string format_rate(double per_second) {
  return per_second >= 10 ? fmt::format("{:.0f}/s", per_second)
                          : fmt::format("{:.1f}/s", per_second);
}

// format_eta() rounds up: "ETA 0s" while work remains would read as a hang.
std::string format_eta(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::ceil(seconds));
  if (s < 60) return fmt::format("ETA {}s", s);
  if (s < 3600) return fmt::format("ETA {}m{:02}s", s / 60, s % 60);
  return fmt::format("ETA {}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

std::string format_progress(const ProgressSnapshot& p, std::size_t width) {
  const double secs = std::chrono::duration<double>(p.elapsed).count();
  const double rate = secs > 0 ? static_cast<double>(p.done) / secs : 0;

  std::string count;
  if (p.total == 0) {
    count = fmt::format("{}", p.done);
  } else {
    count = fmt::format("{}/{}{}", p.done, p.total, p.loading ? "+" : "");
  }
  std::string rate_text = p.done > 0 && secs > 0 ? format_rate(rate) : std::string();
  std::string failed = p.failed ? fmt::format("{} failed", p.failed) : std::string();
  std::string eta;
  if (p.loading) {
    eta = "loading sitemaps";
  } else if (p.total > p.done && rate > 0) {
    eta = format_eta(static_cast<double>(p.total - p.done) / rate);
  }

  // Candidates from the fullest to the barest; the first that fits wins.
  struct Layout {
    bool urls_word, rate, failed, eta;
  };
  static constexpr std::array<Layout, 5> kLayouts = {{{true, true, true, true},
                                                      {true, false, true, true},
                                                      {true, false, true, false},
                                                      {false, false, true, false},
                                                      {false, false, false, false}}};
  std::string line;
  for (const Layout& layout : kLayouts) {
    line = count;
    if (layout.urls_word) line += " URLs";
    for (auto [on, part] : {std::pair<bool, std::string_view>{layout.rate, rate_text},
                            {layout.failed, failed},
                            {layout.eta, eta}}) {
      if (on && !part.empty()) {
        line += "  ";
        line += part;
      }
    }
    if (width == 0 || line.size() <= width) return line;
  }
  line.resize(width);
  return line;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool enabled, std::size_t width,
                                 std::chrono::milliseconds interval)
    : out_(out), enabled_(enabled), width_(width), interval_(interval) {}

ProgressPrinter::~ProgressPrinter() {
  finish();
}

bool ProgressPrinter::update(const ProgressSnapshot& snapshot) {
  if (!enabled_) return false;
  if (ever_drawn_ && snapshot.elapsed - last_draw_ < interval_) return false;
  // One column is left free: writing the last column makes some terminals wrap at once, and
  // every redraw would then start a new line instead of overwriting this one.
  std::string line = format_progress(snapshot, width_ > 1 ? width_ - 1 : width_);
  if (drawn_ && line == last_line_) return false;
  out_ << '\r' << line << "\x1b[K" << std::flush;
  last_line_ = std::move(line);
  last_draw_ = snapshot.elapsed;
  drawn_ = ever_drawn_ = true;
  return true;
}

void ProgressPrinter::finish() {
  if (!drawn_) return;
  out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
  last_line_.clear();
}

}  // namespace siteaudit::report
