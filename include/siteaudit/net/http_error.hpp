// http_error.hpp — why an HTTP fetch produced no usable response, in words and as a stable kind.
#pragma once

#include <cstdint>
#include <string>

namespace siteaudit::net {

// ErrorKind is the stable, machine-readable reason; to_string() gives the JSON spelling.
enum class ErrorKind : std::uint8_t {
  none,
  dns,
  connect,
  tls,
  timeout,
  reset,
  too_many_redirects,
  redirect_loop,
  redirect_refused,  // a hop the policy forbids (another host, a non-http(s) scheme)
  body_too_large,
  cancelled,
  protocol,
  invalid_url,
};

const char* to_string(ErrorKind kind) noexcept;

struct HttpError {
  ErrorKind kind = ErrorKind::none;
  std::string message;  // e.g. "connection refused by 127.0.0.1:9 (connect)"
};

}  // namespace siteaudit::net
