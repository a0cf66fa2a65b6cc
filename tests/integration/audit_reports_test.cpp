// audit_reports_test.cpp — the report files and the terminal: JUnit XML that parses (one
// testcase per URL and per expected route, failures with the reason), the Markdown summary,
// --json - on stdout with the human summary moved to stderr, a sitemap on stdin, --quiet,
// --color and NO_COLOR; a summary that cannot be written, and a reader that closes the pipe.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::source_path;

FixtureServer& fixture_server() {
  static FixtureServer server("fixtures/audit");
  return server;
}

// junit_summary() parses a JUnit file with Python's XML parser and returns, as JSON, every
// testcase: {"suite", "name", "failure" (message or null), "skipped" (bool)} plus the root's
// counts. A file that does not parse fails the test with the parser's message.
json junit_summary(const std::string& path) {
  TempDir dir;
  const std::string out = dir / "junit.json";
  const std::string command =
      "python3 -c '"
      "import json, sys, xml.etree.ElementTree as ET\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "cases = []\n"
      "for suite in root.iter(\"testsuite\"):\n"
      "  for case in suite.iter(\"testcase\"):\n"
      "    f = case.find(\"failure\")\n"
      "    cases.append({\"suite\": suite.get(\"name\"), \"name\": case.get(\"name\"),\n"
      "      \"failure\": None if f is None else f.get(\"message\"),\n"
      "      \"skipped\": case.find(\"skipped\") is not None})\n"
      "json.dump({\"root\": root.tag, \"tests\": root.get(\"tests\"),\n"
      "  \"failures\": root.get(\"failures\"), \"cases\": cases}, open(sys.argv[2], \"w\"))\n"
      "' '" +
      path + "' '" + out + "' 2>'" + (dir / "err") + "'";
  const int rc = std::system(command.c_str());
  INFO("JUnit parse: " << read_text(dir / "err"));
  REQUIRE(rc == 0);
  return load_json(out);
}

TEST_CASE("option junit writes XML that parses with one testcase per URL and failure reasons",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run = run_siteaudit(with_common(
      {server.url("/outcomes.xml"), "--exclude", "/private/", "--max-time", "2s", "--timeout",
       "30s", "--retries", "0", "--junit", dir / "junit.xml", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json junit = junit_summary(dir / "junit.xml");
  json report = load_json(dir / "report.json");
  CHECK(junit["root"] == "testsuites");
  std::map<std::string, json> cases;
  for (const json& c : junit["cases"]) cases[c["name"]] = c;
  // Every result is a testcase, named by its URL.
  CHECK(junit["cases"].size() == report["results"].size());
  for (const json& result : report["results"]) {
    const std::string url = result["url"];
    INFO(url);
    REQUIRE(cases.count(url) == 1);
    const json& c = cases[url];
    CHECK(c["failure"].is_null() == (result["outcome"] != "failed"));
    if (result["outcome"] == "skipped") CHECK(c["skipped"] == true);
  }
  CHECK(cases[server.url("/status/404")]["failure"].get<std::string>().find("404") !=
        std::string::npos);
  CHECK(std::stoi(junit["tests"].get<std::string>()) == static_cast<int>(junit["cases"].size()));
  // Jenkins' xUnit plugin reads it: it validates against that plugin's schema.
  validate_junit_schema(dir / "junit.xml");
}

TEST_CASE("option junit has a testcase per expected route and missing ones fail",
          "[integration][audit][reports]") {
  FixtureServer server("fixtures/audit/site");
  TempDir dir;
  const std::string routes = source_path("fixtures/audit/routes.txt");
  AuditRun run = run_siteaudit(
      with_common({server.url("/sitemap.xml"), "--expect", routes, "--junit", dir / "junit.xml"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json junit = junit_summary(dir / "junit.xml");
  std::map<std::string, json> route_cases;
  for (const json& c : junit["cases"]) {
    if (c["name"].get<std::string>().rfind("/", 0) == 0) route_cases[c["name"]] = c;
  }
  CHECK(route_cases.size() == 5);
  REQUIRE(route_cases.count("/contact") == 1);
  CHECK(route_cases["/contact"]["failure"].is_string());
  for (const char* route : {"/", "/about", "/blog/*.html", "/docs/**"}) {
    INFO(route);
    REQUIRE(route_cases.count(route) == 1);
    CHECK(route_cases[route]["failure"].is_null());
  }
}

TEST_CASE("option markdown writes a summary with the failures", "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({server.url("/one-404.xml"), "--markdown", dir / "summary.md"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  const std::string markdown = read_text(dir / "summary.md");
  INFO(markdown);
  CHECK(markdown.rfind("#", 0) == 0);
  CHECK(markdown.find("|") != std::string::npos);  // the counts table
  CHECK(markdown.find(server.url("/status/404")) != std::string::npos);
  CHECK(markdown.find("404") != std::string::npos);
}

TEST_CASE("option json with - writes the report to stdout and the summary to stderr",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  AuditRun run = run_siteaudit(with_common({server.url("/one-404.xml"), "--json", "-"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = json::parse(run.out);  // stdout is the report and nothing else
  check_report_invariants(report);
  CHECK(report["summary"]["total"] == 3);
  CHECK(run.err.find(server.url("/status/404")) != std::string::npos);
}

TEST_CASE("the report's config block is the config file's, typed, and keeps credentials out",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({server.url("/one-404.xml"), "--workers", "8", "--include", "/status/",
                   "--include", "/other/", "--strict", "--rate", "2.5", "--header",
                   "Authorization: Bearer s3cret", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  const json config = load_json(dir / "report.json")["config"];
  INFO(config.dump());
  CHECK(config["input"] == json{server.url("/one-404.xml")});
  CHECK(config["workers"] == 8);
  CHECK(config["per-host"].is_number());
  CHECK(config["rate"] == 2.5);
  CHECK(config["include"] == json{"/status/", "/other/"});
  CHECK(config["strict"] == true);
  CHECK(config["timeout"] == "5s");  // with_common's --timeout, as a config file writes it
  CHECK(config["method"] == "head");
  CHECK_FALSE(config.contains("header"));
  CHECK_FALSE(config.contains("json"));
  CHECK(config.dump().find("s3cret") == std::string::npos);
  // Every key but input is an option --print-config writes.
  AuditRun printed = run_siteaudit({"--print-config"});
  for (const auto& [key, value] : config.items()) {
    if (key == "input") continue;
    INFO("config key " << key);
    const bool written = printed.out.find("\n" + key + " = ") != std::string::npos ||
                         printed.out.find("\n# " + key + " = ") != std::string::npos;
    CHECK(written);
  }
}

TEST_CASE("a sitemap on stdin is read with -", "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const std::string sitemap =
      replace_all(read_text(source_path("fixtures/audit/one-404.xml")), "{{BASE}}", server.base());
  AuditRun run = run_siteaudit(with_common({"-", "--json", dir / "report.json"}), sitemap);
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(
      report, {server.url("/status/200"), server.url("/status/404"), server.url("/status/204")});
}

TEST_CASE("option quiet prints only the failures and option color decides the escapes",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  SECTION("--quiet on a clean site prints nothing") {
    AuditRun run = run_siteaudit(with_common({server.url("/clean.xml"), "--quiet"}));
    CHECK(run.code == 0);
    CHECK(run.out.empty());
    CHECK(run.err.empty());
  }
  SECTION("--quiet still names a failure") {
    AuditRun run = run_siteaudit(with_common({server.url("/one-404.xml"), "--quiet"}));
    CHECK(run.code == 1);
    CHECK((run.out + run.err).find(server.url("/status/404")) != std::string::npos);
    CHECK((run.out + run.err).find(server.url("/status/200")) == std::string::npos);
  }
  SECTION("--color never (with_common) has no escapes; --color always has them") {
    AuditRun plain = run_siteaudit(with_common({server.url("/one-404.xml")}));
    CHECK(plain.out.find('\x1b') == std::string::npos);
    CHECK(plain.out.find(server.url("/status/404")) != std::string::npos);
    std::vector<std::string> args{server.url("/one-404.xml"), "--no-progress", "--color", "always"};
    AuditRun colored = run_siteaudit(args);
    CHECK(colored.out.find('\x1b') != std::string::npos);
  }
}

}  // namespace

TEST_CASE("a summary that cannot be written exits 2 and the report files are still complete",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(full >= 0);
  AuditRun run = run_siteaudit_writing_to(
      with_common({server.url("/clean.xml"), "--json", dir / "report.json"}), full);
  ::close(full);
  CHECK(run.code == 2);
  CHECK(run.err == "siteaudit: writing standard output failed: No space left on device\n");
  check_report_invariants(load_json(dir / "report.json"));
}

TEST_CASE("a reader that closes the pipe ends the run quietly with the audit's status",
          "[integration][audit][reports]") {
  FixtureServer& server = fixture_server();
  for (const char* json_to : {"", "-"}) {
    INFO("--json " << json_to);
    std::vector<std::string> args{server.url("/one-404.xml")};
    if (*json_to != '\0') args.insert(args.end(), {"--json", json_to});
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    ::close(fds[0]);
    AuditRun run = run_siteaudit_writing_to(with_common(args), fds[1]);
    ::close(fds[1]);
    CHECK_FALSE(run.signaled);  // it was killed by SIGPIPE (status 141)
    CHECK(run.code == 1);
    // The summary goes to stderr when the report is on stdout; nothing else is said.
    if (*json_to == '\0') CHECK(run.err.empty());
    if (*json_to != '\0') CHECK(run.err.find("FAILED") != std::string::npos);
  }
}

TEST_CASE("two runs of an unchanged site differ only in timing, with and without --crawl",
          "[integration][audit][reports]") {
  FixtureServer other("fixtures/crawl/other");
  FixtureServer site("fixtures/crawl/site", {"--var", "OTHER=" + other.base()});
  for (const bool crawl : {false, true}) {
    TempDir dir;
    std::vector<json> reports;
    for (const char* name : {"first.json", "second.json"}) {
      std::vector<std::string> args = {site.url("/sitemap.xml"), "--json", dir / name};
      if (crawl) args.insert(args.begin(), "--crawl");
      AuditRun run = run_siteaudit(with_common(args));
      INFO("stderr: " << run.err);
      REQUIRE((run.code == 0 || run.code == 1));
      reports.push_back(untimed(load_json(dir / name)));
    }
    INFO("crawl: " << crawl);
    CHECK(reports[0].dump(1) == reports[1].dump(1));
    if (crawl) CHECK(reports[0]["results"].size() > 20);
  }
}
