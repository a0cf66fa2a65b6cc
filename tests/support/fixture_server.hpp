// fixture_server.hpp — starts fixtures/server/server.py on 127.0.0.1 for one test and stops it.
//
// The server binds port 0 and prints its port; the constructor waits for that line, and the
// destructor stops the process by PID. Every integration and net test uses a fresh server so
// its /stats counters describe that test alone.
//
// Scheme::https serves the same routes and files over TLS with the test-only certificate in
// fixtures/tls/; clients trust it with ca_file() (or not at all, which is the point of some
// tests). get() and fetch() speak plain HTTP only, so they serve http servers alone.
//
// Example:
//   FixtureServer server;                      // serves fixtures/demo-site/
//   std::string url = server.url("/status/404");
//   auto stats = server.get("/stats");          // raw body of GET /stats
//   FixtureServer secure(Scheme::https, "fixtures/audit");
//   secure.url("/clean.xml");                   // "https://127.0.0.1:PORT/clean.xml"
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::testing {

// FixtureReply is one raw HTTP response as FixtureServer::fetch() read it.
struct FixtureReply {
  int status = 0;    // 0 when the request failed (connect, send, or unparsable reply)
  std::string head;  // status line and headers, without the blank line
  std::string body;  // chunked bodies are decoded
  // header() returns the first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

// Scheme is what a FixtureServer speaks on its port.
enum class Scheme { http, https };

class FixtureServer {
 public:
  // FixtureServer() starts the server serving `root` (a directory, relative to the source
  // tree when not absolute), with extra command-line flags. Fails the test when it cannot start.
  explicit FixtureServer(std::string root = "fixtures/demo-site",
                         std::vector<std::string> extra_args = {});
  // FixtureServer(scheme, ...) starts it speaking `scheme`: Scheme::https adds --tls-cert and
  // --tls-key with fixtures/tls/server.pem, whose certificate names 127.0.0.1 and localhost.
  FixtureServer(Scheme scheme, std::string root = "fixtures/demo-site",
                std::vector<std::string> extra_args = {});
  ~FixtureServer();
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  int port() const { return port_; }
  Scheme scheme() const { return scheme_; }
  // base() is "http://127.0.0.1:PORT", or "https://127.0.0.1:PORT" for Scheme::https.
  std::string base() const;
  // url() is base() + path.
  std::string url(std::string_view path) const;
  // get() performs a blocking HTTP/1.1 GET with a plain socket (no libcurl, so it works in any
  // test) and returns the body; empty on failure. Fails the test on an https server.
  std::string get(std::string_view path) const;
  // fetch() sends one `method` request for `path` on a fresh connection (Connection: close)
  // and returns status, head and body; a 30 s socket timeout bounds every read. Plain HTTP
  // only: it fails the test on an https server rather than return a misleading status 0.
  FixtureReply fetch(std::string_view method, std::string_view path) const;
  // logged() counts the requests in /log whose target starts with `prefix` (e.g. "/delay/"
  // or "/status/503?key=a"). Plain HTTP only, like get().
  std::size_t logged(std::string_view prefix) const;
  // ca_file() is the absolute path of fixtures/tls/ca.pem, the test-only CA that signed the
  // https server's certificate: what --ca-file or net::ClientConfig::ca_file needs to trust it.
  static std::string ca_file();
  // pid() is the server process, for tests that need to signal it.
  pid_t pid() const { return pid_; }
  // stderr_text() is what the server wrote to stderr so far (tracebacks of fixture bugs).
  std::string stderr_text() const;

 private:
  Scheme scheme_ = Scheme::http;
  pid_t pid_ = -1;
  int port_ = 0;
  int stderr_fd_ = -1;  // an unlinked temporary file holding the child's stderr
};

// source_path() resolves a path relative to the source tree.
std::string source_path(std::string_view relative);

}  // namespace siteaudit::testing
