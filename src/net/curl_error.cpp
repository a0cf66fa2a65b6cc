// curl_error.cpp — CURLcode to ErrorKind, with messages in plain words.
#include "curl_error.hpp"

#include <cerrno>
#include <cstring>
#include <string>

namespace siteaudit::net::detail {
namespace {

std::string endpoint(const CurlFailure& f) {
  // Appends, not `"[" + host + "]"`: GCC 12 at -O3 reports a false -Wrestrict on that chain.
  const bool ipv6 = f.host.find(':') != std::string_view::npos && f.host.front() != '[';
  std::string s;
  s.reserve(f.host.size() + 8);
  if (ipv6) s += '[';
  s.append(f.host);
  if (ipv6) s += ']';
  if (f.port > 0) {
    s += ':';
    s += std::to_string(f.port);
  }
  return s;
}

// detail() appends libcurl's own explanation, which names the precise cause (a certificate
// problem, a malformed header) better than any mapping of ours could.
std::string with_detail(std::string message, std::string_view errbuf) {
  while (!errbuf.empty() && (errbuf.back() == '\n' || errbuf.back() == '\r')) {
    errbuf.remove_suffix(1);
  }
  if (!errbuf.empty()) {
    message += " (";
    message.append(errbuf);
    message += ")";
  }
  return message;
}

HttpError connect_error(const CurlFailure& f) {
  std::string where = endpoint(f);
  // libcurl reports a socket() that failed as "could not connect"; the server is not to blame.
  if (f.socket_errno == EMFILE || f.socket_errno == ENFILE) {
    return {ErrorKind::too_many_open_files,
            "too many open files: no descriptor left for a connection to " + where + " (" +
                std::strerror(f.socket_errno) + "; see ulimit -n)"};
  }
  switch (f.os_errno) {
    case ECONNREFUSED:
      return {ErrorKind::connect, "connection refused by " + where, true};
    case ENETUNREACH:
      return {ErrorKind::connect, "network unreachable for " + where, true};
    case EHOSTUNREACH:
      return {ErrorKind::connect, "no route to host " + where, true};
    case ETIMEDOUT:
      return {ErrorKind::timeout, "connecting to " + where + " timed out", true};
    case 0:
      return {ErrorKind::connect, with_detail("could not connect to " + where, f.errbuf), true};
    default:
      return {ErrorKind::connect,
              "could not connect to " + where + ": " + std::strerror(f.os_errno), true};
  }
}

}  // namespace

HttpError describe_curl_failure(const CurlFailure& f) {
  const std::string where = endpoint(f);
  switch (f.code) {
    case CURLE_OK:
      return {};

    case CURLE_COULDNT_RESOLVE_HOST:
      return {ErrorKind::dns, "could not resolve host name '" + std::string(f.host) + "'"};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorKind::dns, with_detail("could not resolve the proxy's host name", f.errbuf)};

    case CURLE_COULDNT_CONNECT:
      return connect_error(f);

    case CURLE_OPERATION_TIMEDOUT: {
      if (!f.connected) {
        // TCP was up but the request never began: the TLS handshake ran out of time. libcurl
        // 7.88 stamps the connect time only once TLS is up too, and then its text may say so.
        const bool handshake =
            f.tcp_connected || f.errbuf.find("SSL connection timeout") != std::string_view::npos;
        const std::string phase = (handshake ? "TLS handshake with " : "connecting to ") + where;
        // Whichever limit is shorter fired: the whole-request timeout can end a connect that
        // the connect timeout would still have allowed (a retry late in its budget).
        if (f.timeout_ms > 0 && f.timeout_ms < f.connect_timeout_ms) {
          return {ErrorKind::timeout,
                  phase + " did not finish within the " + std::to_string(f.timeout_ms) +
                      " ms request timeout",
                  !handshake};
        }
        return {ErrorKind::timeout,
                phase + " timed out after " + std::to_string(f.connect_timeout_ms) + " ms",
                !handshake};
      }
      // The low-speed limit reports the same code; libcurl's text tells the two apart.
      if (f.errbuf.find("too slow") != std::string_view::npos) {
        return {ErrorKind::timeout, with_detail(where + " sent the response too slowly", f.errbuf)};
      }
      return {ErrorKind::timeout, "no complete response from " + where + " within " +
                                      std::to_string(f.timeout_ms) + " ms"};
    }

    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return {ErrorKind::tls, with_detail("TLS handshake with " + where + " failed", f.errbuf)};
    case CURLE_PEER_FAILED_VERIFICATION:
      return {ErrorKind::tls,
              with_detail("the TLS certificate of " + where + " is not trusted", f.errbuf)};

    case CURLE_RECV_ERROR:
      // libcurl 7.88 also says RECV_ERROR for what it refused to read; its text names which.
      if (f.errbuf.find("chunked-encoding") != std::string_view::npos) {
        return {ErrorKind::protocol,
                with_detail(where + " sent a malformed chunked body", f.errbuf)};
      }
      if (f.errbuf.find("Too large response headers") != std::string_view::npos ||
          f.errbuf.find("header is too large") != std::string_view::npos) {
        return {
            ErrorKind::protocol,
            with_detail(where + " sent response headers larger than libcurl accepts", f.errbuf)};
      }
      return {ErrorKind::reset,
              with_detail("connection to " + where + " was reset while receiving the response",
                          f.errbuf)};
    case CURLE_SEND_ERROR:
      return {
          ErrorKind::reset,
          with_detail("connection to " + where + " was reset while sending the request", f.errbuf)};
    case CURLE_GOT_NOTHING:
      return {ErrorKind::reset, where + " closed the connection without sending a response"};
    case CURLE_PARTIAL_FILE:
      return {ErrorKind::reset, where + " closed the connection before the body was complete " +
                                    "(received " + std::to_string(f.body_bytes) + " bytes)"};

    case CURLE_URL_MALFORMAT:
      return {ErrorKind::invalid_url, with_detail("the URL cannot be fetched", f.errbuf)};
    // fetch() hands libcurl only http(s) URLs, so an unsupported protocol is the reply's: an
    // HTTP/0.9 answer (no status line), a status below 100, an unknown HTTP version.
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
      return {
          ErrorKind::protocol,
          with_detail(where + " sent a reply that is not valid HTTP",
                      f.errbuf.empty() ? std::string_view(curl_easy_strerror(f.code)) : f.errbuf)};

    case CURLE_ABORTED_BY_CALLBACK:
      return {ErrorKind::cancelled, "the transfer from " + where + " was cancelled"};

    case CURLE_OUT_OF_MEMORY:
      // libcurl 7.88 reports its caps as out of memory, with no text: one response header
      // line (or a chunked body's trailers) over 100 KB, a request head over 1 MB. A real
      // shortage fails a malloc long before either, so the cap is the likely cause.
      if (f.connected) {
        return {ErrorKind::protocol,
                with_detail(where + " sent a response header line longer than libcurl accepts",
                            f.errbuf.empty() ? std::string_view("over 100 KB") : f.errbuf)};
      }
      if (f.url_bytes + 1024 > kMaxRequestHeadBytes) {
        return {ErrorKind::invalid_url,
                "the URL is " + std::to_string(f.url_bytes) +
                    " bytes long: more than libcurl puts in a request (1 MB with the headers)"};
      }
      [[fallthrough]];
    default:
      // Everything else is a response we could not make sense of (bad headers, HTTP/2 framing,
      // a corrupt compressed body) or a local failure libcurl reports in its own words.
      return {
          ErrorKind::protocol,
          with_detail("bad response from " + where,
                      f.errbuf.empty() ? std::string_view(curl_easy_strerror(f.code)) : f.errbuf)};
  }
}

}  // namespace siteaudit::net::detail
