// scoped_env.hpp — an environment variable set (or unset) for one test, restored after it.
//
// Example:
//   ScopedEnv proxy("http_proxy", "http://127.0.0.1:8080");
//   ScopedEnv no_proxy("no_proxy", std::nullopt);  // unset while the test runs
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace siteaudit::testing {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* before = std::getenv(name)) before_ = before;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (before_) {
      ::setenv(name_, before_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> before_;
};

}  // namespace siteaudit::testing
