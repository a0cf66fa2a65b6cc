// baseline.cpp — the failure keys of a report, and their comparison with a baseline's.
#include "siteaudit/model/baseline.hpp"

#include <algorithm>
#include <utility>

#include "siteaudit/model/report.hpp"

namespace siteaudit::model {

namespace {

void sort_unique(std::vector<FailureKey>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

}  // namespace

void add_result_failures(const Result& result, bool strict, std::vector<FailureKey>& out) {
  if (result.outcome == Outcome::failed || result.outcome == Outcome::cancelled) {
    const char* kind = result.detail ? error_kind_name(*result.detail) : "";
    if (*kind == '\0') kind = to_string(result.outcome);
    out.push_back({std::string(result.url), kind});
  }
  // A bot wall fails the run only with --strict (pipeline.hpp, exit_code()).
  if (strict && result.outcome == Outcome::inconclusive) {
    out.push_back({std::string(result.url), to_string(result.outcome)});
  }
  if (strict && result.detail) {
    for (const Finding& f : result.detail->findings) {
      out.push_back({std::string(result.url), to_string(f.code)});
    }
  }
}

void add_report_failures(const Report& report, bool strict, std::vector<FailureKey>& out) {
  for (const Source& source : report.sources) {
    if (!source.error.empty()) out.push_back({source.url, "source_error"});
    if (!strict) continue;
    for (const Finding& f : source.warnings) out.push_back({source.url, to_string(f.code)});
  }
  for (const std::string& route : report.routes.missing) out.push_back({route, "missing_route"});
  if (strict) {
    for (const std::string& url : report.routes.unexpected) {
      out.push_back({url, "unexpected_route"});
    }
  }
}

BaselineInfo compare_with_baseline(std::string file, std::vector<FailureKey> old_keys,
                                   std::vector<FailureKey> keys) {
  sort_unique(old_keys);
  sort_unique(keys);
  BaselineInfo info;
  info.file = std::move(file);
  std::set_intersection(keys.begin(), keys.end(), old_keys.begin(), old_keys.end(),
                        std::back_inserter(info.known));
  std::set_difference(keys.begin(), keys.end(), old_keys.begin(), old_keys.end(),
                      std::back_inserter(info.fresh));
  std::set_difference(old_keys.begin(), old_keys.end(), keys.begin(), keys.end(),
                      std::back_inserter(info.fixed));
  return info;
}

}  // namespace siteaudit::model
