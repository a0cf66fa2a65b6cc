// rule_help.hpp — what each failure kind and finding code means, in words for the reports
// that explain their rules (SARIF's rules, the HTML report's legend).
//
// The rules themselves come from the model's tables (error_kind_names(),
// finding_code_names()), so a code added there appears in every report at once; the words
// here are looked up by the code's word, and a code without its own words yet gets a general
// sentence that names it and points to the man page.
//
//   RuleHelp help = finding_help(model::FindingCode::relative_loc);
//   help.summary;  // "A <loc> is a relative URL."
//
// Not part of the public API: only src/report/*.cpp include this file.
#pragma once

#include <string>

#include "siteaudit/model/error_kind.hpp"
#include "siteaudit/model/finding_code.hpp"

namespace siteaudit::report {

// RuleHelp is one rule's description: one line, then what to do about it.
struct RuleHelp {
  std::string summary;  // what the rule found, one sentence
  std::string advice;   // what to do about it
};

// error_help() describes why a result failed or was skipped with `kind`.
RuleHelp error_help(model::ErrorKind kind);

// finding_help() describes the rule behind findings with `code`.
RuleHelp finding_help(model::FindingCode code);

// source_error_help() describes a sitemap or robots.txt that could not be loaded or parsed,
// which has no code of its own in the model: it fails the run before any URL is checked.
RuleHelp source_error_help();

}  // namespace siteaudit::report
