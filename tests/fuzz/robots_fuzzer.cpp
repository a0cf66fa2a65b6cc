// robots_fuzzer.cpp — libFuzzer target for RobotsTxt::parse() and the matcher: the first line
// of the input is used as a path to match, the rest as the robots.txt body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "siteaudit/audit/robots.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  std::string_view path = input.substr(0, nl == std::string_view::npos ? 0 : nl);
  std::string_view body = nl == std::string_view::npos ? input : input.substr(nl + 1);
  auto robots = siteaudit::audit::RobotsTxt::parse(body, "https://example.com/robots.txt");
  (void)robots.allowed("siteaudit", path);
  (void)robots.allowed("googlebot", path);
  (void)robots.crawl_delay("siteaudit");
  for (const auto& group : robots.groups()) {
    for (const auto& rule : group.rules)
      (void)siteaudit::audit::robots_pattern_matches(rule.pattern, path);
  }
  return 0;
}
