// Tests for header_list.cpp: names lower-cased, order kept, folding, lookup, reuse.
#include "siteaudit/net/header_list.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using siteaudit::net::HeaderList;

TEST_CASE("HeaderList: names in lower case, values as given, in arrival order", "[net]") {
  HeaderList headers;
  headers.add("Content-Type", "text/html; charset=UTF-8");
  headers.add("Date", "Sun, 06 Dec 2026 19:00:00 GMT");
  headers.add("X-Robots-Tag", "noindex");
  headers.add("x-robots-tag", "nofollow");
  REQUIRE(headers.size() == 4);
  std::vector<std::string> seen;
  for (const auto& [name, value] : headers)
    seen.push_back(std::string(name) + "=" + std::string(value));
  CHECK(seen == std::vector<std::string>{"content-type=text/html; charset=UTF-8",
                                         "date=Sun, 06 Dec 2026 19:00:00 GMT",
                                         "x-robots-tag=noindex", "x-robots-tag=nofollow"});
  CHECK(headers.find("x-robots-tag") == "noindex");  // the first one
  CHECK(headers.find("date") == "Sun, 06 Dec 2026 19:00:00 GMT");
  CHECK_FALSE(headers.find("Date"));  // lookups take the lower-case name
  CHECK_FALSE(headers.find("location"));
}

TEST_CASE("HeaderList: a folded line extends the last value only", "[net]") {
  HeaderList headers;
  headers.extend_last("nothing to extend");
  CHECK(headers.empty());
  headers.add("Link", "</a>; rel=preload");
  headers.add("X-Long", "first");
  headers.extend_last("second");
  CHECK(headers.find("x-long") == "first second");
  CHECK(headers.find("link") == "</a>; rel=preload");
  headers.add("After", "x");
  CHECK(headers.at(1).second == "first second");
  CHECK(headers.at(2) == HeaderList::value_type{"after", "x"});
}

TEST_CASE("HeaderList: clear() empties it for the next response, copies are equal", "[net]") {
  HeaderList headers{{"A", "1"}, {"b", "2"}};
  const HeaderList copy = headers;
  CHECK(copy == headers);
  CHECK(copy ==
        HeaderList(std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"B", "2"}}));
  headers.clear();
  CHECK(headers.empty());
  CHECK(headers.begin() == headers.end());
  headers.add("C", "3");
  CHECK(headers.size() == 1);
  CHECK(headers.find("c") == "3");
  CHECK(copy.size() == 2);  // the copy owns its text
  CHECK(copy.find("b") == "2");
}
