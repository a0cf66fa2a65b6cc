// proxy_environment.hpp — the proxies libcurl would take from the environment, read once.
//
// Left to itself libcurl reads no_proxy and the proxy variables with getenv() for every
// transfer: up to five look-ups, each a walk of the whole environment. With the 187
// variables of a CI job that was 5.8 % of a 20,000-URL audit's instructions (callgrind). The
// client reads them once, by libcurl 7.88's rules, and hands them to each handle as
// CURLOPT_PROXY and CURLOPT_NOPROXY, which libcurl then takes instead of the environment:
//
// - no_proxy, else NO_PROXY: the hosts reached without a proxy;
// - for http: URLs http_proxy (lower case only: HTTP_PROXY can be set by a request header in
//   CGI environments), for https: URLs https_proxy, else HTTPS_PROXY;
// - for either, when that is unset: all_proxy, else ALL_PROXY.
//
// A variable set to the empty string counts as unset, as for libcurl. An empty proxy here
// means none, which is also what "" means to CURLOPT_PROXY.
//
// Example:
//   const ProxyEnvironment proxies =
//       ProxyEnvironment::read([](const char* name) -> const char* { return std::getenv(name); });
//   curl_easy_setopt(easy, CURLOPT_NOPROXY, proxies.no_proxy.c_str());
//   curl_easy_setopt(easy, CURLOPT_PROXY, proxies.for_url(url).c_str());
#pragma once

#include <string>
#include <string_view>

namespace siteaudit::net::detail {

struct ProxyEnvironment {
  std::string http;      // the proxy for http: URLs, "" for none
  std::string https;     // the proxy for https: URLs, "" for none
  std::string no_proxy;  // libcurl's no-proxy list, "" for none

  // read() looks the variables up with `lookup` (std::getenv, or a stand-in in tests).
  static ProxyEnvironment read(const char* (*lookup)(const char*));

  // for_url() is the proxy for `url`, by its scheme (https: or anything else).
  const std::string& for_url(std::string_view url) const noexcept {
    return url.starts_with("https:") ? https : http;
  }
};

}  // namespace siteaudit::net::detail
