// fixture_server.cpp — spawning, waiting for and stopping fixtures/server/server.py.
//
// The child's stdout is a pipe read only until the `PORT n` line; the server never writes to
// stdout again, so closing our end cannot block it. Its stderr goes to an unlinked temporary
// file rather than a pipe, so a chatty or crashing server can never fill a pipe nobody reads,
// and a start-up failure can still quote it.
#include "support/fixture_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace siteaudit::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopGrace = std::chrono::seconds(3);
constexpr int kSocketTimeoutSeconds = 30;

std::string read_all_from(int fd) {
  std::string text;
  if (fd < 0) return text;
  char buf[4096];
  off_t offset = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, offset);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  return text;
}

// stop_child() ends `pid`: SIGTERM, a grace period, then SIGKILL; always reaps it.
void stop_child(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// decode_chunked() undoes Transfer-Encoding: chunked; it stops at the first malformed size.
std::string decode_chunked(std::string_view raw) {
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos) break;
    size_t size = std::strtoul(std::string(raw.substr(pos, eol - pos)).c_str(), nullptr, 16);
    pos = eol + 2;
    if (size == 0) break;
    out.append(raw.substr(pos, size));
    pos += size + 2;
  }
  return out;
}

}  // namespace

std::string FixtureReply::header(std::string_view name) const {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    pos += 2;
    size_t eol = head.find("\r\n", pos);
    std::string_view line(head.data() + pos, (eol == std::string::npos ? head.size() : eol) - pos);
    size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    pos = eol;
  }
  return {};
}

std::string source_path(std::string_view relative) {
  std::string path = SITEAUDIT_SOURCE_DIR;
  if (!relative.empty() && relative.front() != '/') path += '/';
  path += relative;
  return path;
}

FixtureServer::FixtureServer(std::string root, std::vector<std::string> extra_args)
    : FixtureServer(Scheme::http, std::move(root), std::move(extra_args)) {}

FixtureServer::FixtureServer(Scheme scheme, std::string root, std::vector<std::string> extra_args)
    : scheme_(scheme) {
  const std::string root_dir = root.starts_with('/') ? root : source_path(root);
  const std::string script = source_path("fixtures/server/server.py");
  if (scheme_ == Scheme::https) {
    extra_args.insert(extra_args.begin(),
                      {"--tls-cert", source_path("fixtures/tls/server.pem"), "--tls-key",
                       source_path("fixtures/tls/server-key.pem")});
  }

  char err_name[] = "/tmp/siteaudit-fixture-stderr-XXXXXX";
  stderr_fd_ = mkostemp(err_name, O_CLOEXEC);
  if (stderr_fd_ < 0) FAIL("FixtureServer: mkostemp: " << std::strerror(errno));
  unlink(err_name);

  int out[2];
  // O_CLOEXEC: servers spawned by other threads must not inherit our pipe ends.
  if (pipe2(out, O_CLOEXEC) != 0) FAIL("FixtureServer: pipe2: " << std::strerror(errno));

  // The system interpreter first: a version-manager shim (pyenv) on PATH costs seconds per
  // start on a loaded machine. SITEAUDIT_PYTHON overrides both.
  std::string python = "python3";
  if (const char* env = std::getenv("SITEAUDIT_PYTHON"); env != nullptr && *env != '\0') {
    python = env;
  } else if (access("/usr/bin/python3", X_OK) == 0) {
    python = "/usr/bin/python3";
  }
  std::vector<std::string> args = {python, script, "--root", root_dir, "--quiet"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd_, 2);
  int rc = posix_spawnp(&pid_, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    pid_ = -1;
    FAIL("FixtureServer: cannot spawn " << python << " " << script << ": " << std::strerror(rc));
  }

  // Read until "PORT n\n", the child exits (EOF), or the deadline passes.
  std::string seen;
  const char* why = "did not print `PORT n` within 10 s";
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (port_ == 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{out[0], POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      why = "exited (or closed stdout) before printing `PORT n`";
      break;
    }
    seen.append(buf, static_cast<size_t>(n));
    size_t eol = seen.find('\n');
    if (eol != std::string::npos) {
      if (seen.starts_with("PORT ")) port_ = std::atoi(seen.c_str() + 5);
      if (port_ <= 0) break;
    }
  }
  close(out[0]);
  if (port_ <= 0) {
    stop_child(pid_);
    pid_ = -1;
    std::string err = read_all_from(stderr_fd_);
    close(stderr_fd_);
    stderr_fd_ = -1;
    port_ = 0;
    FAIL("FixtureServer: " << script << " --root " << root_dir << " " << why << "; stdout: \""
                           << seen << "\"; stderr:\n"
                           << err);
  }
}

FixtureServer::~FixtureServer() {
  stop_child(pid_);
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

std::string FixtureServer::base() const {
  return (scheme_ == Scheme::https ? "https://127.0.0.1:" : "http://127.0.0.1:") +
         std::to_string(port_);
}

std::string FixtureServer::ca_file() {
  return source_path("fixtures/tls/ca.pem");
}

std::string FixtureServer::url(std::string_view path) const {
  return base() + std::string(path);
}

std::string FixtureServer::stderr_text() const {
  return read_all_from(stderr_fd_);
}

FixtureReply FixtureServer::fetch(std::string_view method, std::string_view path) const {
  if (scheme_ == Scheme::https) {
    FAIL("FixtureServer::fetch(" << method << " " << path << "): " << base()
                                 << " speaks TLS, and fetch() plain HTTP only");
  }
  FixtureReply reply;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  timeval tv{kSocketTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return reply;
  }
  std::string request = std::string(method) + " " + std::string(path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                        "\r\nConnection: close\r\n\r\n";
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return reply;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF, reset or timeout: parse what arrived
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);

  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || !raw.starts_with("HTTP/1.")) return reply;
  reply.head = raw.substr(0, end);
  reply.status = std::atoi(raw.c_str() + 9);
  std::string_view body(raw);
  body.remove_prefix(end + 4);
  if (reply.header("Transfer-Encoding") == "chunked") {
    reply.body = decode_chunked(body);
  } else {
    std::string length = reply.header("Content-Length");
    if (!length.empty()) body = body.substr(0, std::strtoul(length.c_str(), nullptr, 10));
    reply.body = std::string(body);
  }
  return reply;
}

std::string FixtureServer::get(std::string_view path) const {
  FixtureReply reply = fetch("GET", path);
  return reply.status == 0 ? std::string() : std::move(reply.body);
}

std::size_t FixtureServer::logged(std::string_view prefix) const {
  // /log is server.py's json.dumps of {"t", "method", "path", "connection"} entries, with its
  // default separators: matching `"path": "<prefix>` needs no JSON parser in every suite.
  const std::string log = get("/log");
  const std::string needle = "\"path\": \"" + std::string(prefix);
  std::size_t n = 0;
  for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace siteaudit::testing
