// audit_interrupt_test.cpp — SIGINT and SIGTERM in the middle of a 5,000-URL run on /delay/
// routes: exit 130, the report is still written, ok + failed + cancelled + skipped == total,
// and every sitemap URL appears in it exactly once. --max-time ends a run the same way.
//
// The signal is sent when the server's /stats show that checking is well under way, so the
// test does not depend on how fast this machine is.
#include <signal.h>

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
}

TEST_CASE("option max-time stops the run with unchecked URLs cancelled and none lost",
          "[integration][audit][signals]") {
  TempDir root;
  FixtureServer server(root.path().string());
  const std::vector<std::string> listed = delay_site(root, server, 300, 400);
  TempDir out;
  AuditRun run = run_siteaudit(with_common({server.url("/sitemap.xml"), "--workers", "10",
                                            "--max-time", "1s", "--json", out / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(out / "report.json");
  check_report_invariants(report);
  check_listed_once(report, listed);
  CHECK(report["summary"]["cancelled"].get<int>() > 0);
  CHECK(report["summary"]["ok"].get<int>() > 0);
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["run"]["interrupt_reason"].get<std::string>().find("--max-time") !=
        std::string::npos);
  CHECK(server.logged("/delay/") < listed.size());
}

}  // namespace
