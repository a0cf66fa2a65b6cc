// json_text_test.cpp — the shared JSON emitter: objects in call order, arrays, strings.
#include "report/json_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace siteaudit::report;

TEST_CASE("json_text writes members in call order with nulls for absent values", "[report]") {
  std::string out;
  json_text::Object(out)
      .string("b", "x")
      .string_or_null("a", "")
      .number("n", 3)
      .number_or_null("z", 0)
      .real("r", 2.5)
      .boolean("t", true)
      .nested("list", [](std::string& a) {
        json_text::append_array(a, std::vector<int>{1, 2},
                                [](std::string& o, int i) { json_text::append_int(o, i); });
      });
  CHECK(out == R"({"b":"x","a":null,"n":3,"z":null,"r":2.5,"t":true,"list":[1,2]})");
}

TEST_CASE("json_text strings escape control characters and repair bad UTF-8", "[report]") {
  std::string out;
  json_text::append_string(out, std::string("a\"\\\n\x01\xff\xC3\xA9", 8));
  CHECK(out == "\"a\\\"\\\\\\n\\u0001\xEF\xBF\xBD\xC3\xA9\"");
  CHECK(nlohmann::json::parse(out).get<std::string>() == "a\"\\\n\x01\xEF\xBF\xBD\xC3\xA9");
}
