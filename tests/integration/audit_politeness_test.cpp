// audit_politeness_test.cpp — how much and what siteaudit asks of a site: --rate (spacing seen
// by the server's clock), --workers (the server's peak concurrency), --max-urls,
// --include/--exclude (skipped URLs are never requested), --rewrite (requests go to the other
// origin, the report keeps the listed URL), and --config TOML.
#include <algorithm>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

// write_urls() writes a text sitemap of `urls` and returns its path.
std::string write_urls(const TempDir& dir, const std::vector<std::string>& urls) {
  std::string text;
  for (const std::string& url : urls) text += url + "\n";
  const std::string path = dir / "urls.txt";
  write_text(path, text);
  return path;
}

// page_times() returns the server's timestamps of requests whose path starts with `prefix`.
std::vector<double> page_times(const FixtureServer& server, std::string_view prefix) {
  std::vector<double> times;
  for (const json& entry : server_json(server, "/log")) {
    if (entry["path"].get<std::string>().rfind(prefix, 0) == 0) times.push_back(entry["t"]);
  }
  return times;
}

TEST_CASE("option rate spaces the requests to one host", "[integration][audit][politeness]") {
  FixtureServer server;
  TempDir dir;
  constexpr double kRate = 20;
  std::vector<std::string> urls;
  for (int i = 0; i < 21; ++i) urls.push_back(server.url("/status/200?n=" + std::to_string(i)));
  AuditRun run = run_siteaudit(with_common(
      {write_urls(dir, urls), "--rate", "20", "--workers", "8", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);

  std::vector<double> times = page_times(server, "/status/");
  REQUIRE(times.size() == urls.size());
  std::sort(times.begin(), times.end());
  // The first request spends the bucket's one token; each later one waits 1/rate for its own,
  // so any k + 1 consecutive requests span at least k / rate on the server's clock. The server
  // stamps a request when it has read it, and on a loaded 2-core machine that read can come
  // late and shorten the next gaps (a 30 ms allowance failed so, and 100 ms at a load average
  // of 10): allow 250 ms, five request slots. The whole run still spans at least 0.75 s, where
  // without the limit all 21 requests would land within a few milliseconds.
  for (std::size_t i = 0; i < times.size(); ++i) {
    for (std::size_t j = i + 1; j < times.size(); ++j) {
      INFO("requests " << i << " and " << j << " are " << times[j] - times[i] << " s apart");
      CHECK(times[j] - times[i] >= static_cast<double>(j - i) / kRate - 0.25);
    }
  }
}

TEST_CASE("option workers bounds the requests in flight", "[integration][audit][politeness]") {
  FixtureServer server;
  TempDir dir;
  std::vector<std::string> urls;
  for (int i = 0; i < 24; ++i) urls.push_back(server.url("/delay/200?n=" + std::to_string(i)));
  const std::string sitemap = write_urls(dir, urls);

  for (const char* workers : {"1", "4"}) {
    INFO("--workers " << workers);
    (void)server.get("/stats?reset=1");
    AuditRun run =
        run_siteaudit(with_common({sitemap, "--workers", workers, "--json", dir / "report.json"}));
    INFO("stderr: " << run.err);
    CHECK(run.code == 0);
    json report = load_json(dir / "report.json");
    check_listed_once(report, urls);
    json stats = server_json(server, "/stats");
    const int peak = stats["by_prefix"]["/delay"]["peak_in_flight"];
    CHECK(peak <= std::stoi(workers));
    // The pool really is that wide: with 24 slow pages every worker gets busy at once.
    CHECK(peak == std::stoi(workers));
    CHECK(stats["by_prefix"]["/delay"]["requests"] == 24);
  }
}

TEST_CASE("option max-urls stops loading after N URLs", "[integration][audit][politeness]") {
  FixtureServer server;
  TempDir dir;
  std::vector<std::string> urls;
  for (int i = 0; i < 50; ++i) urls.push_back(server.url("/status/200?n=" + std::to_string(i)));
  AuditRun run = run_siteaudit(
      with_common({write_urls(dir, urls), "--max-urls", "10", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK((run.code == 0 || run.code == 1));
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, std::vector<std::string>(urls.begin(), urls.begin() + 10));
  CHECK(server.logged("/status/") == 10);
}

TEST_CASE("options include and exclude skip URLs without requesting them",
          "[integration][audit][politeness]") {
  FixtureServer server;
  TempDir dir;
  const std::vector<std::string> urls{server.url("/status/200"), server.url("/status/404"),
                                      server.url("/status/500"), server.url("/delay/10"),
                                      server.url("/echo")};
  AuditRun run =
      run_siteaudit(with_common({write_urls(dir, urls), "--include", "/status/", "--exclude",
                                 "/status/[45]", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);  // the 404 and 500 are skipped, not failed
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);
  auto results = results_by_url(report);
  CHECK(results.at(server.url("/status/200"))["outcome"] == "ok");
  for (const char* path : {"/status/404", "/status/500", "/delay/10", "/echo"}) {
    const json& result = results.at(server.url(path));
    INFO(path);
    CHECK(result["outcome"] == "skipped");
    CHECK(result["error_kind"] == "excluded");
    CHECK(result["error"].get<std::string>().find(std::string(path).rfind("/status/", 0) == 0
                                                      ? "--exclude"
                                                      : "--include") != std::string::npos);
  }
  CHECK(report["summary"]["skipped"] == 4);
  CHECK(requested(server) == std::vector<std::string>{"HEAD /status/200"});
}

TEST_CASE("option rewrite sends the checks to another origin and reports the listed URLs",
          "[integration][audit][politeness]") {
  FixtureServer production;
  FixtureServer preview;
  TempDir dir;
  const std::vector<std::string> listed{
      production.url("/status/200"), production.url("/status/204"), production.url("/status/404")};
  AuditRun run = run_siteaudit(
      with_common({write_urls(dir, listed), "--rewrite", production.base() + "=" + preview.base(),
                   "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, listed);
  for (const json& result : report["results"]) {
    const std::string url = result["url"];
    INFO(url);
    CHECK(result["check_url"] == preview.base() + url.substr(production.base().size()));
  }
  CHECK(results_by_url(report).at(production.url("/status/404"))["status"] == 404);
  // Production never heard from siteaudit; the preview got every check.
  CHECK(server_json(production, "/log").empty());
  std::vector<std::string> got = requested(preview);
  std::sort(got.begin(), got.end());
  // The 404 is confirmed with GET, on the preview too.
  CHECK(got == std::vector<std::string>{"GET /status/404", "HEAD /status/200", "HEAD /status/204",
                                        "HEAD /status/404"});
}

TEST_CASE("option config reads options from TOML and the command line wins",
          "[integration][audit][politeness]") {
  FixtureServer server;
  TempDir dir;
  const std::vector<std::string> urls{server.url("/status/200"),    server.url("/status/404"),
                                      server.url("/private/a"),     server.url("/delay/200?n=1"),
                                      server.url("/delay/200?n=2"), server.url("/delay/200?n=3")};
  const std::string sitemap = write_urls(dir, urls);
  write_text(dir / "siteaudit.toml",
             "# config for the integration test\n"
             "input = ['" +
                 sitemap +
                 "']\n"
                 "workers = 1\n"
                 "accept = '200-299,404'\n"
                 "exclude = ['/private/']\n"
                 "header = ['X-From-Config: 1']\n"
                 "json = '" +
                 (dir / "report.json") +
                 "'\n"
                 "no-progress = true\n"
                 "timeout = '5s'\n");

  AuditRun run = run_siteaudit({"--config", dir / "siteaudit.toml", "--color", "never"});
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);  // the 404 passes through the file's accept
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);
  CHECK(results_by_url(report).at(server.url("/private/a"))["outcome"] == "skipped");
  CHECK(server_json(server, "/stats")["by_prefix"]["/delay"]["peak_in_flight"] == 1);
  CHECK(server.logged("/private/") == 0);

  // The command line's --accept replaces the file's: now the 404 fails.
  run = run_siteaudit({"--config", dir / "siteaudit.toml", "--accept", "200-299"});
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  report = load_json(dir / "report.json");
  CHECK(results_by_url(report).at(server.url("/status/404"))["outcome"] == "failed");

  // A key that is not an option is an error naming it.
  write_text(dir / "bad.toml", "input = ['" + sitemap + "']\nworkerz = 3\n");
  run = run_siteaudit({"--config", dir / "bad.toml"});
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("workerz") != std::string::npos);
}

}  // namespace

TEST_CASE("option respect-robots skips disallowed URLs unrequested and honours Crawl-delay",
          "[integration][audit][politeness]") {
  FixtureServer server("fixtures/audit/robots-site");
  TempDir dir;
  // The site root: robots.txt names the sitemap, disallows /status/404, Crawl-delay: 0.5.
  AuditRun run = run_siteaudit(
      with_common({server.url("/"), "--respect-robots", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);  // the 404 is skipped, never judged
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, {server.url("/status/200?n=1"), server.url("/status/404"),
                             server.url("/status/200?n=2"), server.url("/status/200?n=3")});
  const json disallowed = result_for(report, server.url("/status/404"));
  CHECK(disallowed["outcome"] == "skipped");
  CHECK(disallowed["error_kind"] == "robots");
  CHECK(server.logged("/status/404") == 0);
  // The robots.txt the loader read to find the sitemap is the one the rules come from.
  CHECK(server.logged("/robots.txt") == 1);

  std::vector<double> times = page_times(server, "/status/200");
  REQUIRE(times.size() == 3);
  std::sort(times.begin(), times.end());
  // The server stamps a request when it has read it, which on a loaded machine can come late
  // and shorten the next gap: 250 ms of allowance, where without the delay the gaps would be
  // a few milliseconds.
  for (std::size_t i = 1; i < times.size(); ++i) {
    INFO("gap " << i << ": " << times[i] - times[i - 1]);
    CHECK(times[i] - times[i - 1] >= 0.5 - 0.25);
  }
  CHECK(times.back() - times.front() >= 1.0 - 0.25);
}

TEST_CASE("a Crawl-delay of a day is capped with a finding, and --max-time still ends the run",
          "[integration][audit][politeness]") {
  TempDir dir;
  write_text(dir / "robots.txt",
             "User-agent: *\nCrawl-delay: 86400\nSitemap: {{BASE}}/sitemap.xml\n");
  write_text(dir / "sitemap.xml", urlset({"{{BASE}}/status/200?n=1", "{{BASE}}/status/200?n=2",
                                          "{{BASE}}/status/200?n=3"}));
  FixtureServer server(dir.path().string());
  // Without the cap the second request would wait a day; with it, 60 s, which --max-time cuts.
  AuditRun run = run_siteaudit(with_common(
      {server.url("/"), "--respect-robots", "--max-time", "2s", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);  // the URLs not reached are cancelled
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["run"]["interrupt_reason"] == "--max-time");
  CHECK(report["summary"]["cancelled"] == 2);
  int capped = 0;
  for (const json& result : report["results"]) {
    for (const json& finding : result["findings"]) {
      if (finding["code"] != "crawl_delay_capped") continue;
      ++capped;
      CHECK_THAT(finding["message"].get<std::string>(),
                 Catch::Contains("Crawl-delay of 86400 s; siteaudit waits at most 60 s"));
    }
  }
  CHECK(capped == 1);
  CHECK(server.logged("/status/200") == 1);
  // The person watching hears of it while the run waits, not only in the report.
  CHECK_THAT(run.err, Catch::Contains("siteaudit: warning: robots.txt of 127.0.0.1 asks for a "
                                      "Crawl-delay of 86400 s"));
}

TEST_CASE("option rewrite warns of a rule that matched no URL, and --strict fails on it",
          "[integration][audit][politeness]") {
  FixtureServer production;
  FixtureServer preview;
  TempDir dir;
  const std::string urls = write_urls(dir, {production.url("/status/200")});
  // A typo'd FROM (https for http) matches nothing: every check goes to production.
  const std::string typo = "https://" + production.base().substr(7) + "=" + preview.base();
  AuditRun run =
      run_siteaudit(with_common({urls, "--rewrite", production.base() + "=" + preview.base(),
                                 "--rewrite", typo, "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);  // a warning
  json report = load_json(dir / "report.json");
  validate_schema(dir / "report.json");
  const json& warnings = report["sources"][0]["warnings"];
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["code"] == "rewrite_unused");
  CHECK(warnings[0]["message"] == "--rewrite '" + typo + "' matched no URL");
  AuditRun strict = run_siteaudit(
      with_common({urls, "--rewrite", typo, "--strict", "--json", dir / "strict.json"}));
  CHECK(strict.code == 1);
  CHECK(strict.out.find("1 failure under --strict (1 warning)") != std::string::npos);
}
