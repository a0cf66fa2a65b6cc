// audit_outcomes_test.cpp — what one URL's check turns into: exit codes 0 and 1, every outcome
// kind in one schema-valid report, HEAD→GET fallback, retries, redirects modes, --accept,
// --status-rule, --method get, --slow, --content-type, and the request headers siteaudit sends.
//
// Each test runs the real binary against fixtures/server/server.py serving fixtures/audit/, and
// proves what happened on the wire with the server's /log rather than with timings.
#include <algorithm>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

// fixture_server() serves fixtures/audit/ (its {{BASE}} becomes the server's origin).
FixtureServer& fixture_server() {
  static FixtureServer server("fixtures/audit");
  return server;
}

// finding_codes() lists the codes of a result's findings.
std::vector<std::string> finding_codes(const json& result) {
  std::vector<std::string> codes;
  for (const json& finding : result.at("findings")) codes.push_back(finding.at("code"));
  return codes;
}

// audit_urls() writes `urls` as a text sitemap in `dir`, runs siteaudit on it with `extra`
// flags and a JSON report, and returns the exit status and the report.
struct Audited {
  AuditRun run;
  json report;
};
Audited audit_urls(const TempDir& dir, const std::vector<std::string>& urls,
                   std::vector<std::string> extra = {}) {
  std::string text;
  for (const std::string& url : urls) text += url + "\n";
  write_text(dir / "urls.txt", text);
  std::vector<std::string> args{dir / "urls.txt", "--json", dir / "report.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Audited audited{run_siteaudit(with_common(args)), {}};
  INFO("stderr: " << audited.run.err);
  REQUIRE((audited.run.code == 0 || audited.run.code == 1));
  audited.report = load_json(dir / "report.json");
  check_report_invariants(audited.report);
  check_listed_once(audited.report, urls);
  return audited;
}

TEST_CASE("a clean site exits 0 with every URL ok", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({server.url("/clean.xml"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, {server.url("/status/200"), server.url("/status/204"),
                             server.url("/headers?Content-Type=text/html"), server.url("/echo")});
  CHECK(report["summary"]["ok"] == 4);
  CHECK(report["run"]["exit_code"] == 0);
  CHECK(report["run"]["interrupted"] == false);
  CHECK(report["sources"].size() == 1);
  CHECK(report["sources"][0]["kind"] == "urlset");
  CHECK(report["sources"][0]["error"].is_null());
  validate_schema(dir / "report.json");
}

TEST_CASE("a 404 exits 1 and names the URL and status and sitemap", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({server.url("/one-404.xml"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  auto results = results_by_url(report);
  const json& missing = results.at(server.url("/status/404"));
  CHECK(missing["outcome"] == "failed");
  CHECK(missing["status"] == 404);
  CHECK(missing["error_kind"] == "status");
  CHECK(missing["source"] == server.url("/one-404.xml"));
  CHECK(missing["line"] == 5);
  CHECK(results.at(server.url("/status/200"))["outcome"] == "ok");
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["summary"]["status"]["4xx"] == 1);
  CHECK(report["run"]["exit_code"] == 1);
}

TEST_CASE("one report holds every outcome kind and validates against the schema",
          "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  // --max-time cancels the three /delay/20000 pages; the rest finish long before.
  AuditRun run = run_siteaudit(with_common(
      {server.url("/outcomes.xml"), "--json", dir / "report.json", "--exclude", "/private/",
       "--workers", "4", "--max-time", "2s", "--timeout", "30s", "--retries", "0"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  validate_schema(dir / "report.json");
  check_listed_once(
      report,
      {server.url("/status/200"), server.url("/no-head"), server.url("/redirect/2"),
       server.url("/status/404"), server.url("/redirect-loop"),
       server.url("/headers?X-Robots-Tag=noindex"), server.url("/private/draft"),
       server.url("/delay/20000?a"), server.url("/delay/20000?b"), server.url("/delay/20000?c")});
  auto results = results_by_url(report);

  const json& plain = results.at(server.url("/status/200"));
  CHECK(plain["outcome"] == "ok");
  CHECK(plain["method"] == "HEAD");
  CHECK(plain["attempts"] == 1);
  CHECK(plain["lastmod"] == "2020-01-01");
  CHECK(plain["line"] == 5);

  const json& no_head = results.at(server.url("/no-head"));
  CHECK(no_head["outcome"] == "ok");
  CHECK(no_head["method"] == "GET");
  CHECK(no_head["fell_back_to_get"] == true);

  const json& redirected = results.at(server.url("/redirect/2"));
  CHECK(redirected["outcome"] == "ok");
  CHECK(redirected["redirects"].size() == 2);
  CHECK(redirected["redirects"][0]["status"] == 302);
  CHECK(redirected["redirects"][0]["location"] == server.url("/redirect/1"));
  CHECK(redirected["final_url"] == server.url("/redirect/0"));
  CHECK(finding_codes(redirected) == std::vector<std::string>{"redirected_url"});

  const json& missing = results.at(server.url("/status/404"));
  CHECK(missing["outcome"] == "failed");
  CHECK(missing["error_kind"] == "status");

  const json& loop = results.at(server.url("/redirect-loop"));
  CHECK(loop["outcome"] == "failed");
  CHECK(loop["error"].is_string());
  CHECK(loop["error_kind"].is_string());

  const json& noindex = results.at(server.url("/headers?X-Robots-Tag=noindex"));
  CHECK(noindex["outcome"] == "ok");
  CHECK(finding_codes(noindex) == std::vector<std::string>{"noindex"});

  const json& excluded = results.at(server.url("/private/draft"));
  CHECK(excluded["outcome"] == "skipped");
  CHECK(excluded["error_kind"] == "excluded");
  CHECK(excluded["status"].is_null());
  CHECK(excluded["method"].is_null());
  CHECK(excluded["attempts"] == 0);

  for (const char* path : {"/delay/20000?a", "/delay/20000?b", "/delay/20000?c"}) {
    const json& slow = results.at(server.url(path));
    INFO(path);
    CHECK(slow["outcome"] == "cancelled");
    CHECK(slow["error_kind"] == "cancelled");
  }
  CHECK(report["summary"]["duplicates"] == 1);
  CHECK(report["summary"]["ok"] == 4);
  CHECK(report["summary"]["failed"] == 2);
  CHECK(report["summary"]["skipped"] == 1);
  CHECK(report["summary"]["cancelled"] == 3);
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["run"]["interrupt_reason"].get<std::string>().find("--max-time") !=
        std::string::npos);
  CHECK(report["sources"][0]["warnings"][0]["code"] == "duplicate_url");
}

TEST_CASE("HEAD refused with 405 falls back to GET and the result says so",
          "[integration][audit]") {
  FixtureServer server;  // a fresh server: its /log holds this test's requests only
  TempDir dir;
  Audited audited = audit_urls(dir, {server.url("/no-head")});
  CHECK(audited.run.code == 0);
  const json& result = audited.report["results"][0];
  CHECK(result["fell_back_to_get"] == true);
  CHECK(result["method"] == "GET");
  CHECK(result["status"] == 200);
  CHECK(result["bytes"].get<int>() > 0);
  CHECK(requested(server) == std::vector<std::string>{"HEAD /no-head", "GET /no-head"});
}

TEST_CASE("a failing HEAD is confirmed with GET before the URL is called broken",
          "[integration][audit]") {
  FixtureServer server;  // a fresh server: its /log holds this test's requests only
  TempDir dir;
  // A broken HEAD handler (404 and 403 for a page GET serves); a real 404; an accepted 404
  // and a 429, which GET is not asked about.
  Audited audited = audit_urls(
      dir,
      {server.url("/head-status/404"), server.url("/head-status/403"), server.url("/status/404"),
       server.url("/status/410"), server.url("/head-status/429")},
      {"--accept", "200-299,410", "--retries", "0"});
  CHECK(audited.run.code == 1);
  const auto results = results_by_url(audited.report);
  for (const char* path : {"/head-status/404", "/head-status/403"}) {
    const json& ok = results.at(server.url(path));
    CHECK(ok["outcome"] == "ok");
    CHECK(ok["fell_back_to_get"] == true);
    CHECK(ok["method"] == "GET");
    CHECK(ok["status"] == 200);
  }
  const json& gone = results.at(server.url("/status/404"));
  CHECK(gone["outcome"] == "failed");
  CHECK(gone["fell_back_to_get"] == true);
  CHECK(gone["method"] == "GET");
  CHECK(gone["status"] == 404);
  CHECK(results.at(server.url("/status/410"))["outcome"] == "ok");
  CHECK(results.at(server.url("/head-status/429"))["outcome"] == "failed");
  const std::vector<std::string> log = requested(server);
  const auto count = [&](const std::string& line) {
    return std::count(log.begin(), log.end(), line);
  };
  CHECK(count("GET /status/404") == 1);
  CHECK(count("GET /status/410") == 0);
  CHECK(count("GET /head-status/429") == 0);
}

TEST_CASE("transient failures are retried and the attempts counted", "[integration][audit]") {
  FixtureServer server;
  TempDir dir;

  SECTION("429 with Retry-After: 1 is retried once, after the second it asked for") {
    Audited audited = audit_urls(dir, {server.url("/retry-after/1")});
    CHECK(audited.run.code == 0);
    const json& result = audited.report["results"][0];
    CHECK(result["outcome"] == "ok");
    CHECK(result["attempts"] == 2);
    json log = server_json(server, "/log");
    REQUIRE(log.size() == 2);
    // The server's own clock: the retry came no sooner than Retry-After allowed.
    CHECK(log[1]["t"].get<double>() - log[0]["t"].get<double>() >= 0.95);
  }
  SECTION("503 is retried --retries times, then fails with every attempt counted") {
    Audited audited = audit_urls(dir, {server.url("/status/503")},
                                 {"--retries", "2", "--retry-max-wait", "100ms"});
    CHECK(audited.run.code == 1);
    const json& result = audited.report["results"][0];
    CHECK(result["outcome"] == "failed");
    CHECK(result["status"] == 503);
    CHECK(result["attempts"] == 3);
    CHECK(server.logged("/status/503") == 3);
  }
  SECTION("--retries 0 makes one attempt") {
    Audited audited = audit_urls(dir, {server.url("/status/503")}, {"--retries", "0"});
    CHECK(audited.report["results"][0]["attempts"] == 1);
    CHECK(server.logged("/status/503") == 1);
  }
  SECTION("a reset connection is retried") {
    Audited audited =
        audit_urls(dir, {server.url("/reset")},
                   {"--method", "get", "--retries", "1", "--retry-max-wait", "100ms"});
    CHECK(audited.run.code == 1);
    const json& result = audited.report["results"][0];
    CHECK(result["outcome"] == "failed");
    CHECK(result["error_kind"] == "reset");
    CHECK(result["attempts"] == 2);
    CHECK(server.logged("/reset") == 2);
  }
  SECTION("/flaky/2 answers 500, which is not transient: not retried, failed") {
    // The man page lists the transient statuses: 429, 502, 503 and 504. A 500 is the site's
    // own error and retrying it would only hide it; HEAD's 500 is only confirmed, once, with
    // GET (which /flaky/2 answers 500 too).
    Audited audited = audit_urls(dir, {server.url("/flaky/2")}, {"--retries", "2"});
    CHECK(audited.run.code == 1);
    const json& result = audited.report["results"][0];
    CHECK(result["status"] == 500);
    CHECK(result["method"] == "GET");
    CHECK(result["attempts"] == 2);
    CHECK(server.logged("/flaky/2") == 2);
  }
}

// DownHost is how a report's results to a host that is down split: checked and not retried
// (the host was taken for down while they ran), not tried at all, and the rest.
struct DownHost {
  int not_retried = 0;
  int not_tried = 0;
  int other = 0;
};
DownHost down_host(const json& report, const std::string& kind, const std::string& cause) {
  DownHost split;
  for (const json& result : report["results"]) {
    CHECK(result["outcome"] == "failed");
    CHECK(result["error_kind"] == kind);
    const std::string error = result["error"];
    if (error.rfind("not tried: 16 or more connections to this host failed in a row, the last "
                    "one with: " +
                        cause,
                    0) == 0) {
      ++split.not_tried;
      CHECK(result["attempts"] == 0);
      CHECK(result["method"].is_null());
    } else if (error.find("(not retried: 16 or more connections to this host failed in a row)") !=
               std::string::npos) {
      ++split.not_retried;
      CHECK(error.rfind(cause, 0) == 0);
      // A retry was due and not made: the last attempt cannot be the last one allowed.
      CHECK(result["attempts"].get<int>() >= 1);
      CHECK(result["attempts"].get<int>() <= 2);
    } else {
      ++split.other;
      CHECK(error.rfind(cause, 0) == 0);
    }
  }
  return split;
}

TEST_CASE("a host that is down is not asked again for each of its URLs", "[integration][audit]") {
  TempDir dir;
  // At most 16 connections fail before the host is taken for down and at most 4 checks are
  // in flight then; after that only a probe every 2 s is let through. The rest fail at once.
  constexpr int kUrls = 120;
  constexpr int kTried = 16 + 4 + 4;  // a probe at the start and one every 2 s of a short run
  SECTION("refused: nothing listens on the port") {
    // Port 1 on 127.0.0.1: each connection is refused at once.
    std::vector<std::string> urls;
    for (int i = 0; i < kUrls; ++i) urls.push_back("http://127.0.0.1:1/page-" + std::to_string(i));
    Audited audited =
        audit_urls(dir, urls, {"--workers", "4", "--retries", "2", "--retry-max-wait", "50ms"});
    CHECK(audited.run.code == 1);
    const DownHost split =
        down_host(audited.report, "connect", "connection refused by 127.0.0.1:1");
    CHECK(split.not_tried >= kUrls - kTried);
    // With retries off nothing is "not retried" because of the host, and the rest is the same.
    Audited once = audit_urls(dir, urls, {"--workers", "4", "--retries", "0"});
    const DownHost plain = down_host(once.report, "connect", "connection refused by 127.0.0.1:1");
    CHECK(plain.not_retried == 0);
    CHECK(plain.not_tried >= kUrls - kTried);
  }
  SECTION("dropped: the host never completes a connection") {
    // A listener with a full accept queue drops every SYN: each connect runs out of time,
    // the way a firewalled host behaves.
    BlackholeListener blackhole;
    std::vector<std::string> urls;
    for (int i = 0; i < kUrls; ++i) urls.push_back(blackhole.url("/page-" + std::to_string(i)));
    Audited audited = audit_urls(dir, urls,
                                 {"--workers", "4", "--retries", "1", "--retry-max-wait", "50ms",
                                  "--connect-timeout", "200ms"});
    CHECK(audited.run.code == 1);
    const DownHost split = down_host(audited.report, "timeout", "connecting to 127.0.0.1:");
    CHECK(split.not_tried >= kUrls - kTried);
  }
}

TEST_CASE("option redirects follow or warn or fail decides what a redirected URL is",
          "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const std::vector<std::string> urls{server.url("/redirect/2"), server.url("/status/200")};

  SECTION("follow: ok, no finding") {
    Audited audited = audit_urls(dir, urls, {"--redirects", "follow"});
    CHECK(audited.run.code == 0);
    const json result = result_for(audited.report, server.url("/redirect/2"));
    CHECK(result["outcome"] == "ok");
    CHECK(result["findings"].empty());
    CHECK(result["final_url"] == server.url("/redirect/0"));
    CHECK(result["redirects"].size() == 2);
  }
  SECTION("warn (the default): ok with a redirected_url warning; --strict fails it") {
    Audited audited = audit_urls(dir, urls);
    CHECK(audited.run.code == 0);
    const json result = result_for(audited.report, server.url("/redirect/2"));
    CHECK(result["outcome"] == "ok");
    REQUIRE(result["findings"].size() == 1);
    CHECK(result["findings"][0]["code"] == "redirected_url");
    CHECK(result["findings"][0]["severity"] == "warning");
    CHECK(audited.report["summary"]["warnings"].get<int>() >= 1);

    Audited strict = audit_urls(dir, urls, {"--strict"});
    CHECK(strict.run.code == 1);
  }
  SECTION("fail: failed, exit 1") {
    Audited audited = audit_urls(dir, urls, {"--redirects", "fail"});
    CHECK(audited.run.code == 1);
    const json result = result_for(audited.report, server.url("/redirect/2"));
    CHECK(result["outcome"] == "failed");
    CHECK(result["error_kind"] == "redirected_url");
    CHECK(results_by_url(audited.report).at(server.url("/status/200"))["outcome"] == "ok");
  }
}

TEST_CASE("a redirect to nowhere or to two places fails and says why", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const std::vector<std::string> urls{server.url("/status/301"), server.url("/raw/empty-location"),
                                      server.url("/raw/two-locations")};
  Audited audited = audit_urls(dir, urls);
  CHECK(audited.run.code == 1);
  // Without a Location (or with an empty one) the status is the failure, and the message
  // says why the redirect was not followed; there is no final URL to list instead.
  const json nowhere = result_for(audited.report, server.url("/status/301"));
  CHECK(nowhere["outcome"] == "failed");
  CHECK(nowhere["error_kind"] == "status");
  CHECK(nowhere["error"] ==
        "status 301 is not accepted (--accept 200-299): a redirect without a Location header, "
        "to nowhere");
  const json empty = result_for(audited.report, server.url("/raw/empty-location"));
  CHECK(empty["outcome"] == "failed");
  CHECK(empty["status"] == 302);
  CHECK(empty["findings"].empty());
  // Two different Locations: browsers follow neither, and neither do we.
  const json two = result_for(audited.report, server.url("/raw/two-locations"));
  CHECK(two["outcome"] == "failed");
  CHECK(two["error_kind"] == "protocol");
  CHECK(two["error"].get<std::string>().ends_with(
      "answered 301 with two different Location headers ('/a.html' and '/b.html'); browsers "
      "refuse such a redirect"));
}

TEST_CASE("options accept and status-rule judge statuses", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;

  SECTION("--accept 200-299,404 makes a 404 pass") {
    Audited audited = audit_urls(dir, {server.url("/status/404"), server.url("/status/200")},
                                 {"--accept", "200-299,404"});
    CHECK(audited.run.code == 0);
    CHECK(audited.report["summary"]["ok"] == 2);
  }
  SECTION("--accept 200 makes a 204 fail") {
    Audited audited = audit_urls(dir, {server.url("/status/204")}, {"--accept", "200"});
    CHECK(audited.run.code == 1);
    CHECK(audited.report["results"][0]["outcome"] == "failed");
  }
  SECTION("a host rule makes 429 a warning while a 404 on the same host still fails") {
    Audited audited = audit_urls(
        dir, {server.url("/status/429"), server.url("/status/404"), server.url("/status/200")},
        {"--status-rule", "host=127.0.0.1 429=warn", "--retries", "0"});
    CHECK(audited.run.code == 1);
    auto results = results_by_url(audited.report);
    const json& limited = results.at(server.url("/status/429"));
    CHECK(limited["outcome"] == "ok");
    CHECK(limited["status"] == 429);
    CHECK(finding_codes(limited) == std::vector<std::string>{"status"});
    CHECK(limited["findings"][0]["severity"] == "warning");
    const json& missing = results.at(server.url("/status/404"));
    CHECK(missing["outcome"] == "failed");
    CHECK(missing["status"] == 404);
  }
  SECTION("without the 404 the same rule gives exit 0; with --strict the warning fails") {
    std::vector<std::string> urls{server.url("/status/429"), server.url("/status/200")};
    Audited audited =
        audit_urls(dir, urls, {"--status-rule", "host=127.0.0.1 429=warn", "--retries", "0"});
    CHECK(audited.run.code == 0);
    Audited strict = audit_urls(
        dir, urls, {"--status-rule", "host=127.0.0.1 429=warn", "--retries", "0", "--strict"});
    CHECK(strict.run.code == 1);
  }
  SECTION("url= rules: skip and fail") {
    Audited audited = audit_urls(dir, {server.url("/status/410"), server.url("/status/200")},
                                 {"--status-rule", "url=/status/410$ 410=skip", "--status-rule",
                                  "url=/status/200$ 200=fail"});
    CHECK(audited.run.code == 1);
    auto results = results_by_url(audited.report);
    CHECK(results.at(server.url("/status/410"))["outcome"] == "skipped");
    CHECK(results.at(server.url("/status/410"))["error_kind"] == "status_rule");
    CHECK(results.at(server.url("/status/200"))["outcome"] == "failed");
  }
}

TEST_CASE("option method get checks with GET and counts the body bytes", "[integration][audit]") {
  FixtureServer server;
  TempDir dir;
  Audited audited =
      audit_urls(dir, {server.url("/status/200"), server.url("/echo")}, {"--method", "get"});
  CHECK(audited.run.code == 0);
  for (const json& result : audited.report["results"]) {
    CHECK(result["method"] == "GET");
    CHECK(result["fell_back_to_get"] == false);
    CHECK(result["bytes"].get<int>() > 0);
  }
  for (const std::string& request : requested(server)) CHECK(request.rfind("GET ", 0) == 0);
}

TEST_CASE("option slow flags pages slower than the limit", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  const std::vector<std::string> urls{server.url("/delay/400"), server.url("/status/200")};
  Audited audited = audit_urls(dir, urls, {"--slow", "200ms"});
  CHECK(audited.run.code == 0);
  auto results = results_by_url(audited.report);
  const json& slow = results.at(server.url("/delay/400"));
  CHECK(slow["slow"] == true);
  CHECK(slow["outcome"] == "ok");
  CHECK(slow["time_ms"].get<int>() >= 400);
  CHECK(finding_codes(slow) == std::vector<std::string>{"slow"});
  CHECK(results.at(server.url("/status/200"))["slow"] == false);

  Audited strict = audit_urls(dir, urls, {"--slow", "200ms", "--strict"});
  CHECK(strict.run.code == 1);
  CHECK(results_by_url(strict.report).at(server.url("/delay/400"))["outcome"] == "failed");
}

TEST_CASE("option content-type flags pages of another type", "[integration][audit]") {
  FixtureServer& server = fixture_server();
  TempDir dir;
  Audited audited = audit_urls(
      dir,
      {server.url("/headers?Content-Type=text/html;%20charset=utf-8"), server.url("/status/200")},
      {"--content-type", "text/html"});
  auto results = results_by_url(audited.report);
  const json& html = results.at(server.url("/headers?Content-Type=text/html;%20charset=utf-8"));
  CHECK(html["outcome"] == "ok");
  CHECK(html["findings"].empty());
  const json& text = results.at(server.url("/status/200"));
  CHECK(text["content_type"] == "text/plain");
  CHECK(finding_codes(text) == std::vector<std::string>{"content_type"});
  // A page of the wrong type is a finding, which --strict turns into a failure.
  Audited strict =
      audit_urls(dir, {server.url("/status/200")}, {"--content-type", "text/html", "--strict"});
  CHECK(strict.run.code == 1);
  CHECK(strict.report["results"][0]["outcome"] == "failed");
}

TEST_CASE("options header and user-agent and cookies are sent with every check",
          "[integration][audit]") {
  RecordingServer server;
  TempDir dir;
  write_text(dir / "cookies.txt",
             "# Netscape HTTP Cookie File\n"
             "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc123\n");
  Audited audited =
      audit_urls(dir, {server.url("/a"), server.url("/b")},
                 {"--header", "Authorization: Bearer preview-token", "--header", "X-Audit: yes",
                  // A local sitemap has no origin: --header-host says where --header goes.
                  "--header-host", "127.0.0.1", "--user-agent", "audit-bot/9", "--cookies",
                  dir / "cookies.txt"});
  CHECK(audited.run.code == 0);
  std::vector<std::string> heads = server.heads();
  REQUIRE(heads.size() == 2);
  for (const std::string& head : heads) {
    INFO(head);
    CHECK(head.rfind("HEAD /", 0) == 0);
    CHECK(header_value(head, "Authorization") == "Bearer preview-token");
    CHECK(header_value(head, "X-Audit") == "yes");
    CHECK(header_value(head, "User-Agent") == "audit-bot/9");
    CHECK(header_value(head, "Cookie") == "session=abc123");
  }
}

TEST_CASE("the default User-Agent names siteaudit and its version", "[integration][audit]") {
  RecordingServer server;
  TempDir dir;
  Audited audited = audit_urls(dir, {server.url("/a")});
  CHECK(audited.run.code == 0);
  std::vector<std::string> heads = server.heads();
  REQUIRE(heads.size() == 1);
  CHECK(header_value(heads[0], "User-Agent").rfind("siteaudit/", 0) == 0);
}

}  // namespace
