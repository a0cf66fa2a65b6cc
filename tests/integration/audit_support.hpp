// audit_support.hpp — run the siteaudit binary as a subprocess and read what it left behind.
//
// Integration tests drive the real binary against fixtures/server/server.py: AuditProcess
// starts it with arguments (output captured to files, so a chatty child never blocks on a full
// pipe), can signal it at a chosen moment, and waits for its exit status. Reports are loaded
// with nlohmann_json; the server's /log and /stats are read the same way, so a test can prove
// "this path was never requested" or "at most 4 requests were in flight".
//
// Example:
//   FixtureServer server(temp.path().string());
//   AuditRun run = run_siteaudit({server.url("/sitemap.xml"), "--json", temp / "r.json"});
//   CHECK(run.code == 1);
//   json report = load_json(temp / "r.json");
//   check_report_invariants(report);
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/fixture_server.hpp"

namespace siteaudit::integration {

namespace fs = std::filesystem;
using json = nlohmann::json;
using siteaudit::testing::FixtureServer;

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

// replace_all() substitutes every `from` in `text` (e.g. "{{BASE}}" in a local fixture).
inline std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// TempDir is a fresh directory under the system temp directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "siteaudit-audit-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string operator/(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// AuditRun is how one siteaudit process ended.
struct AuditRun {
  int code = -1;          // exit status; 128 + signal when it was killed by one
  bool signaled = false;  // true when a signal ended it (it never should: it exits 130)
  std::string out;
  std::string err;
};

// AuditProcess is one running siteaudit. The destructor kills and reaps a process the test did
// not wait for (a failed REQUIRE), so no child outlives its test.
class AuditProcess {
 public:
  explicit AuditProcess(const std::vector<std::string>& args, const std::string& stdin_text = {})
      : capture_() {
    out_path_ = capture_ / "stdout";
    err_path_ = capture_ / "stderr";
    const std::string in_path = capture_ / "stdin";
    write_text(in_path, stdin_text);
    std::vector<std::string> copies;
    copies.push_back(SITEAUDIT_BINARY);
    copies.insert(copies.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);

    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int in = ::open(in_path.c_str(), O_RDONLY);
      int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (in < 0 || out < 0 || err < 0) ::_exit(126);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      // The test binary may have blocked or ignored signals; the child starts clean.
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~AuditProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  AuditProcess(const AuditProcess&) = delete;
  AuditProcess& operator=(const AuditProcess&) = delete;

  pid_t pid() const { return pid_; }

  // signal() sends `sig` to the process.
  void signal(int sig) const { REQUIRE(::kill(pid_, sig) == 0); }

  // running() is true while the process has not exited.
  bool running() {
    if (reaped_) return false;
    int status = 0;
    pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      finish(status);
      return false;
    }
    return true;
  }

  // wait() waits for the exit and returns the status and output. A process that has not
  // exited after `limit` is killed and the test fails: a hang is a bug, never a slow pass.
  AuditRun wait(std::chrono::seconds limit = std::chrono::seconds(90)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        FAIL("siteaudit did not exit (hang); stderr: " << read_text(err_path_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    run_.out = read_text(out_path_);
    run_.err = read_text(err_path_);
    return run_;
  }

 private:
  void finish(int status) {
    reaped_ = true;
    if (WIFEXITED(status)) {
      run_.code = WEXITSTATUS(status);
    } else {
      run_.signaled = true;
      run_.code = 128 + WTERMSIG(status);
    }
  }

  TempDir capture_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  AuditRun run_;
};

// run_siteaudit() runs siteaudit to completion with `args`.
inline AuditRun run_siteaudit(const std::vector<std::string>& args,
                              const std::string& stdin_text = {}) {
  AuditProcess process(args, stdin_text);
  return process.wait();
}

// with_common() puts the flags every audit test wants before `args`: no progress line, no
// colour, a short timeout. A flag given again in `args` wins (the last value counts).
inline std::vector<std::string> with_common(const std::vector<std::string>& args) {
  std::vector<std::string> all{"--no-progress", "--color", "never", "--timeout", "5s"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

inline json load_json(const fs::path& path) {
  std::string text = read_text(path);
  INFO("report " << path);
  REQUIRE_FALSE(text.empty());
  return json::parse(text);
}

// server_json() reads /log or /stats of a fixture server.
inline json server_json(const FixtureServer& server, std::string_view path) {
  std::string body = server.get(path);
  REQUIRE_FALSE(body.empty());
  return json::parse(body);
}

// requested_paths() lists, in order, the paths in the server's /log (query included), as
// "METHOD /path".
inline std::vector<std::string> requested(const FixtureServer& server) {
  std::vector<std::string> out;
  for (const json& entry : server_json(server, "/log")) {
    out.push_back(entry["method"].get<std::string>() + " " + entry["path"].get<std::string>());
  }
  return out;
}

// count_requests() counts requests in /log whose path starts with `prefix`.
inline std::size_t count_requests(const FixtureServer& server, std::string_view prefix) {
  std::size_t n = 0;
  for (const json& entry : server_json(server, "/log")) {
    if (entry["path"].get<std::string>().rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

// results_by_url() maps results[].url to its result; a URL seen twice fails the test.
inline std::map<std::string, json> results_by_url(const json& report) {
  std::map<std::string, json> out;
  for (const json& result : report.at("results")) {
    const std::string url = result.at("url").get<std::string>();
    INFO("results[].url " << url);
    CHECK(out.count(url) == 0);
    out[url] = result;
  }
  return out;
}

// result_for() returns (a copy of) the result for `url`; the test fails when there is none.
inline json result_for(const json& report, const std::string& url) {
  for (const json& result : report.at("results")) {
    if (result.at("url") == url) return result;
  }
  FAIL("no result for " << url);
  return {};
}

// check_report_invariants() checks what every report promises: the summary's counts add up
// and match the results, each URL appears once, and ok is true exactly for outcome ok.
inline void check_report_invariants(const json& report) {
  REQUIRE(report.at("schema") == "siteaudit.report/1");
  const json& summary = report.at("summary");
  const json& results = report.at("results");
  std::map<std::string, std::uint64_t> outcomes;
  for (const json& result : results) {
    const std::string outcome = result.at("outcome").get<std::string>();
    ++outcomes[outcome];
    CHECK(result.at("ok").get<bool>() == (outcome == "ok"));
  }
  const auto total = summary.at("total").get<std::uint64_t>();
  CHECK(total == results.size());
  CHECK(summary.at("ok").get<std::uint64_t>() == outcomes["ok"]);
  CHECK(summary.at("failed").get<std::uint64_t>() == outcomes["failed"]);
  CHECK(summary.at("skipped").get<std::uint64_t>() == outcomes["skipped"]);
  CHECK(summary.at("cancelled").get<std::uint64_t>() == outcomes["cancelled"]);
  CHECK(outcomes["ok"] + outcomes["failed"] + outcomes["skipped"] + outcomes["cancelled"] == total);
  (void)results_by_url(report);
}

// check_listed_once() checks that `listed` (each URL a sitemap listed, duplicates allowed) and
// the report's results are the same set, with each result appearing exactly once.
inline void check_listed_once(const json& report, const std::vector<std::string>& listed) {
  const std::set<std::string> expected(listed.begin(), listed.end());
  std::set<std::string> got;
  for (const json& result : report.at("results")) {
    const std::string url = result.at("url").get<std::string>();
    INFO("results[].url " << url);
    CHECK(got.insert(url).second);
  }
  CHECK(got.size() == expected.size());
  std::vector<std::string> lost;
  for (const std::string& url : expected) {
    if (got.count(url) == 0) lost.push_back(url);
  }
  std::vector<std::string> extra;
  for (const std::string& url : got) {
    if (expected.count(url) == 0) extra.push_back(url);
  }
  CHECK(lost.empty());
  CHECK(extra.empty());
}

// validate_schema() validates a report file against man/siteaudit-report.schema.json with
// Python's jsonschema (Debian python3-jsonschema); the output names the first violation.
inline void validate_schema(const fs::path& report) {
  const std::string schema = siteaudit::testing::source_path("man/siteaudit-report.schema.json");
  TempDir dir;
  const std::string log = dir / "validate.log";
  const std::string command =
      "python3 -c 'import json,sys,jsonschema; "
      "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' '" +
      schema + "' '" + report.string() + "' >'" + log + "' 2>&1";
  const int rc = std::system(command.c_str());
  INFO(read_text(log));
  CHECK(rc == 0);
}

// urlset() is the text of an XML sitemap listing `urls`, one <url> per line.
inline std::string urlset(const std::vector<std::string>& urls) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& url : urls) text += "  <url><loc>" + url + "</loc></url>\n";
  text += "</urlset>\n";
  return text;
}

// one_line() is true when `text` is one message line: the error itself, optionally followed by
// the CLI's pointer to --help ("Run 'siteaudit --help' for usage."), as cli_test.cpp expects.
inline bool one_line(const std::string& text) {
  if (text.empty() || text.back() != '\n') return false;
  const std::size_t first_end = text.find('\n');
  if (first_end == text.size() - 1) return first_end > 0;
  return first_end > 0 && text.substr(first_end + 1) == "Run 'siteaudit --help' for usage.\n";
}

// RecordingServer is a minimal HTTP server on 127.0.0.1 that keeps every request head it
// receives and answers each with an empty 200 (Connection: close). The fixture server's /log
// records paths only; this one shows the headers siteaudit sent (--header, --user-agent,
// --cookies).
class RecordingServer {
 public:
  RecordingServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 64) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RecordingServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  // heads() returns the request heads received so far (request line and headers).
  std::vector<std::string> heads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return heads_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd pfd{listener_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      if (auto end = head.find("\r\n\r\n"); end != std::string::npos) {
        head.resize(end);
        {
          std::lock_guard<std::mutex> lock(mutex_);
          heads_.push_back(head);
        }
        static constexpr std::string_view kReply =
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n";
        (void)!::send(fd, kReply.data(), kReply.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

// header_value() returns the value of header `name` (case-insensitive) in a request head.
inline std::string header_value(const std::string& head, std::string_view name) {
  std::istringstream lines(head);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos || colon != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < colon; ++i) {
      same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                         std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (!same) continue;
    std::size_t start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

// wait_until() polls `condition` every 20 ms until it holds or `limit` passes.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace siteaudit::integration
