// shard_info.cpp — the fingerprint of a report's config block.
#include "siteaudit/model/shard_info.hpp"

#include <cstdio>
#include <type_traits>
#include <variant>

namespace siteaudit::model {

namespace {

// append_field() appends `text` with its length first, so that no value can be read as the
// end of one setting and the start of another.
void append_field(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

}  // namespace

std::string config_fingerprint(const std::vector<ConfigSetting>& settings) {
  std::string canonical;
  for (const ConfigSetting& setting : settings) {
    append_field(canonical, setting.option);
    std::visit(
        [&](const auto& value) {
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, bool>) {
            canonical += value ? "b1" : "b0";
          } else if constexpr (std::is_same_v<Value, std::uint64_t>) {
            canonical += 'u';
            append_field(canonical, std::to_string(value));
          } else if constexpr (std::is_same_v<Value, double>) {
            char buf[40];
            const int n = std::snprintf(buf, sizeof buf, "%.17g", value);
            canonical += 'd';
            append_field(canonical, std::string_view(buf, static_cast<std::size_t>(n)));
          } else if constexpr (std::is_same_v<Value, std::string>) {
            canonical += 's';
            append_field(canonical, value);
          } else {
            canonical += 'l';
            canonical += std::to_string(value.size());
            for (const std::string& item : value) append_field(canonical, item);
          }
        },
        setting.value);
    canonical += ';';
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(stable_hash(canonical)));
  return std::string("fnv1a64:") + hex;
}

}  // namespace siteaudit::model
