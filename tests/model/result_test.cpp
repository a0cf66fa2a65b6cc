// result_test.cpp — the report's error_kind of a result: null, the kind's word, or the code of
// the finding that failed the page; a result's byte count and content type, in the Result
// when they fit and in the detail block when they do not.
#include "siteaudit/model/result.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

using siteaudit::model::error_kind_name;
using siteaudit::model::ErrorKind;
using siteaudit::model::FindingCode;
using siteaudit::model::Result;
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

TEST_CASE("a result keeps a body's byte count without a detail block, a large one in it",
          "[model]") {
  Result r;
  CHECK(r.bytes() == 0);
  r.set_bytes(3'700);
  CHECK(r.bytes() == 3'700);
  CHECK(r.detail == nullptr);
  const std::uint64_t last_inline = (std::uint64_t{1} << 22) - 2;
  r.set_bytes(last_inline);
  CHECK(r.bytes() == last_inline);
  CHECK(r.detail == nullptr);
  r.set_bytes(last_inline + 1);
  CHECK(r.bytes() == last_inline + 1);
  REQUIRE(r.detail != nullptr);
  const std::uint64_t huge = std::uint64_t{10} << 30;
  r.set_bytes(huge);
  CHECK(r.bytes() == huge);
  r.set_bytes(12);  // back in the Result; the detail block stays for its other fields
  CHECK(r.bytes() == 12);
  CHECK(r.detail->wide_bytes == 0);
}

TEST_CASE("a result's content type is an index into the table of types, the 63rd in its detail",
          "[model]") {
  Result page;
  CHECK(page.content_type().empty());
  page.set_content_type("text/html; charset=utf-8");
  CHECK(page.content_type() == "text/html; charset=utf-8");
  CHECK(page.detail == nullptr);
  Result other;
  other.set_content_type(std::string("text/html; charset=utf-8"));  // the same type, interned
  CHECK(other.content_type_slot == page.content_type_slot);
  other.set_content_type("");
  CHECK(other.content_type().empty());

  // A site that serves more distinct types than the table holds: each still reads back.
  std::vector<Result> results(100);
  for (std::size_t i = 0; i < results.size(); ++i) {
    results[i].set_content_type("application/x-type-" + std::to_string(i));
  }
  std::size_t wide = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].content_type() == "application/x-type-" + std::to_string(i));
    if (results[i].detail != nullptr) ++wide;
  }
  CHECK(wide >= results.size() - 62);
  CHECK(page.content_type() == "text/html; charset=utf-8");
  results.back().set_content_type("text/html; charset=utf-8");  // a known type leaves the detail
  CHECK(results.back().content_type() == "text/html; charset=utf-8");
  CHECK(results.back().detail->wide_content_type.empty());
}
