// proxy_environment.cpp — libcurl 7.88's proxy variables, looked up once.
#include "proxy_environment.hpp"

#include <initializer_list>

namespace siteaudit::net::detail {
namespace {

// first_set() is the value of the first of `names` that is set and not empty, else "".
std::string first_set(const char* (*lookup)(const char*),
                      std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = lookup(name);
    if (value != nullptr && value[0] != '\0') return value;
  }
  return {};
}

}  // namespace

ProxyEnvironment ProxyEnvironment::read(const char* (*lookup)(const char*)) {
  ProxyEnvironment env;
  env.no_proxy = first_set(lookup, {"no_proxy", "NO_PROXY"});
  env.http = first_set(lookup, {"http_proxy", "all_proxy", "ALL_PROXY"});
  env.https = first_set(lookup, {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"});
  return env;
}

}  // namespace siteaudit::net::detail
