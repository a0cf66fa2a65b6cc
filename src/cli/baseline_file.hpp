// baseline_file.hpp — --baseline FILE: the failures of an earlier report, and the exit code
// that counts only new ones.
//
// load_baseline() reads the earlier report (a run's or a merge's) before the run starts, so
// that a broken baseline is a usage error before any request, and so that --json may name the
// same file (the new report replaces it only at the end: a CI job can keep one baseline and
// update it on every run). It keeps only the failure keys (model/baseline.hpp), streaming the
// results. apply_baseline() then splits the finished report's failures into known, new and
// fixed and sets the exit code from the new ones.
//
// Example:
//   BaselineKeys old;
//   if (std::string error = load_baseline(config.baseline, config.strict, old); !error.empty())
//     return usage(error);
//   ... run ...
//   apply_baseline(report, config.baseline, std::move(old), config.strict);
#pragma once

#include <string>
#include <vector>

#include "siteaudit/model/baseline.hpp"
#include "siteaudit/model/report.hpp"

namespace siteaudit::cli {

using BaselineKeys = std::vector<model::FailureKey>;

// load_baseline() reads the failure keys of the report `file`, judged with `strict`; it
// returns "" or "--baseline: FILE: what is wrong".
[[nodiscard]] std::string load_baseline(const std::string& file, bool strict, BaselineKeys& out);

// apply_baseline() fills report.baseline and sets report.run.exit_code: an interrupted run
// (130) and an input error (2) keep theirs; otherwise 1 when there is a new failure, else 0.
void apply_baseline(model::Report& report, const std::string& file, BaselineKeys old_keys,
                    bool strict);

}  // namespace siteaudit::cli
