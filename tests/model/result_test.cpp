// result_test.cpp — the report's error_kind of a result: null, the kind's word, or the code of
// the finding that failed the page.
#include "siteaudit/model/result.hpp"

#include <catch2/catch.hpp>
#include <string>

using siteaudit::model::error_kind_name;
using siteaudit::model::ErrorKind;
using siteaudit::model::FindingCode;
using siteaudit::model::ResultDetail;

TEST_CASE("error_kind_name() is empty without an error, else the kind or the finding's code",
          "[model]") {
  ResultDetail detail;
  CHECK(std::string(error_kind_name(detail)).empty());
  detail.error_kind = ErrorKind::too_many_open_files;
  CHECK(std::string(error_kind_name(detail)) == "too_many_open_files");
  detail.error_kind = ErrorKind::finding;
  detail.failed_by = FindingCode::content_type;
  CHECK(std::string(error_kind_name(detail)) == "content_type");
}
