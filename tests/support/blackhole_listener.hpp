// blackhole_listener.hpp — a port on 127.0.0.1 that never completes a connection.
//
// Its listener's accept queue is filled once and never drained, so the kernel drops every later
// SYN and a client's connect runs out of time, as with a firewalled host. The constructor
// checks that a connect really stalls before it returns.
//
// Example:
//   BlackholeListener blackhole;
//   client.fetch(ctx, head(blackhole.url("/")));  // "connecting to ... timed out"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::testing {

class BlackholeListener {
 public:
  BlackholeListener();
  ~BlackholeListener();
  BlackholeListener(const BlackholeListener&) = delete;
  BlackholeListener& operator=(const BlackholeListener&) = delete;

  std::string url(std::string_view path) const;
  int port() const noexcept { return port_; }

 private:
  int listener_ = -1;
  std::vector<int> fillers_;  // the connections the accept queue holds
  int port_ = 0;
};

// listen_on_loopback() opens a listener on a free port of 127.0.0.1 with `backlog`, and sets
// `port` to it.
int listen_on_loopback(int backlog, int& port);

}  // namespace siteaudit::testing
