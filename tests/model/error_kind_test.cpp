// error_kind_test.cpp — every error_kind a report can hold is documented in the man page and
// allowed by the JSON Schema, and the schema allows nothing else.
#include "siteaudit/model/error_kind.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "model/report_words.hpp"
#include "siteaudit/model/result.hpp"

using siteaudit::model::error_kind_name;
using siteaudit::model::error_kind_names;
using siteaudit::model::ErrorKind;
using siteaudit::model::ErrorKindName;
using siteaudit::model::finding_code_names;
using siteaudit::model::FindingCodeName;
using siteaudit::model::ResultDetail;

namespace {

// report_words() is every error_kind a report can hold: each kind's word, and the code of
// each hygiene finding, which fails a page under --strict.
std::set<std::string> report_words() {
  std::set<std::string> words;
  for (const ErrorKindName& row : error_kind_names()) {
    if (row.kind == ErrorKind::none) continue;
    ResultDetail detail;
    detail.error_kind = row.kind;
    if (row.kind != ErrorKind::finding) words.insert(error_kind_name(detail));
    for (const FindingCodeName& code : finding_code_names()) {
      detail.failed_by = code.code;
      if (row.kind == ErrorKind::finding && code.hygiene) words.insert(error_kind_name(detail));
    }
  }
  return words;
}

}  // namespace

TEST_CASE("Each error kind has its own word, in the enum's order", "[model]") {
  std::set<std::string> words;
  std::size_t index = 0;
  for (const ErrorKindName& row : error_kind_names()) {
    INFO(row.name);
    CHECK(static_cast<std::size_t>(row.kind) == index++);
    CHECK(std::string(to_string(row.kind)) == row.name);
    words.insert(row.name);
  }
  CHECK(words.size() == error_kind_names().size());
}

TEST_CASE("The man page documents every error_kind a report can hold", "[model]") {
  const auto documented = siteaudit::test::man_page_words();
  const auto words = report_words();
  CHECK(words.count("timeout") == 1);
  CHECK(words.count("content_type") == 1);  // a hygiene finding that failed the page
  for (const std::string& word : words) {
    INFO(word << " is not in man/siteaudit.1");
    CHECK(documented.count(word) == 1);
  }
}

TEST_CASE("The JSON Schema allows exactly the error kinds a report can hold, and null", "[model]") {
  std::set<std::string> allowed;
  bool null_allowed = false;
  for (const auto& value :
       siteaudit::test::schema_enum("/properties/results/items/properties/error_kind")) {
    if (value.is_null()) {
      null_allowed = true;
    } else {
      allowed.insert(value.get<std::string>());
    }
  }
  CHECK(null_allowed);
  CHECK(allowed == report_words());
}
