#include "support/blackhole_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>

namespace siteaudit::testing {

int listen_on_loopback(int backlog, int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, backlog) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port = ntohs(addr.sin_port);
  return fd;
}

BlackholeListener::BlackholeListener() {
  listener_ = listen_on_loopback(0, port_);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port_));
  // A backlog of 0 still holds a connection or so (the kernel admits while the queue is not
  // longer than the backlog). Connect until one connect does not complete: from then on the
  // queue is full, nothing accepts, and the kernel drops each SYN.
  for (int tries = 0; tries < 16; ++tries) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    REQUIRE((rc == 0 || errno == EINPROGRESS));
    pollfd p{fd, POLLOUT, 0};
    if (rc != 0 && ::poll(&p, 1, 300) == 0) {
      ::close(fd);  // still in SYN-SENT: the SYN was dropped
      return;
    }
    fillers_.push_back(fd);
  }
  FAIL("the listener on port " << port_ << " kept accepting connections");
}

BlackholeListener::~BlackholeListener() {
  for (int fd : fillers_) ::close(fd);
  ::close(listener_);
}

std::string BlackholeListener::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

}  // namespace siteaudit::testing
