// curl_error.hpp — turns a failed libcurl transfer into an HttpError a user can act on.
//
// libcurl's own messages ("Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect
// to server") are precise but written for curl users; ours name the host and what happened in
// plain words ("connection refused by 127.0.0.1:9") and carry a stable ErrorKind.
//
// Example:
//   CurlFailure f{.code = CURLE_COULDNT_CONNECT, .host = "127.0.0.1", .port = 9,
//                 .os_errno = ECONNREFUSED};
//   HttpError e = describe_curl_failure(f);  // {connect, "connection refused by 127.0.0.1:9"}
//
// Thread safety: a pure function; call it from anywhere.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "siteaudit/net/http_error.hpp"

namespace siteaudit::net::detail {

// CurlFailure is what the transfer knew when it failed; every field but `code` is optional.
struct CurlFailure {
  CURLcode code = CURLE_OK;
  std::string_view host;    // from the URL
  long port = 0;            // from the URL (default port filled in)
  std::string_view errbuf;  // CURLOPT_ERRORBUFFER, libcurl's detail
  int os_errno = 0;         // CURLINFO_OS_ERRNO
  // What libcurl's timers say of the connection (CURLINFO_NUM_CONNECTS, _CONNECT_TIME_T,
  // _PRETRANSFER_TIME_T): `connected` = it was ready for the request (a reused connection, or
  // the request began); `tcp_connected` = TCP was up, so a timeout before `connected` was the
  // TLS handshake.
  bool connected = false;
  bool tcp_connected = false;
  int socket_errno = 0;  // socket() failed with this errno (EMFILE: out of descriptors)
  long timeout_ms = 0;   // the total timeout that applied
  long connect_timeout_ms = 0;
  std::uint64_t body_bytes = 0;  // body bytes received before the failure
  std::size_t url_bytes = 0;     // the length of the URL requested
};

// kMaxRequestHeadBytes is libcurl 7.88's cap on a request's head (request line and headers).
inline constexpr std::size_t kMaxRequestHeadBytes = 1024 * 1024;

// describe_curl_failure() maps a CURLcode to an ErrorKind and a message naming host and cause.
HttpError describe_curl_failure(const CurlFailure& failure);

}  // namespace siteaudit::net::detail
