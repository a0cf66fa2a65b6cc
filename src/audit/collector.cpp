// collector.cpp — results into the report, sampled progress.
#include "collector.hpp"

#include <utility>

namespace siteaudit::audit {

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
