// http_error.hpp — why an HTTP fetch produced no usable response, in words and as a stable kind.
//
// An HttpError is the third kind of error, a failure in normal use (CONTRIBUTING.md): a value
// with a stable kind for machines (JSON reports, retry decisions) and a message for people that
// names the host and the cause.
//
// Example:
//   if (r.error.kind == net::ErrorKind::connect) retry_later();
//   std::cerr << url << ": " << r.error.message << " (" << net::to_string(r.error.kind) << ")\n";
//   // https://x.test/: connection refused by 127.0.0.1:9 (connect)
//
// Thread safety: plain values; to_string() is pure.
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
  too_many_open_files,  // socket() failed with EMFILE/ENFILE: our limit, not the server's fault
};

const char* to_string(ErrorKind kind) noexcept;

struct HttpError {
  ErrorKind kind = ErrorKind::none;
  std::string message;  // e.g. "connection refused by 127.0.0.1:9"
  // unreached: no connection to the host could be made (refused, no route, or the TCP connect
  // timed out), as opposed to one that failed after connecting. Of kind connect or timeout.
  bool unreached = false;
};

}  // namespace siteaudit::net
