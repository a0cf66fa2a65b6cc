// proxy_environment_test.cpp — ProxyEnvironment reads the variables libcurl 7.88 reads, in
// its order, with an empty value counting as unset.
#include "net/proxy_environment.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace {

using siteaudit::net::detail::ProxyEnvironment;

// The environment read() sees: a stand-in for getenv over `variables`.
std::map<std::string, std::string> variables;

const char* lookup(const char* name) {
  const auto it = variables.find(name);
  return it == variables.end() ? nullptr : it->second.c_str();
}

ProxyEnvironment read(std::map<std::string, std::string> set) {
  variables = std::move(set);
  return ProxyEnvironment::read(&lookup);
}

}  // namespace

TEST_CASE("ProxyEnvironment: nothing set is no proxy", "[net][proxy]") {
  const ProxyEnvironment env = read({});
  CHECK(env.http.empty());
  CHECK(env.https.empty());
  CHECK(env.no_proxy.empty());
}

TEST_CASE("ProxyEnvironment: each scheme's own variable, lower case first", "[net][proxy]") {
  const ProxyEnvironment env = read({{"http_proxy", "http://h:1"},
                                     {"https_proxy", "http://s:2"},
                                     {"HTTPS_PROXY", "http://S:3"},
                                     {"all_proxy", "http://a:4"}});
  CHECK(env.http == "http://h:1");
  CHECK(env.https == "http://s:2");
  CHECK(env.for_url("http://example.com/") == "http://h:1");
  CHECK(env.for_url("https://example.com/") == "http://s:2");
  CHECK(read({{"HTTPS_PROXY", "http://S:3"}}).https == "http://S:3");
}

TEST_CASE("ProxyEnvironment: HTTP_PROXY is never read", "[net][proxy]") {
  // A CGI program gets the request's "Proxy:" header as HTTP_PROXY; libcurl ignores it.
  CHECK(read({{"HTTP_PROXY", "http://evil:1"}}).http.empty());
  CHECK(read({{"HTTP_PROXY", "http://evil:1"}, {"ALL_PROXY", "http://a:2"}}).http == "http://a:2");
}

TEST_CASE("ProxyEnvironment: all_proxy, then ALL_PROXY, when the scheme has none", "[net][proxy]") {
  const ProxyEnvironment env = read({{"all_proxy", "socks5h://a:1"}, {"ALL_PROXY", "http://A:2"}});
  CHECK(env.http == "socks5h://a:1");
  CHECK(env.https == "socks5h://a:1");
  CHECK(read({{"ALL_PROXY", "http://A:2"}}).https == "http://A:2");
  CHECK(read({{"https_proxy", "http://s:3"}, {"ALL_PROXY", "http://A:2"}}).http == "http://A:2");
}

TEST_CASE("ProxyEnvironment: no_proxy, then NO_PROXY", "[net][proxy]") {
  CHECK(read({{"no_proxy", "localhost,.internal"}, {"NO_PROXY", "x"}}).no_proxy ==
        "localhost,.internal");
  CHECK(read({{"NO_PROXY", "*"}}).no_proxy == "*");
}

TEST_CASE("ProxyEnvironment: an empty variable counts as unset", "[net][proxy]") {
  const ProxyEnvironment env = read({{"http_proxy", ""},
                                     {"https_proxy", ""},
                                     {"all_proxy", "http://a:1"},
                                     {"no_proxy", ""},
                                     {"NO_PROXY", "example.com"}});
  CHECK(env.http == "http://a:1");
  CHECK(env.https == "http://a:1");
  CHECK(env.no_proxy == "example.com");
}
