// config_file.cpp — TOML text -> option values, checked against the options' schema. The one
// file that includes toml++.
#include "cli/config_file.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace siteaudit::cli {
namespace {

std::string located(std::string_view file_name, const toml::source_position& at,
                    std::string_view message) {
  return fmt::format("{}:{}:{}: {}", file_name, at.line, at.column, message);
}

// Problem is a key that does not fit the schema; the first one in the file is reported.
struct Problem {
  toml::source_position at;
  std::string message;
};

// found() names a value's type the way the messages say it.
std::string_view found(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "a whole number";
    case toml::node_type::floating_point:
      return "a decimal number";
    case toml::node_type::boolean:
      return "true or false";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date and time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// expected() names what a key accepts: "a string", "a whole number or a decimal number", ...
std::string expected(const ConfigKey& key) {
  std::vector<std::string_view> names;
  if ((key.types & ConfigType::string) != 0) names.emplace_back("a string");
  if ((key.types & ConfigType::integer) != 0) names.emplace_back("a whole number");
  if ((key.types & ConfigType::floating) != 0) names.emplace_back("a decimal number");
  if ((key.types & ConfigType::boolean) != 0) names.emplace_back("true or false");
  std::string text = fmt::format("{}", fmt::join(names, " or "));
  return key.list ? fmt::format("{}, or an array of them", text) : text;
}

// scalar_text() is the text of a string, number or boolean the key accepts, or nullopt.
std::optional<std::string> scalar_text(const toml::node& node, std::uint8_t types) {
  if (const auto* text = node.as_string(); text != nullptr && (types & ConfigType::string) != 0) {
    return text->get();
  }
  if (const auto* whole = node.as_integer(); whole != nullptr && (types & ConfigType::integer)) {
    return fmt::format("{}", whole->get());
  }
  if (const auto* real = node.as_floating_point();
      real != nullptr && (types & ConfigType::floating) != 0) {
    return fmt::format("{}", real->get());
  }
  if (const auto* flag = node.as_boolean(); flag != nullptr && (types & ConfigType::boolean)) {
    return flag->get() ? "true" : "false";
  }
  return std::nullopt;
}

// read_value() reads the value of one known key, or says where its type is wrong.
bool read_value(const std::string& key_name, const toml::node& node, const ConfigKey& key,
                std::vector<ConfigValue>& values, std::vector<Problem>& problems) {
  const toml::source_position at = node.source().begin;
  ConfigValue value{key_name, {}, at.line, at.column};
  auto mismatch = [&](const toml::node& wrong) {
    problems.push_back({wrong.source().begin, fmt::format("{}: expected {}, found {}", key_name,
                                                          expected(key), found(wrong))});
    return false;
  };
  if (const auto* array = node.as_array(); array != nullptr) {
    if (!key.list) return mismatch(node);
    for (const toml::node& item : *array) {
      auto text = scalar_text(item, key.types);
      if (!text) return mismatch(item);
      value.values.push_back(std::move(*text));
    }
  } else {
    auto text = scalar_text(node, key.types);
    if (!text) return mismatch(node);
    value.values.push_back(std::move(*text));
  }
  values.push_back(std::move(value));
  return true;
}

}  // namespace

ConfigFileResult read_config_file(std::string_view text, std::string_view file_name,
                                  const ConfigSchema& schema) {
  ConfigFileResult result;
  toml::table table;
  try {
    // toml++ reports syntax errors, duplicate keys included, only as exceptions.
    table = toml::parse(text);
  } catch (const toml::parse_error& error) {
    result.error = located(file_name, error.source().begin, error.description());
    return result;
  }
  std::vector<Problem> problems;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    auto known = schema.find(name);
    if (known == schema.end()) {
      problems.push_back({key.source().begin, fmt::format("unknown option '{}'", name)});
    } else {
      read_value(name, node, known->second, result.values, problems);
    }
  }
  auto by_position = [](const toml::source_position& a, const toml::source_position& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  };
  if (!problems.empty()) {
    const Problem& first = *std::min_element(
        problems.begin(), problems.end(),
        [&](const Problem& a, const Problem& b) { return by_position(a.at, b.at); });
    result.values.clear();
    result.error = located(file_name, first.at, first.message);
    return result;
  }
  // toml::table is ordered by key; options are applied, and their errors found, in file order.
  std::sort(result.values.begin(), result.values.end(),
            [](const ConfigValue& a, const ConfigValue& b) {
              return std::pair(a.line, a.column) < std::pair(b.line, b.column);
            });
  return result;
}

}  // namespace siteaudit::cli
