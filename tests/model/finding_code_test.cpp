// finding_code_test.cpp — every finding code has one word, documented in the man page and
// allowed by the JSON Schema.
#include "siteaudit/model/finding_code.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "model/report_words.hpp"

using siteaudit::model::finding_code_from;
using siteaudit::model::finding_code_names;
using siteaudit::model::FindingCode;
using siteaudit::model::FindingCodeName;
using siteaudit::model::to_string;

namespace {

std::set<std::string> code_words() {
  std::set<std::string> words;
  for (const FindingCodeName& row : finding_code_names()) words.insert(row.name);
  return words;
}

}  // namespace

TEST_CASE("Each finding code has its own word, and the word names it", "[model]") {
  CHECK(code_words().size() == finding_code_names().size());
  for (const FindingCodeName& row : finding_code_names()) {
    INFO(row.name);
    CHECK(std::string(to_string(row.code)) == row.name);
    CHECK(finding_code_from(row.name) == row.code);
  }
  CHECK(std::string(to_string(FindingCode::lastmod_after_last_modified)) ==
        "lastmod_after_last_modified");
  CHECK_FALSE(finding_code_from("relative-loc"));
  CHECK_FALSE(finding_code_from(""));
}

TEST_CASE("The man page documents every finding code", "[model]") {
  const auto documented = siteaudit::test::man_page_words();
  for (const std::string& word : code_words()) {
    INFO(word << " is not in man/siteaudit.1");
    CHECK(documented.count(word) == 1);
  }
}

TEST_CASE("The JSON Schema allows exactly the finding codes", "[model]") {
  std::set<std::string> allowed;
  for (const auto& value : siteaudit::test::schema_enum("/definitions/finding/properties/code")) {
    allowed.insert(value.get<std::string>());
  }
  CHECK(allowed == code_words());
}
