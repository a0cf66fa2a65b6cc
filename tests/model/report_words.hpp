// report_words.hpp — the words the man page and the JSON Schema give for report values.
//
// The enums' tables are the words a report can hold; these helpers read the two documents
// users read them in, so a test can compare both ways.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace siteaudit::test {

inline std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(SITEAUDIT_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// man_page_words() is every word of man/siteaudit.1 with the font escapes (\fB..\fR) removed:
// a report word there is documented.
inline std::set<std::string> man_page_words() {
  const std::string page =
      std::regex_replace(read_source_file("man/siteaudit.1"), std::regex(R"(\\f[BIRP])"), " ");
  std::set<std::string> words;
  const std::regex word("[a-z0-9_]+");
  for (std::sregex_iterator it(page.begin(), page.end(), word), end; it != end; ++it) {
    words.insert(it->str());
  }
  return words;
}

// schema_enum() is the "enum" at `pointer` in man/siteaudit-report.schema.json.
inline nlohmann::json schema_enum(const std::string& pointer) {
  const auto schema = nlohmann::json::parse(read_source_file("man/siteaudit-report.schema.json"));
  return schema.at(nlohmann::json::json_pointer(pointer + "/enum"));
}

}  // namespace siteaudit::test
