// http_error_test.cpp — the stable JSON spellings of ErrorKind.
#include "siteaudit/net/http_error.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using siteaudit::net::ErrorKind;

TEST_CASE("every ErrorKind has a distinct snake_case name", "[net]") {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(ErrorKind::too_many_open_files); ++k) {
    std::string name = siteaudit::net::to_string(static_cast<ErrorKind>(k));
    CHECK(name != "unknown");
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(ErrorKind::too_many_open_files) + 1);
  CHECK(std::string(to_string(ErrorKind::too_many_redirects)) == "too_many_redirects");
  CHECK(std::string(to_string(ErrorKind::body_too_large)) == "body_too_large");
}
