// audit_support.hpp — run the siteaudit binary as a subprocess and read what it left behind.
//
// Integration tests drive the real binary against fixtures/server/server.py: AuditProcess
// starts it with arguments (output captured to files, so a chatty child never blocks on a full
// pipe), can signal it at a chosen moment, and waits for its exit status. Reports are loaded
// with nlohmann_json; the server's /log and /stats are read the same way, so a test can prove
// "this path was never requested" or "at most 4 requests were in flight".
//
// The binary under test is the one this build made, unless SITEAUDIT_BINARY names another:
// scripts/test runs this suite, built once, against the Release and the ASan+UBSan binaries.
//
// Example:
//   FixtureServer server(temp.path().string());
//   AuditRun run = run_siteaudit({server.url("/sitemap.xml"), "--json", temp / "r.json"});
//   CHECK(run.code == 1);
//   json report = load_json(temp / "r.json");
//   check_report_invariants(report);
#pragma once

#include <sys/types.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/blackhole_listener.hpp"
#include "support/fixture_server.hpp"

namespace siteaudit::integration {

namespace fs = std::filesystem;
using json = nlohmann::json;
using siteaudit::testing::BlackholeListener;
using siteaudit::testing::FixtureServer;

std::string read_text(const fs::path& path);
void write_text(const fs::path& path, std::string_view text);

// replace_all() substitutes every `from` in `text` (e.g. "{{BASE}}" in a local fixture).
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// siteaudit_binary() is the binary under test: $SITEAUDIT_BINARY when set, else this build's.
std::string siteaudit_binary();

// TempDir is a fresh directory under the system temp directory, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
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

// Environment is variables to set in a child, as (name, value).
using Environment = std::vector<std::pair<std::string, std::string>>;

// AuditProcess is one running siteaudit, started in `cwd` (this process's directory when
// empty) with `stdin_text` as its standard input, or with the descriptor `stdin_fd` when it is
// 0 or more (a pipe's read end the test keeps open), and this process's environment without
// JOB_COMPLETION_INDEX, CI_NODE_INDEX and CI_NODE_TOTAL, plus `env`. The destructor kills and
// reaps a process the test did not wait for (a failed REQUIRE), so no child outlives its test.
class AuditProcess {
 public:
  explicit AuditProcess(const std::vector<std::string>& args, const std::string& stdin_text = {},
                        const fs::path& cwd = {}, int stdin_fd = -1, const Environment& env = {});
  ~AuditProcess();
  AuditProcess(const AuditProcess&) = delete;
  AuditProcess& operator=(const AuditProcess&) = delete;

  pid_t pid() const { return pid_; }

  // signal() sends `sig` to the process.
  void signal(int sig) const;

  // running() is true while the process has not exited.
  bool running();

  // wait() waits for the exit and returns the status and output. A process that has not
  // exited after `limit` is killed and the test fails: a hang is a bug, never a slow pass.
  AuditRun wait(std::chrono::seconds limit = std::chrono::seconds(90));

 private:
  void finish(int status);

  TempDir capture_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  AuditRun run_;
};

// run_siteaudit() runs siteaudit to completion with `args`.
AuditRun run_siteaudit(const std::vector<std::string>& args, const std::string& stdin_text = {});

// run_siteaudit_with_env() runs siteaudit to completion with `args` and `env` set (the CI
// engines' variables: JOB_COMPLETION_INDEX, CI_NODE_INDEX, CI_NODE_TOTAL).
AuditRun run_siteaudit_with_env(const std::vector<std::string>& args, const Environment& env);

// run_siteaudit_writing_to() runs siteaudit to completion with `stdout_fd` as its standard
// output (/dev/full, a pipe whose reader has gone) and SIGPIPE at its default action, as a
// shell starts it; `out` of the result stays empty.
AuditRun run_siteaudit_writing_to(const std::vector<std::string>& args, int stdout_fd);

// with_common() puts the flags every audit test wants before `args`: no progress line, no
// colour, a short timeout. A flag given again in `args` wins (the last value counts).
std::vector<std::string> with_common(const std::vector<std::string>& args);

json load_json(const fs::path& path);

// untimed() is a JSON report without what differs between two runs of the same audit, the
// fields the man page documents as timing: when it ran and for how long (run.started_at,
// run.duration_ms), summary.latency_ms, and each result's and redirect hop's time_ms.
json untimed(json report);

// server_json() reads /log or /stats of a fixture server.
json server_json(const FixtureServer& server, std::string_view path);

// requested() lists, in order, the paths in the server's /log (query included), as
// "METHOD /path".
std::vector<std::string> requested(const FixtureServer& server);

// results_by_url() maps results[].url to its result; a URL seen twice fails the test.
std::map<std::string, json> results_by_url(const json& report);

// result_for() returns (a copy of) the result for `url`; the test fails when there is none.
json result_for(const json& report, const std::string& url);

// check_report_invariants() checks what every report promises: the summary's counts add up
// and match the results, each URL appears once, and ok is true exactly for outcome ok.
void check_report_invariants(const json& report);

// check_listed_once() checks that `listed` (each URL a sitemap listed, duplicates allowed) and
// the report's results are the same set, with each result appearing exactly once.
void check_listed_once(const json& report, const std::vector<std::string>& listed);

// validate_schema() validates a report file against man/siteaudit-report.schema.json with
// Python's jsonschema (Debian python3-jsonschema); the output names the first violation.
void validate_schema(const fs::path& report);

// validate_junit_schema() validates a JUnit file against Jenkins' xUnit schema
// (../shared/schemas/jenkins-junit-10.xsd) with xmllint, or says it was skipped when that folder
// is absent.
void validate_junit_schema(const fs::path& junit);

// urlset() is the text of an XML sitemap listing `urls`, one <url> per line.
std::string urlset(const std::vector<std::string>& urls);

// one_line() is true when `text` is one message line: the error itself, optionally followed by
// the CLI's pointer to --help ("Run 'siteaudit --help' for usage."), as cli_test.cpp expects.
bool one_line(const std::string& text);

// RecordingServer is a minimal HTTP server on 127.0.0.1 that keeps every request head it
// receives and answers each with an empty 200 (Connection: close). The fixture server's /log
// records paths only; this one shows the headers siteaudit sent (--header, --user-agent,
// --cookies).
class RecordingServer {
 public:
  RecordingServer();
  ~RecordingServer();
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  std::string url(std::string_view path) const;
  // heads() returns the request heads received so far (request line and headers).
  std::vector<std::string> heads() const;

 private:
  void serve();

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

// header_value() returns the value of header `name` (case-insensitive) in a request head.
std::string header_value(const std::string& head, std::string_view name);

// wait_until() polls `condition` every 20 ms until it holds or `limit` passes.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace siteaudit::integration
