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

BaselineState BaselineInfo::state(std::string_view url, std::string_view kind) const {
  if (!enabled()) return BaselineState::none;
  using View = std::pair<std::string_view, std::string_view>;
  const auto less = [](const FailureKey& key, const View& k) {
    return View(key.url, key.kind) < k;
  };
  auto at = std::lower_bound(known.begin(), known.end(), View(url, kind), less);
  return at != known.end() && at->url == url && at->kind == kind ? BaselineState::known
                                                                 : BaselineState::fresh;
}

const char* to_string(BaselineState state) {
  switch (state) {
    case BaselineState::none:
      return "";
    case BaselineState::fresh:
      return "new";
    case BaselineState::known:
      return "known";
  }
  return "";
}

const char* failure_kind(const Result& result) {
  const char* kind = result.detail ? error_kind_name(*result.detail) : "";
  return *kind == '\0' ? to_string(result.outcome) : kind;
}

BaselineState result_state(const BaselineInfo& baseline, const Result& result, bool strict) {
  if (!baseline.enabled()) return BaselineState::none;
  // Only a failing result pays for building its keys.
  const bool fails = result.outcome == Outcome::failed || result.outcome == Outcome::cancelled ||
                     (strict && (result.outcome == Outcome::inconclusive ||
                                 (result.detail && !result.detail->findings.empty())));
  if (!fails) return BaselineState::none;
  std::vector<FailureKey> keys;
  add_result_failures(result, strict, keys);
  for (const FailureKey& key : keys) {
    if (baseline.state(key.url, key.kind) != BaselineState::known) return BaselineState::fresh;
  }
  return keys.empty() ? BaselineState::none : BaselineState::known;
}

void add_result_failures(const Result& result, bool strict, std::vector<FailureKey>& out) {
  if (result.outcome == Outcome::failed || result.outcome == Outcome::cancelled) {
    out.push_back({std::string(result.url), failure_kind(result)});
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
