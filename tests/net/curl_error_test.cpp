// curl_error_test.cpp — CURLcode to ErrorKind, and messages that name host and cause.
#include "net/curl_error.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

using siteaudit::net::ErrorKind;
using siteaudit::net::detail::CurlFailure;
using siteaudit::net::detail::describe_curl_failure;

namespace {
CurlFailure at(CURLcode code) {
  CurlFailure f;
  f.code = code;
  f.host = "127.0.0.1";
  f.port = 9;
  return f;
}
}  // namespace

TEST_CASE("connection failures name the endpoint and the cause", "[net][errors]") {
  CurlFailure refused = at(CURLE_COULDNT_CONNECT);
  refused.os_errno = ECONNREFUSED;
  auto e = describe_curl_failure(refused);
  CHECK(e.kind == ErrorKind::connect);
  CHECK(e.message == "connection refused by 127.0.0.1:9");
  CHECK(e.unreached);

  CurlFailure unreachable = at(CURLE_COULDNT_CONNECT);
  unreachable.os_errno = EHOSTUNREACH;
  CHECK(describe_curl_failure(unreachable).message == "no route to host 127.0.0.1:9");

  CurlFailure v6 = at(CURLE_COULDNT_CONNECT);
  v6.host = "::1";
  v6.os_errno = ECONNREFUSED;
  CHECK(describe_curl_failure(v6).message == "connection refused by [::1]:9");

  // Out of descriptors: our limit, and the host was never tried.
  CurlFailure no_fd = at(CURLE_COULDNT_CONNECT);
  no_fd.socket_errno = EMFILE;
  CHECK(describe_curl_failure(no_fd).kind == ErrorKind::too_many_open_files);
  CHECK_FALSE(describe_curl_failure(no_fd).unreached);
}

TEST_CASE("each CURLcode family maps to its ErrorKind", "[net][errors]") {
  CHECK(describe_curl_failure(at(CURLE_COULDNT_RESOLVE_HOST)).kind == ErrorKind::dns);
  CHECK(describe_curl_failure(at(CURLE_COULDNT_RESOLVE_HOST)).message ==
        "could not resolve host name '127.0.0.1'");
  CHECK(describe_curl_failure(at(CURLE_SSL_CONNECT_ERROR)).kind == ErrorKind::tls);
  CHECK(describe_curl_failure(at(CURLE_PEER_FAILED_VERIFICATION)).kind == ErrorKind::tls);
  CHECK(describe_curl_failure(at(CURLE_RECV_ERROR)).kind == ErrorKind::reset);
  CHECK(describe_curl_failure(at(CURLE_GOT_NOTHING)).kind == ErrorKind::reset);
  CHECK(describe_curl_failure(at(CURLE_PARTIAL_FILE)).kind == ErrorKind::reset);
  CHECK(describe_curl_failure(at(CURLE_WEIRD_SERVER_REPLY)).kind == ErrorKind::protocol);
  CHECK(describe_curl_failure(at(CURLE_HTTP2_STREAM)).kind == ErrorKind::protocol);
  CHECK(describe_curl_failure(at(CURLE_BAD_CONTENT_ENCODING)).kind == ErrorKind::protocol);
  // Only http(s) URLs reach libcurl: an unsupported protocol is a reply that is not HTTP.
  CHECK(describe_curl_failure(at(CURLE_UNSUPPORTED_PROTOCOL)).kind == ErrorKind::protocol);
  CHECK(describe_curl_failure(at(CURLE_URL_MALFORMAT)).kind == ErrorKind::invalid_url);
  CHECK(describe_curl_failure(at(CURLE_OK)).kind == ErrorKind::none);
}

TEST_CASE("timeouts say which phase ran out of time", "[net][errors]") {
  CurlFailure connecting = at(CURLE_OPERATION_TIMEDOUT);
  connecting.connect_timeout_ms = 250;
  auto e = describe_curl_failure(connecting);
  CHECK(e.kind == ErrorKind::timeout);
  CHECK(e.message == "connecting to 127.0.0.1:9 timed out after 250 ms");
  CHECK(e.unreached);  // no connection was made

  CurlFailure handshake = at(CURLE_OPERATION_TIMEDOUT);
  handshake.connect_timeout_ms = 250;
  handshake.tcp_connected = true;  // TCP was up, the request never began
  CHECK(describe_curl_failure(handshake).message ==
        "TLS handshake with 127.0.0.1:9 timed out after 250 ms");
  CHECK_FALSE(describe_curl_failure(handshake).unreached);  // TCP was up: the host was reached
  CurlFailure said_so = at(CURLE_OPERATION_TIMEDOUT);
  said_so.connect_timeout_ms = 250;
  said_so.errbuf = "SSL connection timeout";
  CHECK(describe_curl_failure(said_so).message ==
        "TLS handshake with 127.0.0.1:9 timed out after 250 ms");

  // The request timeout can run out while connecting: name the limit that fired.
  CurlFailure late_connect = at(CURLE_OPERATION_TIMEDOUT);
  late_connect.connect_timeout_ms = 10'000;
  late_connect.timeout_ms = 500;
  CHECK(describe_curl_failure(late_connect).message ==
        "connecting to 127.0.0.1:9 did not finish within the 500 ms request timeout");

  CurlFailure total = at(CURLE_OPERATION_TIMEDOUT);
  total.connected = true;
  total.timeout_ms = 1000;
  CHECK(describe_curl_failure(total).message ==
        "no complete response from 127.0.0.1:9 within 1000 ms");
  CHECK_FALSE(describe_curl_failure(total).unreached);

  CurlFailure slow = at(CURLE_OPERATION_TIMEDOUT);
  slow.connected = true;
  slow.errbuf = "Operation too slow. Less than 1 bytes/sec transferred the last 2 seconds";
  auto s = describe_curl_failure(slow);
  CHECK(s.kind == ErrorKind::timeout);
  CHECK_THAT(s.message, Catch::StartsWith("127.0.0.1:9 sent the response too slowly (Operation"));
}

TEST_CASE("a truncated body reports how much arrived", "[net][errors]") {
  CurlFailure partial = at(CURLE_PARTIAL_FILE);
  partial.body_bytes = 512;
  CHECK(describe_curl_failure(partial).message ==
        "127.0.0.1:9 closed the connection before the body was complete (received 512 bytes)");
}

TEST_CASE("what libcurl refused to read is a protocol error, a dropped connection a reset",
          "[net][errors]") {
  CurlFailure chunked = at(CURLE_RECV_ERROR);
  chunked.errbuf = "Illegal or missing hexadecimal sequence in chunked-encoding";
  CHECK(describe_curl_failure(chunked).kind == ErrorKind::protocol);
  CurlFailure headers = at(CURLE_RECV_ERROR);
  headers.errbuf = "Too large response headers: 307774 > 307200";
  CHECK(describe_curl_failure(headers).kind == ErrorKind::protocol);
  CurlFailure dropped = at(CURLE_RECV_ERROR);
  dropped.errbuf = "Recv failure: Connection reset by peer";
  CHECK(describe_curl_failure(dropped).kind == ErrorKind::reset);
}

TEST_CASE("libcurl's caps it reports as out of memory are named: a header line, a request",
          "[net][errors]") {
  CurlFailure line = at(CURLE_OUT_OF_MEMORY);
  line.connected = true;
  auto e = describe_curl_failure(line);
  CHECK(e.kind == ErrorKind::protocol);
  CHECK(e.message ==
        "127.0.0.1:9 sent a response header line longer than libcurl accepts (over "
        "100 KB)");
  // Before the request: a URL too long for a request's head (1 MB), else libcurl's words.
  CurlFailure url = at(CURLE_OUT_OF_MEMORY);
  url.url_bytes = 2'000'000;
  auto u = describe_curl_failure(url);
  CHECK(u.kind == ErrorKind::invalid_url);
  CHECK(u.message ==
        "the URL is 2000000 bytes long: more than libcurl puts in a request (1 MB with the "
        "headers)");
  CHECK_THAT(describe_curl_failure(at(CURLE_OUT_OF_MEMORY)).message,
             !Catch::Contains("header line") && Catch::Contains("Out of memory"));
}

TEST_CASE("a socket() that failed for want of descriptors is not the server's fault",
          "[net][errors]") {
  CurlFailure emfile = at(CURLE_COULDNT_CONNECT);
  emfile.socket_errno = EMFILE;
  auto e = describe_curl_failure(emfile);
  CHECK(e.kind == ErrorKind::too_many_open_files);
  CHECK_THAT(e.message, Catch::StartsWith("too many open files"));
  CHECK_THAT(e.message, Catch::Contains("127.0.0.1:9"));
}
