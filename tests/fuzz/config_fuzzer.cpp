// config_fuzzer.cpp — libFuzzer target for read_config_file(): the input is a config file,
// read against a schema with every shape siteaudit's options have. It checks what callers rely
// on: an error comes without values and names the file, and values come in file order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/config_file.hpp"

namespace {

using siteaudit::cli::ConfigSchema;
using siteaudit::cli::ConfigType;

const ConfigSchema& schema() {
  static const ConfigSchema kSchema{
      {"input", {ConfigType::string, true}},
      {"include", {ConfigType::string, true}},
      {"workers", {ConfigType::integer}},
      {"rate", {ConfigType::integer | ConfigType::floating}},
      {"timeout", {ConfigType::string | ConfigType::integer}},
      {"max-body", {ConfigType::string | ConfigType::integer}},
      {"user-agent", {ConfigType::string}},
      {"strict", {ConfigType::boolean}},
  };
  return kSchema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto read = siteaudit::cli::read_config_file(text, "fuzz.toml", schema());
  if (!read.error.empty()) {
    if (!read.values.empty() || read.error.rfind("fuzz.toml:", 0) != 0) std::abort();
    return 0;
  }
  for (std::size_t i = 0; i < read.values.size(); ++i) {
    const auto& value = read.values[i];
    if (schema().count(value.key) == 0 || value.line == 0 || value.column == 0) std::abort();
    if (i > 0 && read.values[i - 1].line > value.line) std::abort();
    if (!schema().at(value.key).list && value.values.size() != 1) std::abort();
  }
  return 0;
}
