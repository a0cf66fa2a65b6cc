// baseline_file.cpp — reading a baseline's failures and comparing a run with them.
#include "cli/baseline_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "siteaudit/model/exit_code.hpp"
#include "siteaudit/report/json_reader.hpp"

namespace siteaudit::cli {

std::string load_baseline(const std::string& file, bool strict, BaselineKeys& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fmt::format("--baseline: cannot read '{}': {}", file, std::strerror(errno));
  model::Report old;
  std::string error = report::read_json(
      in, old, [&](model::Result&& r) { model::add_result_failures(r, strict, out); });
  if (!error.empty()) {
    return fmt::format("--baseline: '{}' is not a valid siteaudit report: {}", file, error);
  }
  if (old.shard.enabled()) {
    return fmt::format(
        "--baseline: '{}' is one part of a sharded run; give the merged report (siteaudit merge)",
        file);
  }
  model::add_report_failures(old, strict, out);
  return {};
}

void apply_baseline(model::Report& report, const std::string& file, BaselineKeys old_keys,
                    bool strict) {
  BaselineKeys keys;
  model::add_report_failures(report, strict, keys);
  for (const model::Result& r : report.results) model::add_result_failures(r, strict, keys);
  report.baseline = model::compare_with_baseline(file, std::move(old_keys), std::move(keys));
  int& code = report.run.exit_code;
  if (code == model::kExitInterrupted || code == model::kExitUsage) return;
  code = report.baseline.fresh.empty() ? model::kExitOk : model::kExitFailures;
}

}  // namespace siteaudit::cli
