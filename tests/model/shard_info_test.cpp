// Tests for shard_info.cpp: the fingerprint the parts of one sharded run must share.
#include "siteaudit/model/shard_info.hpp"

#include <catch2/catch.hpp>

using namespace siteaudit::model;

TEST_CASE("config_fingerprint: the same settings give the same fingerprint", "[model][shard]") {
  const std::vector<ConfigSetting> settings = {
      {"input", std::vector<std::string>{"https://e.com/sitemap.xml"}},
      {"workers", std::uint64_t{64}},
      {"rate", 0.5},
      {"strict", false},
      {"accept", std::string("200-299")}};
  const std::string print = config_fingerprint(settings);
  CHECK(print.size() == 8 + 16);
  CHECK(print.starts_with("fnv1a64:"));
  CHECK(config_fingerprint(settings) == print);

  auto changed = settings;
  changed[3].value = true;
  CHECK(config_fingerprint(changed) != print);
  changed = settings;
  changed[0].value = std::vector<std::string>{"https://e.com/other.xml"};
  CHECK(config_fingerprint(changed) != print);
  // A list's items cannot be read as one another's: ["ab"] and ["a", "b"] differ.
  CHECK(config_fingerprint({{"include", std::vector<std::string>{"ab"}}}) !=
        config_fingerprint({{"include", std::vector<std::string>{"a", "b"}}}));
  CHECK(config_fingerprint({{"a", std::string("b")}}) !=
        config_fingerprint({{"ab", std::string("")}}));
}
