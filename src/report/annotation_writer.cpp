// annotation_writer.cpp — GitHub Actions workflow commands for the issues of a run.
#include "siteaudit/report/annotation_writer.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "issues.hpp"
#include "text.hpp"

namespace siteaudit::report {

namespace {

// escape() escapes text as GitHub's toolkit does: data escapes %, CR and LF; a property also
// `:` and `,`, which separate properties. Control characters were replaced before.
std::string escape(std::string_view in, bool property) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool is_local(std::string_view where) {
  return !where.empty() && where != "-" && where.find("://") == std::string_view::npos;
}

void write_command(std::ostream& out, const Issue& issue) {
  std::string properties;
  std::string message = issue.message;
  if (is_local(issue.where)) {
    properties = "file=" + escape(text::terminal_safe(issue.where), true);
    if (issue.line > 0) properties += fmt::format(",line={}", issue.line);
    properties += ',';
  } else if (!issue.where.empty()) {
    message += issue.line > 0 ? fmt::format(" ({}:{})", issue.where, issue.line)
                              : fmt::format(" ({})", issue.where);
  }
  properties += "title=" + escape(fmt::format("siteaudit {}", rule_word(issue)), true);
  out << "::" << (issue.fails ? "error" : "warning") << ' ' << properties
      << "::" << escape(text::terminal_safe(message), false) << '\n';
}

}  // namespace

bool annotations_enabled(model::AnnotationMode mode, const char* github_actions_env) {
  switch (mode) {
    case model::AnnotationMode::github:
      return true;
    case model::AnnotationMode::none:
      return false;
    case model::AnnotationMode::auto_detect:
      break;
  }
  return github_actions_env != nullptr && std::string_view(github_actions_env) == "true";
}

void write_github_annotations(const model::Report& report, std::ostream& out,
                              std::size_t per_level) {
  std::size_t errors = 0, warnings = 0, known = 0;
  for_each_issue(report, [&](const Issue& issue) {
    // A failure the baseline had is not annotated: it does not fail the run, and a pull
    // request's annotations are for what it changed (counted in a notice below).
    if (issue.baseline == model::BaselineState::known) {
      ++known;
      return;
    }
    std::size_t& count = issue.fails ? errors : warnings;
    if (count++ < per_level) write_command(out, issue);
  });
  if (const model::BaselineInfo& b = report.baseline; b.enabled() && (known || !b.fixed.empty())) {
    out << "::notice title=siteaudit baseline::"
        << escape(text::terminal_safe(fmt::format(
                      "{} known {} (in the baseline {}) not annotated; {} fixed since the baseline",
                      known, known == 1 ? "failure" : "failures", b.file, b.fixed.size())),
                  false)
        << '\n';
  }
  const std::size_t more_errors = errors > per_level ? errors - per_level : 0;
  const std::size_t more_warnings = warnings > per_level ? warnings - per_level : 0;
  if (more_errors == 0 && more_warnings == 0) return;
  out << fmt::format(
      "::notice title=siteaudit::{} more errors and {} more warnings are not annotated (GitHub "
      "shows {} of each per step); the summary and the reports list them all\n",
      more_errors, more_warnings, per_level);
}

}  // namespace siteaudit::report
