// config_file_test.cpp — TOML config files read against a schema: values with their place,
// and errors as FILE:LINE:COLUMN for bad TOML, unknown keys and wrong types.
#include "cli/config_file.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using namespace siteaudit::cli;

const ConfigSchema& schema() {
  static const ConfigSchema kSchema{
      {"workers", {ConfigType::integer}},
      {"rate", {ConfigType::integer | ConfigType::floating}},
      {"timeout", {ConfigType::string | ConfigType::integer}},
      {"user-agent", {ConfigType::string}},
      {"include", {ConfigType::string, true}},
      {"strict", {ConfigType::boolean}},
  };
  return kSchema;
}

ConfigFileResult read(const std::string& text) {
  return read_config_file(text, "site.toml", schema());
}

// error_of() is the error for `text`, which must be one.
std::string error_of(const std::string& text) {
  ConfigFileResult result = read(text);
  INFO(text);
  CHECK(result.values.empty());
  REQUIRE_FALSE(result.error.empty());
  return result.error;
}

}  // namespace

TEST_CASE("config file values come as text in file order with their place", "[cli][config]") {
  ConfigFileResult result = read(
      "# comment\n"
      "workers = 8\n"
      "include = ['\\d+', \"a\\tb\"]\n"
      "rate = 2.5\n"
      "strict = true\n"
      "timeout = '1m30s'\n"
      "user-agent = \"bot \\\"9\\\"\"\n");
  INFO(result.error);
  REQUIRE(result.error.empty());
  REQUIRE(result.values.size() == 6);
  CHECK(result.values[0].key == "workers");
  CHECK(result.values[0].values == std::vector<std::string>{"8"});
  CHECK(result.values[0].line == 2);
  CHECK(result.values[0].column == 11);
  CHECK(result.values[1].key == "include");
  CHECK(result.values[1].values == std::vector<std::string>{"\\d+", "a\tb"});
  CHECK(result.values[2].values == std::vector<std::string>{"2.5"});
  CHECK(result.values[3].values == std::vector<std::string>{"true"});
  CHECK(result.values[4].values == std::vector<std::string>{"1m30s"});
  CHECK(result.values[5].values == std::vector<std::string>{"bot \"9\""});
}

TEST_CASE("a list key takes a single value as a list of one", "[cli][config]") {
  ConfigFileResult result = read("include = 'blog'\n");
  REQUIRE(result.error.empty());
  REQUIRE(result.values.size() == 1);
  CHECK(result.values[0].values == std::vector<std::string>{"blog"});
  CHECK(read("include = []\n").values.at(0).values.empty());
}

TEST_CASE("what is not TOML is an error at its line and column", "[cli][config]") {
  CHECK(error_of("workers = 8\nuser-agent = 'abc\n").rfind("site.toml:2:", 0) == 0);
  CHECK(error_of("strict = maybe\n").rfind("site.toml:1:", 0) == 0);
  // A duplicate key is TOML's own error, reported where the second one is.
  const std::string duplicate = error_of("workers = 1\nrate = 1\nworkers = 2\n");
  CHECK(duplicate.rfind("site.toml:3:", 0) == 0);
  CHECK(duplicate.find("workers") != std::string::npos);
  CHECK(error_of(std::string("workers = 1\0", 12)).rfind("site.toml:1:", 0) == 0);
}

TEST_CASE("unknown keys and tables are errors naming the key", "[cli][config]") {
  CHECK(error_of("workers = 1\nwrkers = 3\n") == "site.toml:2:1: unknown option 'wrkers'");
  CHECK(error_of("[audit]\nworkers = 3\n") == "site.toml:1:2: unknown option 'audit'");
  CHECK(error_of("workers.max = 3\n").find("workers: expected a whole number, found a table") !=
        std::string::npos);
}

TEST_CASE("a value of the wrong type is an error at the value", "[cli][config]") {
  CHECK(error_of("workers = [1, 2]\n") ==
        "site.toml:1:11: workers: expected a whole number, found an array");
  CHECK(error_of("workers = '8'\n") ==
        "site.toml:1:11: workers: expected a whole number, found a string");
  CHECK(error_of("workers = 1.5\n") ==
        "site.toml:1:11: workers: expected a whole number, found a decimal number");
  CHECK(error_of("strict = 'yes'\n") ==
        "site.toml:1:10: strict: expected true or false, found a string");
  CHECK(error_of("user-agent = 1979-05-27\n") ==
        "site.toml:1:14: user-agent: expected a string, found a date");
  CHECK(error_of("rate = {a = 1}\n") ==
        "site.toml:1:8: rate: expected a whole number or a decimal number, found a table");
  // An array's element is checked too, and reported where it is.
  CHECK(error_of("include = ['a',\n  ['b']]\n") ==
        "site.toml:2:3: include: expected a string, or an array of them, found an array");
  CHECK(error_of("include = ['a', 3]\n") ==
        "site.toml:1:17: include: expected a string, or an array of them, found a whole number");
}

TEST_CASE("of several errors the first in the file is reported", "[cli][config]") {
  // toml::table orders keys by name; the report follows the file.
  CHECK(error_of("workers = 'x'\nstrict = 1\n").rfind("site.toml:1:", 0) == 0);
  CHECK(error_of("zzz = 1\naaa = 2\n") == "site.toml:1:1: unknown option 'zzz'");
}
