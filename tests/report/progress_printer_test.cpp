// progress_printer_test.cpp — the progress line: layout, ETA, unknown totals, narrow widths,
// and in-place redraws with throttling.
#include "siteaudit/report/progress_printer.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

namespace {

using namespace siteaudit;
using namespace std::chrono_literals;

report::ProgressSnapshot snap(std::uint64_t done, std::uint64_t total, std::uint64_t failed,
                              std::chrono::milliseconds elapsed, bool loading = false) {
  return {.done = done, .total = total, .failed = failed, .loading = loading, .elapsed = elapsed};
}

}  // namespace

TEST_CASE("progress line shows count, rate, failures and ETA", "[report]") {
  // 1000 done in 2.5 s = 400/s; 4000 left = 10 s.
  CHECK(report::format_progress(snap(1000, 5000, 3, 2500ms), 0) ==
        "1000/5000 URLs  400/s  3 failed  ETA 10s");
  CHECK(report::format_progress(snap(1000, 5000, 0, 2500ms), 0) ==
        "1000/5000 URLs  400/s  ETA 10s");
  // ETA rounds up and switches units.
  CHECK(report::format_progress(snap(10, 1000, 0, 1000ms), 0) == "10/1000 URLs  10/s  ETA 1m39s");
  CHECK(report::format_progress(snap(1, 10000, 0, 1000ms), 0) == "1/10000 URLs  1.0/s  ETA 2h46m");
  CHECK(report::format_progress(snap(3, 1000, 0, 2000ms), 0) == "3/1000 URLs  1.5/s  ETA 11m05s");
  // Done: no ETA.
  CHECK(report::format_progress(snap(5000, 5000, 2, 10000ms), 0) ==
        "5000/5000 URLs  500/s  2 failed");
}

TEST_CASE("progress line while sitemaps are still loading", "[report]") {
  CHECK(report::format_progress(snap(0, 0, 0, 0ms, true), 0) == "0 URLs  loading sitemaps");
  CHECK(report::format_progress(snap(120, 900, 1, 1000ms, true), 0) ==
        "120/900+ URLs  120/s  1 failed  loading sitemaps");
  // Total unknown and nothing loading (e.g. the first instant): just the count.
  CHECK(report::format_progress(snap(0, 0, 0, 0ms), 0) == "0 URLs");
}

TEST_CASE("progress line fits narrow widths by dropping the least useful parts", "[report]") {
  const auto p = snap(1000, 5000, 3, 2500ms);
  // Full: "1000/5000 URLs  400/s  3 failed  ETA 10s" is 40 columns.
  CHECK(report::format_progress(p, 40) == "1000/5000 URLs  400/s  3 failed  ETA 10s");
  CHECK(report::format_progress(p, 39) == "1000/5000 URLs  3 failed  ETA 10s");
  CHECK(report::format_progress(p, 30) == "1000/5000 URLs  3 failed");
  CHECK(report::format_progress(p, 20) == "1000/5000  3 failed");
  CHECK(report::format_progress(p, 12) == "1000/5000");
  CHECK(report::format_progress(p, 5) == "1000/");
  for (std::size_t w = 1; w <= 60; ++w) CHECK(report::format_progress(p, w).size() <= w);
}

TEST_CASE("progress printer redraws in place, throttled, and clears at the end", "[report]") {
  std::ostringstream out;
  {
    report::ProgressPrinter printer(out, true, 80, 100ms);
    CHECK(printer.update(snap(1, 10, 0, 10ms)));
    CHECK(out.str() == "\r1/10 URLs  100/s  ETA 1s\x1b[K");
    CHECK_FALSE(printer.update(snap(2, 10, 0, 50ms)));  // within the interval
    CHECK(printer.update(snap(5, 10, 1, 110ms)));
    CHECK(out.str().substr(out.str().rfind('\r')) == "\r5/10 URLs  45/s  1 failed  ETA 1s\x1b[K");
    printer.finish();
    CHECK(out.str().substr(out.str().size() - 4) == "\r\x1b[K");
    const std::size_t size = out.str().size();
    printer.finish();  // idempotent
    CHECK(out.str().size() == size);
  }
  // The destructor found nothing left to erase.
  CHECK(out.str().substr(out.str().size() - 4) == "\r\x1b[K");
}

TEST_CASE("progress printer leaves the last column free and skips identical lines", "[report]") {
  std::ostringstream out;
  report::ProgressPrinter printer(out, true, 21, 0ms);
  CHECK(printer.update(snap(1000, 5000, 3, 2500ms)));
  // 21 columns: the line gets 20 of them.
  CHECK(out.str() == "\r1000/5000  3 failed\x1b[K");
  printer.set_width(0);
  CHECK(printer.update(snap(1000, 5000, 3, 2600ms)));
  CHECK_FALSE(printer.update(snap(1000, 5000, 3, 2600ms)));  // same text: no write
}

TEST_CASE("disabled progress printer writes nothing", "[report]") {
  std::ostringstream out;
  {
    report::ProgressPrinter printer(out, false, 80);
    CHECK_FALSE(printer.enabled());
    CHECK_FALSE(printer.update(snap(1, 10, 0, 1s)));
    printer.finish();
  }
  CHECK(out.str().empty());
}

TEST_CASE("progress printer destructor erases a line left on screen", "[report]") {
  std::ostringstream out;
  {
    report::ProgressPrinter printer(out, true, 80);
    printer.update(snap(1, 10, 0, 1s));
  }
  CHECK(out.str().substr(out.str().size() - 4) == "\r\x1b[K");
}
