// libcurl_version.hpp — which libcurl this process runs on, for `siteaudit --version`.
//
// siteaudit links libcurl dynamically, so the library that runs can be newer than the headers
// it was built with, and its TLS backend and HTTP/2 support are the distribution's choice.
// Both matter when a check behaves differently on two machines, so --version names them.
//
// Example:
//   std::cout << net::libcurl_version() << '\n';
//   // libcurl 7.88.1 (built with 7.88.1): OpenSSL/3.0.15 zlib/1.2.13 nghttp2/1.52.0 ...
//
// Thread safety: libcurl_version() may be called from any thread; it does not need
// curl_global_init().
#pragma once

#include <string>

namespace siteaudit::net {

// libcurl_version() is one line, starting "libcurl ", naming the version of the libcurl that
// runs, the version whose headers siteaudit was built with, and the libraries libcurl uses
// (TLS, compression, HTTP/2), as curl_version() lists them.
std::string libcurl_version();

}  // namespace siteaudit::net
