// config_file.hpp — a TOML config file read into option values, each with its place in the file.
//
// read_config_file() parses the text with a real TOML parser (toml++), so an unterminated
// string, a duplicate key or a stray word is an error rather than a guess, and checks every
// key against a ConfigSchema: the option exists, and its value has a type the option takes
// (a whole number for --workers, an array only for a repeatable option). What a value means
// (a duration, a range) is left to the option's own validator; each ConfigValue carries its
// line and column so that such an error can still point into the file. Errors read
// "FILE:LINE:COLUMN: what is wrong".
//
// The CLI11 glue lives in command_line.cpp; this file knows nothing of CLI11, so the fuzzer
// (tests/fuzz/config_fuzzer.cpp) can drive it alone.
//
// Example:
//   ConfigSchema schema{{"workers", {ConfigType::integer}}, {"include", {ConfigType::string,
//   true}}}; ConfigFileResult read = read_config_file("workers = 8\n", "a.toml", schema);
//   // read.values[0]: key "workers", values {"8"}, line 1, column 11
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::cli {

// ConfigType names the TOML value types an option accepts, as bits to combine.
struct ConfigType {
  static constexpr std::uint8_t string = 1;
  static constexpr std::uint8_t integer = 2;
  static constexpr std::uint8_t floating = 4;
  static constexpr std::uint8_t boolean = 8;
};

// ConfigKey is what one key of the file may hold: a value of one of `types`, or, when `list`
// is set, an array of such values (a single value then counts as an array of one).
struct ConfigKey {
  std::uint8_t types = ConfigType::string;
  bool list = false;
};

// ConfigSchema maps each key a config file may set to what it may hold.
using ConfigSchema = std::map<std::string, ConfigKey, std::less<>>;

// ConfigValue is one key of the file with its value(s) as text: strings as they are, numbers
// in decimal, booleans as "true" or "false".
struct ConfigValue {
  std::string key;
  std::vector<std::string> values;
  std::size_t line = 0;    // where the value starts, from 1
  std::size_t column = 0;  // from 1
};

// ConfigFileResult is the keys of the file in the order they appear, or `error` (and no
// values) when the file is not valid TOML or does not fit the schema.
struct ConfigFileResult {
  std::vector<ConfigValue> values;
  std::string error;  // "FILE:LINE:COLUMN: what is wrong"; empty on success
};

// read_config_file() parses `text`, a config file named `file_name` in messages.
[[nodiscard]] ConfigFileResult read_config_file(std::string_view text, std::string_view file_name,
                                                const ConfigSchema& schema);

}  // namespace siteaudit::cli
