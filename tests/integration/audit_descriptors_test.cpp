// audit_descriptors_test.cpp — a descriptor limit (ulimit -n) too low for --workers: the run
// raises what it can, says in one line what it cannot, keeps its connections within the limit,
// and never blames the server for descriptors it ran out of.
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

TEST_CASE("a low descriptor limit lowers the connection cap with a warning, and every URL passes",
          "[integration][audit][limits]") {
  FixtureServer server;
  TempDir dir;
  std::vector<std::string> urls;
  for (int i = 0; i < 300; ++i) urls.push_back(server.url("/delay/300?n=" + std::to_string(i)));
  write_text(dir / "sitemap.xml", urlset(urls));
  // prlimit lowers the hard limit too, so siteaudit cannot raise its way out: 200 descriptors
  // for 1,000 workers and 300 slow pages that would all be open at once.
  const std::string command =
      "prlimit --nofile=200:200 '" + siteaudit_binary() + "' '" + (dir / "sitemap.xml") +
      "' --workers 1000 --per-host 1000 --no-progress --color never --timeout 20s "
      "--json '" +
      (dir / "report.json") + "' >'" + (dir / "out") + "' 2>'" + (dir / "err") + "'";
  const int status = std::system(command.c_str());
  const std::string err = read_text(dir / "err");
  INFO("stderr: " << err);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(err, Catch::Contains("siteaudit: --workers 1000: up to 1002 connections wanted, but "
                                  "the open-file limit is 200 (ulimit -n; hard limit 200): at "
                                  "most "));
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);
  for (const json& result : report["results"]) {
    INFO(result.dump());
    CHECK(result["outcome"] == "ok");
  }
  CHECK(server_json(server, "/stats")["peak_connections_open"].get<int>() < 200);
}

}  // namespace
