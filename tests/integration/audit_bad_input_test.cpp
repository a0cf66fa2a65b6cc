// audit_bad_input_test.cpp — bad input gets a clear error and the right exit code, never a
// crash, a hang or a silent skip: bad flags, unreadable files, unreachable and malformed
// top-level sitemaps (exit 2, one line naming the place), broken children of an index, gzip
// bombs, index cycles, and pages that loop, reset, truncate, stall or never end (exit 1, the
// rest still checked, no URL lost), and URLs of 100,000 characters under --include, --exclude
// and --status-rule url= patterns.
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

FixtureServer& fixture_server() {
  static FixtureServer server("fixtures/audit");
  return server;
}

// expect_usage_error() checks exit 2 with exactly one line on stderr that contains `needle`,
// and that no report was written.
void expect_usage_error(const AuditRun& run, const std::string& needle) {
  INFO("stderr: " << run.err << "stdout: " << run.out);
  CHECK(run.code == 2);
  CHECK_FALSE(run.signaled);
  CHECK(one_line(run.err));
  CHECK(run.err.find(needle) != std::string::npos);
}

TEST_CASE("bad flags exit 2 with one line naming the option", "[integration][audit][input]") {
  FixtureServer server("fixtures/audit");  // fresh: its /log must hold this test alone
  const std::string sitemap = server.url("/clean.xml");
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const std::vector<Case> cases{
      {{sitemap, "--workers", "0"}, "--workers"},
      {{sitemap, "--timeout", "soon"}, "--timeout"},
      {{sitemap, "--redirects", "maybe"}, "--redirects"},
      {{sitemap, "--accept", "200-abc"}, "--accept"},
      {{sitemap, "--accept", "299-200"}, "--accept"},
      {{sitemap, "--status-rule", "host=x 429=perhaps"}, "--status-rule"},
      {{sitemap, "--include", "(unclosed"}, "--include"},
      {{sitemap, "--exclude", "[z-a]"}, "--exclude"},
      {{sitemap, "--rewrite", "no-equals-sign"}, "--rewrite"},
      {{sitemap, "--header", "no colon here"}, "--header"},
      {{sitemap, "--no-such-flag"}, "--no-such-flag"},
  };
  for (const Case& c : cases) {
    INFO(c.args[1] << " " << (c.args.size() > 2 ? c.args[2] : ""));
    expect_usage_error(run_siteaudit(with_common(c.args)), c.needle);
  }
  // Nothing was requested: the options are checked before the first request.
  CHECK(server.logged("/clean.xml") == 0);
}

TEST_CASE("unreadable files exit 2 with one line naming the file", "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const std::string nowhere = dir / "no-such-file.txt";
  expect_usage_error(run_siteaudit(with_common({server.url("/clean.xml"), "--expect", nowhere})),
                     nowhere);
  expect_usage_error(run_siteaudit(with_common({server.url("/clean.xml"), "--config", nowhere})),
                     nowhere);
  expect_usage_error(run_siteaudit(with_common({server.url("/clean.xml"), "--cookies", nowhere})),
                     nowhere);
  // A local sitemap that does not exist is an input error.
  expect_usage_error(run_siteaudit(with_common({nowhere})), nowhere);
  // A report that cannot be written is refused before the audit starts.
  const std::string unwritable = dir / "no-such-dir/report.json";
  expect_usage_error(run_siteaudit(with_common({server.url("/clean.xml"), "--json", unwritable})),
                     unwritable);
}

TEST_CASE("an unreachable or missing top-level sitemap exits 2 naming the URL",
          "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  // Port 1 on 127.0.0.1: nothing listens, the connection is refused at once.
  const std::string refused = "http://127.0.0.1:1/sitemap.xml";
  AuditRun run =
      run_siteaudit(with_common({refused, "--retries", "0", "--json", dir / "report.json"}));
  expect_usage_error(run, refused);
  CHECK(run.err.find("refused") != std::string::npos);

  const std::string missing = server.url("/no-such-sitemap.xml");
  run = run_siteaudit(with_common({missing, "--json", dir / "report.json"}));
  expect_usage_error(run, missing);
  CHECK(run.err.find("404") != std::string::npos);
  // The report is still written, with the failed source.
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["results"].empty());
  REQUIRE(report["sources"].size() == 1);
  CHECK(report["sources"][0]["url"] == missing);
  CHECK(report["sources"][0]["error"].is_string());
  CHECK(report["run"]["exit_code"] == 2);
}

TEST_CASE("an input that lists no URLs exits 2 naming it, unless allow-empty is given",
          "[integration][audit][input]") {
  TempDir root;
  write_text(root / "empty.xml", "");
  FixtureServer server(root.path().string());
  TempDir dir;
  SECTION("/dev/null") {
    AuditRun run = run_siteaudit(with_common({"/dev/null", "--json", dir / "report.json"}));
    expect_usage_error(run,
                       "/dev/null: no URLs found (use --allow-empty to accept an empty input)");
    CHECK(load_json(dir / "report.json")["run"]["exit_code"] == 2);
  }
  SECTION("a 0-byte sitemap over HTTP") {
    const std::string url = server.url("/empty.xml");
    expect_usage_error(run_siteaudit(with_common({url})), url + ": no URLs found");
    CHECK(server.logged("/empty.xml") == 1);
  }
  SECTION("a UTF-16 file") {
    const std::string path = dir / "utf16.xml";
    std::string text = "\xFF\xFE";
    for (char c : urlset({server.url("/status/200")})) {
      text += c;
      text += '\0';
    }
    write_text(path, text);
    expect_usage_error(run_siteaudit(with_common({path})), path + ": UTF-16 text");
    CHECK(server.logged("/status/200") == 0);
  }
  SECTION("binary data") {
    const std::string path = dir / "image.png";
    write_text(path, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    expect_usage_error(run_siteaudit(with_common({path})), path + ": binary data");
  }
  SECTION("an HTML page says what it is and what to give instead, with no summary") {
    write_text(root / "page.html", "<!DOCTYPE html><html><body><a href=/a>a</a></body></html>\n");
    const std::string url = server.url("/page.html");
    AuditRun run = run_siteaudit(with_common({url, "--json", dir / "report.json"}));
    expect_usage_error(run, url + ": this is an HTML page, not a sitemap: name the site's sitemap");
    CHECK(run.err.find("or add --crawl") != std::string::npos);
    CHECK(run.out.empty());  // no empty summary after the error
    CHECK(load_json(dir / "report.json")["run"]["exit_code"] == 2);
  }
  SECTION("a local HTML page, with or without --crawl, asks for the page's URL") {
    // A file or standard input has no URL to resolve the page's links against or to fetch.
    const std::string page = "<!DOCTYPE html><a href=/a>a</a>\n";
    write_text(dir / "page.html", page);
    const std::string path = dir / "page.html";
    expect_usage_error(run_siteaudit(with_common({path})),
                       path +
                           ": this is an HTML page, not a sitemap: name the site's sitemap, or "
                           "give the page's URL with --crawl to check it and its links");
    expect_usage_error(run_siteaudit(with_common({"--crawl", path})),
                       path +
                           ": this is an HTML page, not a sitemap: name the site's sitemap, or "
                           "give the page's URL to check it and its links");
    expect_usage_error(run_siteaudit(with_common({"--crawl", "-"}), page),
                       "-: this is an HTML page, not a sitemap: name the site's sitemap, or give "
                       "the page's URL to check it and its links");
  }
  SECTION("with --allow-empty an empty input passes") {
    AuditRun run =
        run_siteaudit(with_common({"/dev/null", "--allow-empty", "--json", dir / "report.json"}));
    INFO("stderr: " << run.err);
    CHECK(run.code == 0);
    json report = load_json(dir / "report.json");
    check_report_invariants(report);
    CHECK(report["summary"]["total"] == 0);
  }
}

TEST_CASE("a local sitemap index lists files relative to it", "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  write_text(dir / "index.xml",
             "<sitemapindex>\n"
             "  <sitemap><loc>pages.xml</loc></sitemap>\n"
             "  <sitemap><loc>more/list.txt</loc></sitemap>\n"
             "</sitemapindex>\n");
  write_text(dir / "pages.xml", urlset({server.url("/status/200?relative=1")}));
  fs::create_directories(dir.path() / "more");
  write_text(dir / "more/list.txt", server.url("/status/200?relative=2") + "\n");
  // Run from another directory: the children are found beside the index, not in the cwd.
  AuditProcess process(with_common({dir / "index.xml", "--json", dir / "report.json"}), {},
                       fs::temp_directory_path());
  AuditRun run = process.wait();
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report,
                    {server.url("/status/200?relative=1"), server.url("/status/200?relative=2")});
  REQUIRE(report["sources"].size() == 3);
  CHECK(report["sources"][1]["url"] == dir / "pages.xml");
  CHECK(report["sources"][2]["url"] == dir / "more/list.txt");
}

TEST_CASE("a control character in a loc is a finding and no cut URL is requested",
          "[integration][audit][input]") {
  FixtureServer server("fixtures/audit");  // fresh: its /log must hold this test alone
  TempDir dir;
  write_text(dir / "sitemap.xml",
             urlset({server.url("/status/200?nul=a&#0;b"), server.url("/status/200?clean=1")}));
  AuditRun run = run_siteaudit(with_common({dir / "sitemap.xml", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, {server.url("/status/200?clean=1")});
  const json& warnings = report["sources"][0]["warnings"];
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["code"] == "control_character_in_url");
  CHECK(warnings[0]["line"] == 3);
  CHECK(warnings[0]["message"] == server.url("/status/200?nul=a\\x00b") +
                                      " contains the control character U+0000; not checked");
  // Neither the URL cut at the NUL nor anything else of it was requested.
  CHECK(server.logged("/status/200?nul") == 0);
  CHECK(server.logged("/status/200?clean=1") == 1);
  // --strict makes the finding fail the run.
  CHECK(run_siteaudit(with_common({dir / "sitemap.xml", "--strict"})).code == 1);
}

TEST_CASE("malformed and truncated top-level XML exit 2 with file and line and column",
          "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  SECTION("a mismatched end tag") {
    // malformed.xml: line 5 closes </urlset> while <url> of line 4 is still open.
    const std::string url = server.url("/malformed.xml");
    AuditRun run = run_siteaudit(with_common({url, "--json", dir / "report.json"}));
    expect_usage_error(run, url + ":5:");
  }
  SECTION("a document cut off in the middle") {
    const std::string url = server.url("/truncated.xml");
    AuditRun run = run_siteaudit(with_common({url, "--json", dir / "report.json"}));
    expect_usage_error(run, url + ":");
  }
  SECTION("a local file names the path, line and column") {
    const std::string path = dir / "local.xml";
    write_text(path, replace_all(
                         read_text(siteaudit::testing::source_path("fixtures/audit/malformed.xml")),
                         "{{BASE}}", server.base()));
    AuditRun run = run_siteaudit(with_common({path}));
    expect_usage_error(run, path + ":5:");
  }
}

TEST_CASE("a gzip bomb stops at the size cap", "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  SECTION("as the top-level sitemap: exit 2 naming the cap") {
    const std::string url = server.url("/gzip-bomb.xml.gz");
    AuditRun run = run_siteaudit(with_common({url, "--max-sitemap-size", "1MiB"}));
    expect_usage_error(run, url);
    CHECK(run.err.find("1048576") != std::string::npos);
  }
  SECTION("as a child of an index: a failed source, the rest checked, exit 1") {
    AuditRun run =
        run_siteaudit(with_common({server.url("/index-bomb-child.xml"), "--max-sitemap-size",
                                   "1MiB", "--json", dir / "report.json"}));
    INFO("stderr: " << run.err);
    CHECK(run.code == 1);
    json report = load_json(dir / "report.json");
    check_report_invariants(report);
    bool found = false;
    for (const json& source : report["sources"]) {
      if (source["url"] == server.url("/gzip-bomb.xml.gz")) {
        found = true;
        REQUIRE(source["error"].is_string());
        CHECK(source["error"].get<std::string>().find("1048576") != std::string::npos);
        CHECK(source["parent"] == server.url("/index-bomb-child.xml"));
      }
    }
    CHECK(found);
    check_listed_once(report, {server.url("/status/200"), server.url("/status/204"),
                               server.url("/headers?Content-Type=text/html"), server.url("/echo")});
    CHECK(report["summary"]["ok"] == 4);
  }
}

TEST_CASE("a broken child sitemap in an index fails its source and the rest are checked",
          "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({server.url("/index-broken-child.xml"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  std::map<std::string, json> sources;
  for (const json& source : report["sources"]) sources[source["url"]] = source;
  REQUIRE(sources.count(server.url("/malformed.xml")) == 1);
  REQUIRE(sources.count(server.url("/no-such-sitemap.xml")) == 1);
  const json& malformed = sources[server.url("/malformed.xml")];
  REQUIRE(malformed["error"].is_string());
  CHECK(malformed["error"].get<std::string>().find(":5:") != std::string::npos);
  CHECK(sources[server.url("/no-such-sitemap.xml")]["error"].is_string());
  CHECK(sources[server.url("/clean.xml")]["error"].is_null());
  CHECK(sources[server.url("/one-404.xml")]["error"].is_null());
  // clean.xml and one-404.xml share /status/200 and /status/204: each is reported once. The
  // URL malformed.xml listed before its error is reported too, or not at all, but never twice.
  std::vector<std::string> listed{server.url("/status/200"), server.url("/status/204"),
                                  server.url("/headers?Content-Type=text/html"),
                                  server.url("/echo"), server.url("/status/404")};
  auto results = results_by_url(report);
  CHECK(results.size() == listed.size());
  for (const std::string& url : listed) CHECK(results.count(url) == 1);
  CHECK(report["summary"]["duplicates"].get<int>() >= 2);
}

TEST_CASE("a child sitemap that fails transiently is retried per --retries, then reported",
          "[integration][audit][input]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  // Each run has its own keys: the fixture server counts /retry-after per key.
  const std::string failing = server.url("/status/503?key=retried-child");
  const std::string recovering = server.url("/retry-after/0?key=retried-sibling");
  write_text(dir / "index.xml",
             "<?xml version=\"1.0\"?>\n<sitemapindex "
             "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<sitemap><loc>" +
                 failing + "</loc></sitemap>\n<sitemap><loc>" + recovering +
                 "</loc></sitemap>\n</sitemapindex>\n");
  AuditRun run = run_siteaudit(with_common({dir / "index.xml", "--retries", "1", "--retry-max-wait",
                                            "50ms", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  std::map<std::string, json> sources;
  for (const json& source : report["sources"]) sources[source["url"]] = source;
  REQUIRE(sources.count(failing) == 1);
  CHECK(sources[failing]["error"] == failing + ": HTTP status 503 (gave up after 2 attempts)");
  REQUIRE(sources.count(recovering) == 1);
  CHECK(sources[recovering]["error"].is_null());
  CHECK(server.logged("/status/503?key=retried-child") == 2);
  CHECK(server.logged("/retry-after/0?key=retried-sibling") == 2);
}

TEST_CASE("a sitemap index cycle is reported and every page checked once",
          "[integration][audit][input]") {
  FixtureServer server("fixtures/audit");
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({server.url("/cycle-a.xml"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);  // one-404.xml's 404
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, {server.url("/status/200"), server.url("/status/204"),
                             server.url("/headers?Content-Type=text/html"), server.url("/echo"),
                             server.url("/status/404")});
  // Each index was fetched once: the cycle was cut, not followed.
  CHECK(server.logged("/cycle-a.xml") == 1);
  CHECK(server.logged("/cycle-b.xml") == 1);
  // cycle-b.xml's link back to cycle-a.xml is a warning naming the cycle, not an error.
  bool named = false;
  for (const json& source : report["sources"]) {
    CHECK(source["error"].is_null());
    for (const json& warning : source["warnings"]) {
      if (warning["code"] != "sitemap_already_loaded") continue;
      named = true;
      CHECK(warning["where"] == server.url("/cycle-b.xml"));
      CHECK(warning["message"].get<std::string>().find(server.url("/cycle-a.xml")) !=
            std::string::npos);
    }
  }
  CHECK(named);
  // An index counts the sitemaps it lists.
  CHECK(report["sources"][0]["url"] == server.url("/cycle-a.xml"));
  CHECK(report["sources"][0]["urls"] == 2);
}

TEST_CASE("pages that loop or reset or truncate or stall or never end fail and nothing is lost",
          "[integration][audit][input]") {
  FixtureServer server;
  TempDir dir;
  const std::vector<std::string> urls{server.url("/redirect-loop"),
                                      server.url("/reset"),
                                      server.url("/truncate"),
                                      server.url("/delay/5000"),
                                      server.url("/huge"),
                                      server.url("/status/200"),
                                      server.url("/slow-body?bytes=20&interval_ms=200")};
  std::string text;
  for (const std::string& url : urls) text += url + "\n";
  write_text(dir / "urls.txt", text);
  AuditRun run = run_siteaudit(
      with_common({dir / "urls.txt", "--method", "get", "--timeout", "1s", "--retries", "0",
                   "--max-body", "256KiB", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);
  auto results = results_by_url(report);
  auto expect_failed = [&](const std::string& path, const std::string& kind) {
    const json& result = results.at(server.url(path));
    INFO(path << ": " << result.dump());
    CHECK(result["outcome"] == "failed");
    CHECK(result["error_kind"] == kind);
    CHECK(result["error"].is_string());
  };
  expect_failed("/redirect-loop", "redirect_loop");
  expect_failed("/reset", "reset");
  expect_failed("/truncate", "reset");
  expect_failed("/delay/5000", "timeout");
  expect_failed("/slow-body?bytes=20&interval_ms=200", "timeout");
  expect_failed("/huge", "body_too_large");
  CHECK(results.at(server.url("/huge"))["bytes"].get<std::uint64_t>() <= 256 * 1024);
  CHECK(results.at(server.url("/status/200"))["outcome"] == "ok");
  // A timed-out request says how long it waited: the --timeout, not another limit (not failing
  // yet: see the open connect-phase message bug in audit_timeout_test.cpp).
  CHECK_NOFAIL(results.at(server.url("/delay/5000"))["error"].get<std::string>().find("1000 ms") !=
               std::string::npos);
  // The client hung up on /huge: nothing is left in flight on the server.
  CHECK(wait_until([&] { return server_json(server, "/stats")["in_flight"] == 0; }));
}

TEST_CASE("a URL of 100000 characters passes every kind of pattern without a crash",
          "[integration][audit][input]") {
  // std::regex recursed once per character on a worker fiber's 64 KiB stack: such a URL
  // ended the run with SIGSEGV and no report. RecordingServer takes a head of any length.
  RecordingServer server;
  TempDir dir;
  const std::string keep = server.url("/keep/"), drop = server.url("/drop/");
  const std::vector<std::string> urls{keep + std::string(100'000 - keep.size(), 'a'),
                                      drop + std::string(100'000 - drop.size(), 'b'),
                                      server.url("/short")};
  write_text(dir / "sitemap.xml", urlset(urls));
  AuditRun run = run_siteaudit(
      with_common({dir / "sitemap.xml", "--json", dir / "report.json", "--include",
                   R"(^http://127\.0\.0\.1:\d+/(keep/a+|drop/b*|short)$)", "--exclude",
                   "/drop/(b|c)*$", "--status-rule", "url=/keep/a*a+$ 200=warn"}));
  INFO("stderr: " << run.err);
  CHECK_FALSE(run.signaled);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, urls);
  auto results = results_by_url(report);
  const json& kept = results.at(urls[0]);
  CHECK(kept["outcome"] == "ok");
  REQUIRE(kept["findings"].size() == 1);
  CHECK(kept["findings"][0]["code"] == "status");
  CHECK(kept["findings"][0]["severity"] == "warning");
  CHECK(results.at(urls[1])["outcome"] == "skipped");
  CHECK(results.at(urls[1])["error_kind"] == "excluded");
  CHECK(results.at(urls[2])["outcome"] == "ok");
  CHECK(results.at(urls[2])["findings"].empty());
  CHECK(server.heads().size() == 2);
}

}  // namespace
