// audit_interrupt_test.cpp — SIGINT and SIGTERM in the middle of a 5,000-URL run on /delay/
// routes: exit 130, the report is still written, ok + failed + cancelled + skipped == total,
// and every sitemap URL appears in it exactly once. --max-time ends a run the same way. The
// first signal works in every phase: also while an input is still being read (a FIFO without
// a writer, standard input that never closes) or a hostile sitemap is being parsed.
//
// The signal is sent when the server's /stats show that checking is well under way, so the
// test does not depend on how fast this machine is.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

constexpr int kUrls = 5000;

// delay_site() writes a sitemap of `count` distinct /delay/`ms` URLs into `dir` (the server's
// root) and returns the URLs as the server will list them.
std::vector<std::string> delay_site(const TempDir& dir, const FixtureServer& server, int count,
                                    int ms) {
  std::vector<std::string> listed;
  std::vector<std::string> with_placeholder;
  for (int i = 0; i < count; ++i) {
    const std::string path = "/delay/" + std::to_string(ms) + "?n=" + std::to_string(i);
    listed.push_back(server.url(path));
    with_placeholder.push_back("{{BASE}}" + path);
  }
  write_text(dir / "sitemap.xml", urlset(with_placeholder));
  return listed;
}

std::uint64_t delay_requests(const FixtureServer& server) {
  json stats = server_json(server, "/stats");
  if (!stats["by_prefix"].contains("/delay")) return 0;
  return stats["by_prefix"]["/delay"]["requests"].get<std::uint64_t>();
}

void interrupt_mid_run(int sig, const char* name) {
  TempDir root;
  FixtureServer server(root.path().string());
  const std::vector<std::string> listed = delay_site(root, server, kUrls, 1000);
  TempDir out;
  // Every tenth URL is excluded: skipped (or, once cancelled, cancelled), never requested.
  AuditProcess process(
      with_common({server.url("/sitemap.xml"), "--workers", "50", "--exclude", "n=[0-9]*7$",
                   "--json", out / "report.json", "--timeout", "30s"}));
  REQUIRE(wait_until([&] { return delay_requests(server) >= 100 || !process.running(); }));
  REQUIRE(process.running());
  process.signal(sig);
  AuditRun run = process.wait();
  INFO("stderr: " << run.err);
  CHECK_FALSE(run.signaled);
  CHECK(run.code == 130);

  json report = load_json(out / "report.json");
  check_report_invariants(report);
  check_listed_once(report, listed);
  const json& summary = report["summary"];
  CHECK(summary["total"] == kUrls);
  CHECK(summary["ok"].get<int>() + summary["failed"].get<int>() + summary["cancelled"].get<int>() +
            summary["skipped"].get<int>() ==
        kUrls);
  CHECK(summary["ok"].get<int>() >= 50);
  CHECK(summary["cancelled"].get<int>() > 0);
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["run"]["interrupt_reason"] == name);
  CHECK(report["run"]["exit_code"] == 130);

  // The run stopped: far fewer requests than URLs, none for an excluded URL, and the requests
  // that were in flight were aborted rather than waited for.
  std::set<std::string> requested_paths;
  for (const json& entry : server_json(server, "/log")) {
    const std::string path = entry["path"];
    if (path.rfind("/delay/", 0) != 0) continue;
    requested_paths.insert(path);
    INFO(path);
    CHECK(path.back() != '7');
  }
  CHECK(requested_paths.size() < static_cast<std::size_t>(kUrls / 2));
  CHECK(wait_until([&] { return server_json(server, "/stats")["in_flight"] == 0; }));

  // Every result that was requested says so; every cancelled one was not judged.
  for (const json& result : report["results"]) {
    if (result["outcome"] == "cancelled") {
      CHECK(result["error_kind"] == "cancelled");
      CHECK(result["status"].is_null());
    }
    if (result["outcome"] == "skipped") {
      CHECK(result["url"].get<std::string>().back() == '7');
    }
  }
}

TEST_CASE("SIGINT in the middle of a 5000-URL run gives exit 130 and a complete report",
          "[integration][audit][signals]") {
  interrupt_mid_run(SIGINT, "SIGINT");
}

TEST_CASE("SIGTERM in the middle of a 5000-URL run gives exit 130 and a complete report",
          "[integration][audit][signals]") {
  interrupt_mid_run(SIGTERM, "SIGTERM");
}

TEST_CASE("a second SIGINT exits 130 at once", "[integration][audit][signals]") {
  TempDir root;
  FixtureServer server(root.path().string());
  delay_site(root, server, 200, 20000);
  TempDir out;
  AuditProcess process(with_common({server.url("/sitemap.xml"), "--workers", "20", "--timeout",
                                    "60s", "--json", out / "report.json"}));
  REQUIRE(wait_until([&] { return delay_requests(server) >= 20 || !process.running(); }));
  REQUIRE(process.running());
  process.signal(SIGINT);
  process.signal(SIGINT);
  AuditRun run = process.wait();
  INFO("stderr: " << run.err);
  CHECK_FALSE(run.signaled);
  CHECK(run.code == 130);
  // Whether the second signal cut the run short or came after the report was written (two
  // signals sent at once may arrive as one), no temporary report file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(out.path())) {
    const std::string name = entry.path().filename().string();
    INFO("left: " << name);
    CHECK(name.rfind(".report.json.", 0) != 0);
  }
}

// run_to_max_time() audits the server's /sitemap.xml with 10 workers under --max-time and
// checks what every such run promises: exit 1, the reason, and each of `listed` reported once.
json run_to_max_time(const FixtureServer& server, const std::vector<std::string>& listed,
                     const std::string& max_time, const std::string& sitemap = "/sitemap.xml") {
  TempDir out;
  AuditRun run = run_siteaudit(with_common({server.url(sitemap), "--workers", "10", "--max-time",
                                            max_time, "--json", out / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(out / "report.json");
  check_report_invariants(report);
  check_listed_once(report, listed);
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["run"]["interrupt_reason"].get<std::string>().find("--max-time") !=
        std::string::npos);
  return report;
}

TEST_CASE("option max-time stops the run with unchecked URLs cancelled and none lost",
          "[integration][audit][signals]") {
  TempDir root;
  FixtureServer server(root.path().string());
  const std::vector<std::string> listed = delay_site(root, server, 300, 400);
  json report = run_to_max_time(server, listed, "1s");
  CHECK(report["summary"]["cancelled"].get<int>() > 0);
  CHECK(report["summary"]["ok"].get<int>() > 0);
  CHECK(server.logged("/delay/") < listed.size());
}

// catches() is true once `pid` has a handler for `sig` (/proc/PID/status, SigCgt): siteaudit
// is then past its start, and the signal tests the phase the test set up, not the start-up.
bool catches(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("SigCgt:", 0) == 0) {
      const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      return ((mask >> (sig - 1)) & 1u) != 0;
    }
  }
  return false;
}

// ioctl_unread() reads how many bytes wait in the pipe behind `fd` (FIONREAD).
bool ioctl_unread(int fd, int& unread) {
  return ioctl(fd, FIONREAD, &unread) == 0;
}

// has_open() is true when `pid` has `path` open.
bool has_open(pid_t pid, const std::string& path) {
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    if (fs::read_symlink(fd.path(), ec) == path) return true;
  }
  return false;
}

TEST_CASE("SIGINT while waiting for a FIFO without a writer exits 130 with the report",
          "[integration][audit][signals]") {
  TempDir dir;
  const std::string fifo = dir / "sitemap.fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  AuditProcess process(with_common({fifo, "--json", dir / "report.json"}));
  REQUIRE(wait_until([&] {
    return (catches(process.pid(), SIGINT) && has_open(process.pid(), fifo)) || !process.running();
  }));
  REQUIRE(process.running());
  process.signal(SIGINT);
  AuditRun run = process.wait(std::chrono::seconds(30));
  INFO("stderr: " << run.err);
  CHECK_FALSE(run.signaled);
  CHECK(run.code == 130);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["run"]["interrupt_reason"] == "SIGINT");
  REQUIRE(report["sources"].size() == 1);
  CHECK(report["sources"][0]["error"] == "cancelled while reading");
}

TEST_CASE("SIGTERM while standard input never closes exits 130 with the report",
          "[integration][audit][signals]") {
  TempDir root;
  FixtureServer server(root.path().string());
  TempDir dir;
  int pipe_fds[2];
  REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
  // Half a sitemap, and the writer stays open.
  const std::string half = "<urlset><url><loc>" + server.url("/status/200") + "</loc></url>";
  REQUIRE(write(pipe_fds[1], half.data(), half.size()) == static_cast<ssize_t>(half.size()));
  AuditProcess process(with_common({"-", "--json", dir / "report.json"}), {}, {}, pipe_fds[0]);
  close(pipe_fds[0]);
  REQUIRE(wait_until([&] { return catches(process.pid(), SIGTERM) || !process.running(); }));
  // The pipe is drained: siteaudit is reading and waits for more.
  REQUIRE(wait_until([&] {
    int unread = 0;
    return (ioctl_unread(pipe_fds[1], unread) && unread == 0) || !process.running();
  }));
  REQUIRE(process.running());
  process.signal(SIGTERM);
  AuditRun run = process.wait(std::chrono::seconds(30));
  close(pipe_fds[1]);
  INFO("stderr: " << run.err);
  CHECK_FALSE(run.signaled);
  CHECK(run.code == 130);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["run"]["interrupt_reason"] == "SIGTERM");
  CHECK(report["results"].empty());
  CHECK(server.logged("/status/200") == 0);
}

TEST_CASE("max-time ends a run on a one-line hostile sitemap long before its parse would",
          "[integration][audit][signals]") {
  // 40,000 URLs on one line, each <lastmod> before its <loc>: the parse used to rescan the
  // line for every element (9 s for 20,000 URLs, four times that for twice as many), and the
  // run ended only when it was done. Now the run ends at --max-time with every URL reported.
  constexpr int kHostile = 40'000;
  TempDir root;
  FixtureServer server(root.path().string());
  // The same URLs twice: on one line, and one element a line (the control, parsed in no time).
  std::string one_line = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
  std::string lines = one_line + "\n";
  std::vector<std::string> listed;
  for (int i = 0; i < kHostile; ++i) {
    const std::string path = "/delay/1000?n=" + std::to_string(i);
    const std::string entry =
        "<url><lastmod>2024-01-01</lastmod><loc>{{BASE}}" + path + "</loc></url>";
    one_line += entry;
    lines += entry + "\n";
    listed.push_back(server.url(path));
  }
  write_text(root / "sitemap.xml", one_line + "</urlset>");
  write_text(root / "lines.xml", lines + "</urlset>");
  const json hostile = run_to_max_time(server, listed, "2s");
  const json control = run_to_max_time(server, listed, "2s", "/lines.xml");
  // A ratio of two runs of the same minute, not a clock limit: both end at --max-time, give or
  // take the report. The old parse made the one-line run last over 25 times the control.
  const auto hostile_ms = hostile["run"]["duration_ms"].get<double>();
  const auto control_ms = control["run"]["duration_ms"].get<double>();
  CAPTURE(hostile_ms, control_ms);
  CHECK(hostile_ms < 3 * control_ms);
}

}  // namespace
