// audit_support.cpp — the bodies of audit_support.hpp, compiled once for the whole suite.
#include "integration/audit_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "support/report_schema.hpp"
#include "support/shared_dir.hpp"

namespace siteaudit::integration {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string siteaudit_binary() {
  const char* chosen = std::getenv("SITEAUDIT_BINARY");
  return chosen != nullptr && *chosen != '\0' ? std::string(chosen) : std::string(SITEAUDIT_BINARY);
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "siteaudit-audit-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

AuditProcess::AuditProcess(const std::vector<std::string>& args, const std::string& stdin_text,
                           const fs::path& cwd, int stdin_fd, const Environment& env) {
  out_path_ = capture_ / "stdout";
  err_path_ = capture_ / "stderr";
  const std::string in_path = capture_ / "stdin";
  write_text(in_path, stdin_text);
  std::vector<std::string> copies;
  copies.push_back(siteaudit_binary());
  copies.insert(copies.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // The child's environment is this process's without the CI engines' shard variables (a
  // suite run in a GitLab `parallel:` job must not shard every audit it runs), plus `env`.
  // Built before fork(): the child only calls async-signal-safe functions.
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (name != "JOB_COMPLETION_INDEX" && name != "CI_NODE_INDEX" && name != "CI_NODE_TOTAL") {
      variables.emplace_back(text);
    }
  }
  for (const auto& [name, value] : env) variables.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);

  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    int in = stdin_fd >= 0 ? stdin_fd : ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    // The test binary may have blocked or ignored signals; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

AuditProcess::~AuditProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void AuditProcess::signal(int sig) const {
  REQUIRE(::kill(pid_, sig) == 0);
}

bool AuditProcess::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == pid_) {
    finish(status);
    return false;
  }
  return true;
}

AuditRun AuditProcess::wait(std::chrono::seconds limit) {
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

void AuditProcess::finish(int status) {
  reaped_ = true;
  if (WIFEXITED(status)) {
    run_.code = WEXITSTATUS(status);
  } else {
    run_.signaled = true;
    run_.code = 128 + WTERMSIG(status);
  }
}

AuditRun run_siteaudit(const std::vector<std::string>& args, const std::string& stdin_text) {
  AuditProcess process(args, stdin_text);
  return process.wait();
}

AuditRun run_siteaudit_with_env(const std::vector<std::string>& args, const Environment& env) {
  AuditProcess process(args, {}, {}, -1, env);
  return process.wait();
}

AuditRun run_siteaudit_writing_to(const std::vector<std::string>& args, int stdout_fd) {
  TempDir capture;
  const std::string err_path = capture / "stderr";
  std::vector<std::string> copies{siteaudit_binary()};
  copies.insert(copies.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(stdout_fd, 1);
    ::dup2(err, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  AuditRun run;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL("siteaudit did not exit (hang); stderr: " << read_text(err_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  run.signaled = WIFSIGNALED(status);
  run.code = run.signaled ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  run.err = read_text(err_path);
  return run;
}

std::vector<std::string> with_common(const std::vector<std::string>& args) {
  std::vector<std::string> all{"--no-progress", "--color", "never", "--timeout", "5s"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

json load_json(const fs::path& path) {
  std::string text = read_text(path);
  INFO("report " << path);
  REQUIRE_FALSE(text.empty());
  return json::parse(text);
}

json untimed(json report) {
  report["run"].erase("started_at");
  report["run"].erase("duration_ms");
  report["summary"].erase("latency_ms");
  for (json& result : report["results"]) {
    result.erase("time_ms");
    for (json& hop : result["redirects"]) hop.erase("time_ms");
  }
  return report;
}

json server_json(const FixtureServer& server, std::string_view path) {
  std::string body = server.get(path);
  REQUIRE_FALSE(body.empty());
  return json::parse(body);
}

std::vector<std::string> requested(const FixtureServer& server) {
  std::vector<std::string> out;
  for (const json& entry : server_json(server, "/log")) {
    out.push_back(entry["method"].get<std::string>() + " " + entry["path"].get<std::string>());
  }
  return out;
}

std::map<std::string, json> results_by_url(const json& report) {
  std::map<std::string, json> out;
  for (const json& result : report.at("results")) {
    const std::string url = result.at("url").get<std::string>();
    INFO("results[].url " << url);
    CHECK(out.count(url) == 0);
    out[url] = result;
  }
  return out;
}

json result_for(const json& report, const std::string& url) {
  for (const json& result : report.at("results")) {
    if (result.at("url") == url) return result;
  }
  FAIL("no result for " << url);
  return {};
}

void check_report_invariants(const json& report) {
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
  CHECK(summary.at("inconclusive").get<std::uint64_t>() == outcomes["inconclusive"]);
  CHECK(outcomes["ok"] + outcomes["failed"] + outcomes["skipped"] + outcomes["cancelled"] +
            outcomes["inconclusive"] ==
        total);
  (void)results_by_url(report);
}

void check_listed_once(const json& report, const std::vector<std::string>& listed) {
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

void validate_schema(const fs::path& report) {
  const std::string schema = siteaudit::testing::source_path("man/siteaudit-report.schema.json");
  TempDir dir;
  const std::string log = dir / "validate.log";
  const std::string command = "python3 -c '" + std::string(siteaudit::testing::kValidateReport) +
                              "' '" + report.string() + "' '" + schema + "' >'" + log + "' 2>&1";
  const int rc = std::system(command.c_str());
  INFO(read_text(log));
  CHECK(rc == 0);
}

void validate_junit_schema(const fs::path& junit) {
  const std::string schema = siteaudit::testing::shared_file("schemas/jenkins-junit-10.xsd");
  if (schema.empty()) {
    WARN(
        "SKIPPED: ../shared/schemas/jenkins-junit-10.xsd is absent (not a project checkout; "
        "set SITEAUDIT_SHARED_DIR)");
    return;
  }
  TempDir dir;
  const std::string log = dir / "xmllint.log";
  const std::string command =
      "xmllint --noout --schema '" + schema + "' '" + junit.string() + "' >'" + log + "' 2>&1";
  const int rc = std::system(command.c_str());
  INFO("xmllint: " << read_text(log));
  CHECK(rc == 0);
}

std::string urlset(const std::vector<std::string>& urls) {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& url : urls) text += "  <url><loc>" + url + "</loc></url>\n";
  text += "</urlset>\n";
  return text;
}

bool one_line(const std::string& text) {
  if (text.empty() || text.back() != '\n') return false;
  const std::size_t first_end = text.find('\n');
  if (first_end == text.size() - 1) return first_end > 0;
  return first_end > 0 && text.substr(first_end + 1) == "Run 'siteaudit --help' for usage.\n";
}

RecordingServer::RecordingServer() {
  listener_ = siteaudit::testing::listen_on_loopback(64, port_);
  thread_ = std::thread([this] { serve(); });
}

RecordingServer::~RecordingServer() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

std::string RecordingServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<std::string> RecordingServer::heads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return heads_;
}

void RecordingServer::serve() {
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

std::string header_value(const std::string& head, std::string_view name) {
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

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace siteaudit::integration
