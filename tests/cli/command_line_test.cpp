// command_line_test.cpp — option_syntax(): the option table as shell completion sees it.
// (The command line itself is tested as a subprocess in tests/integration/cli_test.cpp.)
#include "cli/command_line.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using siteaudit::cli::OptionSyntax;
using siteaudit::cli::ValueKind;

const OptionSyntax& find_option(const std::vector<OptionSyntax>& options, const std::string& name) {
  auto found = std::find_if(options.begin(), options.end(), [&name](const OptionSyntax& option) {
    return std::find(option.names.begin(), option.names.end(), name) != option.names.end();
  });
  REQUIRE(found != options.end());
  return *found;
}

}  // namespace

TEST_CASE("option_syntax() gives each option's names, value and help from the table",
          "[cli][completion]") {
  const std::vector<OptionSyntax> options = siteaudit::cli::option_syntax();

  const OptionSyntax& method = find_option(options, "--method");
  CHECK(method.value == ValueKind::choice);
  CHECK(method.choices == std::vector<std::string>{"head", "get"});
  CHECK(method.value_name == "head|get");
  CHECK(method.help.rfind("Request method;", 0) == 0);

  CHECK(find_option(options, "--redirects").choices ==
        std::vector<std::string>{"follow", "warn", "fail"});
  CHECK(find_option(options, "--color").choices ==
        std::vector<std::string>{"auto", "always", "never"});

  const OptionSyntax& config = find_option(options, "--config");
  CHECK(config.names == std::vector<std::string>{"-c", "--config"});
  CHECK(config.value == ValueKind::file);
  for (const char* name : {"--expect", "--cookies", "--ca-file", "--json", "--junit"}) {
    INFO(name);
    CHECK(find_option(options, name).value == ValueKind::file);
  }

  const OptionSyntax& include = find_option(options, "--include");
  CHECK(include.value == ValueKind::text);
  CHECK(include.value_name == "REGEX");
  CHECK(include.repeatable);
  CHECK_FALSE(find_option(options, "--workers").repeatable);

  const OptionSyntax& quiet = find_option(options, "--quiet");
  CHECK(quiet.names == std::vector<std::string>{"-q", "--quiet"});
  CHECK(quiet.value == ValueKind::none);
  CHECK(quiet.value_name.empty());
  CHECK_FALSE(quiet.ends_command_line);
  CHECK(find_option(options, "--strict").value == ValueKind::none);
  CHECK(find_option(options, "--print-config").value == ValueKind::none);

  CHECK(find_option(options, "--help").ends_command_line);
  CHECK(find_option(options, "--version").ends_command_line);
}

TEST_CASE("option_syntax() lists each option once, in --help's order, and no operand",
          "[cli][completion]") {
  const std::vector<OptionSyntax> options = siteaudit::cli::option_syntax();
  std::vector<std::string> names;
  for (const OptionSyntax& option : options) {
    REQUIRE_FALSE(option.names.empty());
    CHECK_FALSE(option.help.empty());
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  CHECK(std::find(names.begin(), names.end(), "INPUT") == names.end());
  // --help's order: help and version first, the input options next, the output ones last.
  CHECK(names.front() == "-h");
  CHECK(names.back() == "--print-config");
}
