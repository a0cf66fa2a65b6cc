// issues.cpp — the failures and warnings of a run, in the order the annotating writers list.
#include "issues.hpp"

#include <fmt/format.h>

#include <optional>
#include <unordered_map>

#include "text.hpp"

namespace siteaudit::report {

namespace {

// finding_message() is a finding's message with the page it is about in front.
std::string finding_message(std::string_view about, const model::Finding& f) {
  return about.empty() ? f.message : fmt::format("{}: {}", about, f.message);
}

// state() is how the failure (url, kind) stands against the baseline, for an issue that fails
// the run; `none` for one that does not, or without a baseline.
model::BaselineState state(const model::Report& report, bool fails, std::string_view url,
                           std::string_view kind) {
  return fails ? report.baseline.state(url, kind) : model::BaselineState::none;
}

void visit_sources(const model::Report& report, bool strict,
                   const std::function<void(const Issue&)>& visit) {
  for (const model::Source& s : report.sources) {
    if (!s.error.empty()) {
      visit({.rule = IssueRule::source_error,
             .fails = true,
             .baseline = state(report, true, s.url, "source_error"),
             .message = s.error,
             .where = s.url,
             .identity = s.url});
    }
    // The message, not the line, tells findings of one rule apart across runs; a repeat of
    // the same message is counted.
    std::unordered_map<std::string, int> seen;
    for (const model::Finding& f : s.warnings) {
      const std::string_view where = f.where.empty() ? std::string_view(s.url) : f.where;
      std::string key = fmt::format("{}\x1f{}\x1f{}", model::to_string(f.code), where, f.message);
      const int n = seen[key]++;
      const bool fails = strict || f.severity == model::Severity::failure;
      visit({.rule = IssueRule::finding,
             .code = f.code,
             .fails = fails,
             .baseline = state(report, fails, s.url, model::to_string(f.code)),
             .message = f.message,
             .where = where,
             .line = f.line,
             .identity = fmt::format("{}\x1f{}", key, n)});
    }
  }
}

void visit_result(const model::Report& report, const model::Result& r, bool strict,
                  const std::function<void(const Issue&)>& visit) {
  const model::ResultDetail* d = r.detail.get();
  // A URL a sitemap listed is located there; one that only links led to, at the first page
  // that links to it; an input page, at itself.
  std::string_view where = text::source_url(report, r.source);
  std::uint32_t line = r.line;
  const bool referred = d != nullptr && !d->referrers.empty();
  if (where.empty()) {
    where = referred ? std::string_view(d->referrers.front().page) : r.url;
    line = referred ? d->referrers.front().line : 0;
  }
  const std::vector<model::Referrer>* referrers = referred ? &d->referrers : nullptr;
  const std::uint64_t referrer_count = d != nullptr ? d->referrer_count : 0;
  const bool by_finding = r.outcome == model::Outcome::failed && d != nullptr &&
                          d->error_kind == model::ErrorKind::finding;
  // An inconclusive answer (a bot wall) is reported like a failure, failing the run only under
  // --strict.
  const bool inconclusive = r.outcome == model::Outcome::inconclusive;
  if (r.outcome == model::Outcome::failed || inconclusive) {
    const bool fails = !inconclusive || strict;
    Issue issue{
        .fails = fails,
        .baseline = state(report, fails, r.url,
                          inconclusive ? model::to_string(r.outcome) : model::failure_kind(r)),
        .message = fmt::format("{}: {}", r.url, text::failure_reason(r)),
        .where = where,
        .line = line,
        .url = r.url,
        .status = r.status,
        .referrers = referrers,
        .referrer_count = referrer_count,
        .identity = std::string(r.url)};
    if (by_finding) {
      issue.rule = IssueRule::finding;
      issue.code = d->failed_by;
    } else {
      issue.error = d != nullptr && d->error_kind != model::ErrorKind::none
                        ? d->error_kind
                        : model::ErrorKind::status;
    }
    if (referrer_count != 0) {
      issue.message += referrer_count == 1 ? std::string(" (linked from 1 page)")
                                           : fmt::format(" (linked from {} pages)", referrer_count);
    }
    visit(issue);
  }
  if (d == nullptr) return;
  // One identity per (code, occurrence) on this URL: two findings of one code stay two.
  std::unordered_map<model::FindingCode, int> seen;
  for (const model::Finding& f : d->findings) {
    const int n = seen[f.code]++;
    if (by_finding && f.code == d->failed_by && n == 0) continue;  // the failure above
    // A finding about a place in a page (a link's line) is located there.
    const bool in_page = text::source_url(report, r.source).empty() && !f.where.empty();
    const bool fails = strict || f.severity == model::Severity::failure;
    visit({.rule = IssueRule::finding,
           .code = f.code,
           .fails = fails,
           .baseline = state(report, fails, r.url, model::to_string(f.code)),
           .message = finding_message(r.url, f),
           .where = in_page ? std::string_view(f.where) : where,
           .line = in_page ? f.line : line,
           .url = r.url,
           .status = r.status,
           .referrers = referrers,
           .referrer_count = referrer_count,
           .identity = fmt::format("{}\x1f{}", r.url, n)});
  }
}

void visit_routes(const model::Report& report, bool strict,
                  const std::function<void(const Issue&)>& visit) {
  const model::RouteReport& routes = report.routes;
  for (const std::string& route : routes.missing) {
    visit({.rule = IssueRule::finding,
           .code = model::FindingCode::missing_route,
           .fails = true,
           .baseline = state(report, true, route, "missing_route"),
           .message = fmt::format("expected route {} matches no sitemap URL", route),
           .where = routes.file,
           .identity = route});
  }
  if (routes.unexpected.empty()) return;
  // An unexpected URL is located where a sitemap listed it: one pass over the results finds
  // the few that are unexpected, rather than an index of every URL. Their place is copied:
  // a streamed result lives only until the pass moves on.
  struct Place {
    std::uint32_t source = 0, line = 0;
    std::int16_t status = 0;
  };
  std::unordered_map<std::string_view, std::optional<Place>> listed;
  for (const std::string& url : routes.unexpected) listed.emplace(url, std::nullopt);
  for (const model::Result& r : report.results) {
    auto found = listed.find(r.url);
    if (found != listed.end() && !found->second) found->second = Place{r.source, r.line, r.status};
  }
  for (const std::string& url : routes.unexpected) {
    const std::optional<Place>& r = listed[url];
    visit({.rule = IssueRule::finding,
           .code = model::FindingCode::unexpected_url,
           .fails = strict,
           .baseline = state(report, strict, url, "unexpected_route"),
           .message = fmt::format("{} matches no expected route", url),
           .where =
               r.has_value() ? text::source_url(report, r->source) : std::string_view(routes.file),
           .line = r.has_value() ? r->line : 0,
           .url = url,
           .status = r.has_value() ? r->status : 0,
           .identity = url});
  }
}

}  // namespace

std::string_view rule_word(const Issue& issue) {
  switch (issue.rule) {
    case IssueRule::error_kind:
      return model::to_string(issue.error);
    case IssueRule::finding:
      return model::to_string(issue.code);
    case IssueRule::source_error:
      return "unreadable_sitemap";
  }
  return {};
}

void for_each_issue(const model::Report& report, const std::function<void(const Issue&)>& visit) {
  const bool strict = text::strict(report);
  visit_sources(report, strict, visit);
  for (const model::Result& r : report.results) {
    // Passing URLs without findings are counted in the summary, not listed.
    if (r.outcome != model::Outcome::failed && r.outcome != model::Outcome::inconclusive &&
        (r.detail == nullptr || r.detail->findings.empty())) {
      continue;
    }
    visit_result(report, r, strict, visit);
  }
  visit_routes(report, strict, visit);
}

}  // namespace siteaudit::report
