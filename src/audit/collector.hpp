// collector.hpp — the end of the pipeline: every Result into the Report, and the progress line.
//
// The collector ranges over the results channel until the worker pool's closer closes it.
// Each Result goes into the Report and is counted as collected by the frontier (which ends
// the run when nothing is left in flight); a few times a second it tells the progress
// callback how far the run is.
//
// Example (inside the runtime, on the fiber that owns `report`):
//   Collector collector(report, frontier, on_progress);
//   collector.run(rt::Receiver<Result>(results));
//
// Thread safety: run() on one fiber; the Report is that fiber's until run() returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/runtime/channel.hpp"

namespace siteaudit::audit {

class Collector {
 public:
  // Collector() keeps references: `report` and `frontier` must outlive run().
  Collector(Report& report, Frontier& frontier, ProgressFunction on_progress,
            std::chrono::steady_clock::time_point started);

  // run() collects until `results` is closed and drained.
  void run(rt::Receiver<Result> results);

 private:
  void sample_progress(std::uint64_t done, std::uint64_t failed);

  Report& report_;
  Frontier& frontier_;
  ProgressFunction on_progress_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_progress_;
};

}  // namespace siteaudit::audit
