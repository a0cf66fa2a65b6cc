// collector.cpp — results into the report, sampled progress.
#include "collector.hpp"

#include <utility>

namespace siteaudit::audit {

namespace {

// The frontier's lock is taken once per this many results to free the URL text released:
// about a 64 KiB block of it.
constexpr std::uint64_t kReleaseEvery = 2048;

}  // namespace

Collector::Collector(Report& report, Frontier& frontier, ProgressFunction on_progress,
                     std::chrono::steady_clock::time_point started)
    : report_(report),
      frontier_(frontier),
      on_progress_(std::move(on_progress)),
      started_(started),
      next_progress_(started) {}

void Collector::run(rt::Receiver<Result> results) {
  std::uint64_t done = 0, failed = 0;
  for (Result& result : results) {
    ++done;
    if (result.outcome == Outcome::failed) ++failed;
    report_.results.push_back(std::move(result));
    // After the Result is stored: once the frontier sees nothing in flight it may end the run.
    frontier_.collected();
    // A streamed log has written or copied what it released: the URLs' text can go.
    if (done % kReleaseEvery == 0 && report_.results.streamed()) {
      frontier_.release_text(report_.results);
    }
    if (on_progress_) sample_progress(done, failed);
  }
}

void Collector::sample_progress(std::uint64_t done, std::uint64_t failed) {
  // Sampled, not per result: a terminal needs a few frames a second, not 20,000.
  const auto now = std::chrono::steady_clock::now();
  if (now < next_progress_) return;
  next_progress_ = now + std::chrono::milliseconds(100);
  on_progress_(ProgressSample{.done = done,
                              .listed = frontier_.accepted(),
                              .failed = failed,
                              .loading = frontier_.producing(),
                              .elapsed = now - started_});
}

}  // namespace siteaudit::audit
