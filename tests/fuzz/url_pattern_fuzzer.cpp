// url_pattern_fuzzer.cpp — libFuzzer target for UrlPattern: the first line of the input is
// compiled as a pattern, the rest is the URL it is searched in. A crash, a hang (libFuzzer's
// -timeout) or memory past -rss_limit_mb is a finding: every pattern must compile or be
// refused with the one-line message, and every search must finish in time linear in the URL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "siteaudit/audit/url_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string text(input.substr(0, nl));
  const std::string_view url = nl == std::string_view::npos ? input : input.substr(nl + 1);
  auto compiled = siteaudit::audit::UrlPattern::compile("--exclude", text);
  if (!compiled.ok()) {
    const std::string prefix = "--exclude: '" + text + "' is not a valid regular expression: ";
    if (!compiled.error().starts_with(prefix) || compiled.error().size() == prefix.size())
      std::abort();
    return 0;
  }
  const siteaudit::audit::UrlPattern pattern = std::move(compiled).value();
  if (pattern.text() != text) std::abort();
  const bool hit = pattern.search(url);
  // Copies share the compiled expression and answer alike; a prefix of the URL is searched
  // as a view that is not NUL-terminated.
  const siteaudit::audit::UrlPattern copy = pattern;
  if (copy.search(url) != hit) std::abort();
  (void)pattern.search(url.substr(0, url.size() / 2));
  return 0;
}
