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

TEST_CASE("json_text strings keep plain runs intact around escapes at any position", "[report]") {
  // Plain text is copied a run at a time: escapes first, last, back to back and between runs
  // must come out exactly as one character at a time would write them.
  const std::vector<std::string> inputs = {
      "",
      "https://example.com/a?b=c&d=e#f",
      "\"quoted\"",
      "\\\\",
      "tab\tin the middle",
      "ends with a newline\n",
      "\x1f"
      "after a control byte",
      "caf\xC3\xA9 and \xE2\x82\xAC then text",
      "broken \xC3 then plain",
      std::string(1000, 'x') + "\"" + std::string(1000, 'y'),
  };
  for (const std::string& in : inputs) {
    std::string out = "prefix:";
    json_text::append_string(out, in);
    REQUIRE(out.rfind("prefix:", 0) == 0);
    const std::string text = out.substr(7);
    CAPTURE(in, text);
    CHECK(text.front() == '"');
    CHECK(text.back() == '"');
    const std::string back = nlohmann::json::parse(text).get<std::string>();
    if (in.find("broken") == std::string::npos) {
      CHECK(back == in);
    } else {
      CHECK(back == "broken \xEF\xBF\xBD then plain");  // the stray lead byte, replaced
    }
  }
}

TEST_CASE("json_text object keys are copied whole and escaped only when they need it", "[report]") {
  std::string out;
  json_text::Object(out).string("plain_key", "v").number("we\"ird\\key", 1);
  CHECK(out == R"({"plain_key":"v","we\"ird\\key":1})");
  CHECK(nlohmann::json::parse(out).at("we\"ird\\key") == 1);
}
