// fixture_server.hpp — starts fixtures/server/server.py on 127.0.0.1 for one test and stops it.
//
// The server binds port 0 and prints its port; the constructor waits for that line, and the
// destructor stops the process by PID. Every integration and net test uses a fresh server so
// its /stats counters describe that test alone.
//
// Example:
//   FixtureServer server;                      // serves fixtures/demo-site/
//   std::string url = server.url("/status/404");
//   auto stats = server.get("/stats");          // raw body of GET /stats
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace siteaudit::testing {

class FixtureServer {
 public:
  // FixtureServer() starts the server serving `root` (a directory, relative to the source
  // tree when not absolute), with extra command-line flags. Fails the test when it cannot start.
  explicit FixtureServer(std::string root = "fixtures/demo-site",
                         std::vector<std::string> extra_args = {});
  ~FixtureServer();
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  int port() const { return port_; }
  // base() is "http://127.0.0.1:PORT".
  std::string base() const;
  // url() is base() + path.
  std::string url(std::string_view path) const;
  // get() performs a blocking HTTP/1.1 GET with a plain socket (no libcurl, so it works in any
  // test) and returns the body; empty on failure.
  std::string get(std::string_view path) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// source_path() resolves a path relative to the source tree.
std::string source_path(std::string_view relative);

}  // namespace siteaudit::testing
