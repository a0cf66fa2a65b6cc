// config_setting.hpp — one option of the effective configuration, as the report records it.
//
// The report's `config` block is the configuration a run used, keyed by option name (the long
// name without its dashes, as in a TOML config file) in --help order. Values keep their type:
// a switch is a bool, a count a number, a repeated option an array of its values, everything
// else (durations such as "30s", sizes such as "10MiB", words, paths) text, written as the
// config file would write it. The command line builds the list from its one option table, so
// --help, the config file and the report cannot drift apart.
//
// Example:
//   report.config.push_back({"workers", std::uint64_t{64}});
//   report.config.push_back({"include", std::vector<std::string>{"/blog/"}});
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace siteaudit::model {

using ConfigValue =
    std::variant<bool, std::uint64_t, double, std::string, std::vector<std::string>>;

struct ConfigSetting {
  std::string option;  // "per-host", "include", ...
  ConfigValue value;
};

}  // namespace siteaudit::model
