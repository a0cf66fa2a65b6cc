// rule_help_test.cpp — every failure kind and finding code has words, and a code without its
// own words still gets a sentence that names it.
#include "report/rule_help.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace siteaudit;

TEST_CASE("rule help has a summary and advice for every kind and code", "[report]") {
  for (const model::FindingCodeName& row : model::finding_code_names()) {
    INFO(row.name);
    const report::RuleHelp help = report::finding_help(row.code);
    CHECK(!help.summary.empty());
    CHECK(!help.advice.empty());
  }
  for (const model::ErrorKindName& row : model::error_kind_names()) {
    if (row.kind == model::ErrorKind::none || row.kind == model::ErrorKind::finding) continue;
    INFO(row.name);
    const report::RuleHelp help = report::error_help(row.kind);
    CHECK(!help.summary.empty());
    CHECK(help.summary.rfind("siteaudit reports", 0) == std::string::npos);
  }
  CHECK(report::finding_help(model::FindingCode::relative_loc).summary ==
        "A <loc> is a relative URL.");
  // `finding` has no words of its own: the fallback names it and points to the man page.
  const report::RuleHelp fallback = report::error_help(model::ErrorKind::finding);
  CHECK(fallback.summary == "siteaudit reports finding.");
  CHECK(fallback.advice.find("siteaudit(1)") != std::string::npos);
}
