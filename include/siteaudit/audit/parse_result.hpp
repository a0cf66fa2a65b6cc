// parse_result.hpp — a compiled setting, or the message that says what is wrong with it.
//
// The rules (--accept, --status-rule, --include, --rewrite, --expect, ...) arrive as raw
// strings in AuditConfig. Each is compiled once, before any URL is loaded, by a static
// `parse()` that returns a ParseResult: either the compiled value or one line a user can act
// on, naming the option and the offending text, e.g.
// "--accept: '20x' is not a status or range (expected e.g. 200-299,304)". run_audit() prints
// that line and exits with code 2. Configuration errors are expected in normal use, so they
// are values, never exceptions.
//
// Example:
//   ParseResult<StatusPolicy> policy = StatusPolicy::parse(config.accept, config.status_rules);
//   if (!policy.ok()) { err << policy.error() << '\n'; return kExitUsage; }
//   StatusPolicy rules = std::move(policy).value();
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::audit {

template <typename T>
class [[nodiscard]] ParseResult {
 public:
  // success() wraps a compiled value.
  static ParseResult success(T value) {
    ParseResult result;
    result.value_.emplace(std::move(value));
    return result;
  }
  // failure() carries a one-line message; it must not be empty.
  static ParseResult failure(std::string message) {
    ParseResult result;
    result.error_ = message.empty() ? std::string("invalid setting") : std::move(message);
    return result;
  }

  bool ok() const noexcept { return value_.has_value(); }
  // error() is the message of a failure, empty on success.
  const std::string& error() const noexcept { return error_; }

  // value() returns the compiled value. Calling it on a failure is a programming error and
  // aborts with the failure's message.
  const T& value() const& {
    check();
    return *value_;
  }
  T& value() & {
    check();
    return *value_;
  }
  T&& value() && {
    check();
    return std::move(*value_);
  }

 private:
  ParseResult() = default;
  void check() const {
    if (!value_) {
      rt::fatal("ParseResult::value() called on a failure: " + error_);
    }
  }

  std::optional<T> value_;
  std::string error_;
};

}  // namespace siteaudit::audit
