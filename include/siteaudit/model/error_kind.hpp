// error_kind.hpp — why a result failed or was skipped, as a stable word for the report.
//
// A result's error_kind tells scripts what went wrong without parsing the message: a
// transport error (dns, timeout, ...; the net layer's kinds, mapped in the audit layer since
// net does not know the model), a rule of the audit (status, excluded, robots, ...), or a
// finding that failed the page (--strict, --redirects fail), whose code is then the word.
// The words come from one table (to_string), which the tests compare with the man page and
// the JSON Schema.
//
//   detail.error_kind = ErrorKind::timeout;
//   error_kind_name(detail);  // "timeout"
#pragma once

#include <cstdint>
#include <span>

namespace siteaudit::model {

enum class ErrorKind : std::uint8_t {
  none,  // no error: the report says null
  // Transport (net::ErrorKind).
  dns,
  connect,
  tls,
  timeout,
  reset,
  too_many_redirects,
  redirect_loop,
  redirect_refused,
  body_too_large,
  cancelled,  // also: the run was interrupted before the URL was checked
  protocol,
  invalid_url,
  too_many_open_files,
  // The audit's rules.
  status,        // the status rules fail the final status
  status_rule,   // a status rule skips it
  excluded,      // --exclude / --include
  robots,        // robots.txt disallows it (--respect-robots)
  other_origin,  // --same-origin-only
  external,      // --crawl --no-external: a link off the crawl's scope, not requested
  // A finding of failure severity failed the page: ResultDetail::failed_by says which, and
  // its code is the report's word.
  finding,  // the last kind: error_kind.cpp counts the table by it
};

// ErrorKindName is one row of the table the words come from.
struct ErrorKindName {
  ErrorKind kind;
  const char* name;
};

// error_kind_names() is every kind with its word, in the enum's order. `none` and `finding`
// never appear in a report as such (null, and the finding's code).
std::span<const ErrorKindName> error_kind_names() noexcept;

// to_string() is the kind's word: "timeout".
const char* to_string(ErrorKind kind) noexcept;

}  // namespace siteaudit::model
