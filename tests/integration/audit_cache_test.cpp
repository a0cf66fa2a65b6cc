// audit_cache_test.cpp — --cache FILE against the fixture server, whose request log proves what
// was not requested: URLs that passed within --cache-max-age are reported ok and cached without
// a request, failures are checked again, a damaged or foreign file is a warning, and runs that
// share one file at once (shards among them) keep what each learnt.
#include <algorithm>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

// CacheSite serves sitemaps the test writes into its directory.
class CacheSite {
 public:
  CacheSite() : server_(dir_.path().string()) {}

  std::string list(const std::string& name, const std::vector<std::string>& paths) {
    std::vector<std::string> urls;
    for (const std::string& path : paths) urls.push_back(server_.url(path));
    write_text(dir_ / name, urlset(urls));
    return server_.url("/" + name);
  }
  // requests() counts the requests for `path` so far.
  std::size_t requests(const std::string& path) const {
    const std::vector<std::string> log = requested(server_);
    return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [&](const auto& line) {
      return line.substr(line.find(' ') + 1) == path;
    }));
  }
  const FixtureServer& server() const { return server_; }

 private:
  TempDir dir_;
  FixtureServer server_;
};

std::vector<std::string> audit_args(const std::string& sitemap, const std::string& cache,
                                    const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {sitemap, "--retries", "0", "--cache", cache};
  args.insert(args.end(), more.begin(), more.end());
  return with_common(args);
}

TEST_CASE("option cache: passing URLs are not requested again, failures are",
          "[integration][audit][cache]") {
  CacheSite site;
  TempDir dir;
  const std::string sitemap =
      site.list("s.xml", {"/status/200?a", "/status/200?b", "/status/404", "/redirect/1"});
  const std::string cache = dir / "cache";
  AuditRun first = run_siteaudit(audit_args(sitemap, cache, {"--json", dir / "first.json"}));
  REQUIRE(first.code == 1);
  CHECK(read_text(cache).starts_with("siteaudit-cache 1\n"));
  for (const json& r : load_json(dir / "first.json")["results"]) CHECK(r["cached"] == false);

  AuditRun second = run_siteaudit(audit_args(sitemap, cache, {"--json", dir / "second.json"}));
  INFO(second.err);
  CHECK(second.code == 1);
  CHECK(site.requests("/status/200?a") == 1);  // the first run's request only
  CHECK(site.requests("/status/200?b") == 1);
  // A failure is always checked again (HEAD, then GET to confirm it: two requests a run).
  CHECK(site.requests("/status/404") == 4);
  CHECK(site.requests("/redirect/1") == 2);  // so is a pass with a warning
  const json report = load_json(dir / "second.json");
  validate_schema(dir / "second.json");
  check_report_invariants(report);
  const json a = result_for(report, site.server().url("/status/200?a"));
  CHECK(a["cached"] == true);
  CHECK(a["outcome"] == "ok");
  CHECK(a["status"] == 200);
  CHECK(a["method"].is_null());
  CHECK(result_for(report, site.server().url("/status/404"))["cached"] == false);
  CHECK(second.err.find("2 URLs passed within --cache-max-age and were not requested") !=
        std::string::npos);

  // Older than --cache-max-age, or judged by other options: requested again.
  run_siteaudit(audit_args(sitemap, cache, {"--cache-max-age", "0"}));
  CHECK(site.requests("/status/200?a") == 2);
  run_siteaudit(audit_args(sitemap, cache, {"--accept", "200-399"}));
  CHECK(site.requests("/status/200?a") == 3);
}

TEST_CASE("option cache: a damaged or foreign file is a warning, never a crash",
          "[integration][audit][cache]") {
  CacheSite site;
  TempDir dir;
  const std::string sitemap = site.list("s.xml", {"/status/200?a", "/status/200?b"});
  const std::string cache = dir / "cache";
  REQUIRE(run_siteaudit(audit_args(sitemap, cache)).code == 0);
  std::string text = read_text(cache);
  // Damage the last entry: the entries before it still count, and the file is rewritten.
  text.insert(text.rfind('\n', text.size() - 2) + 1, "x");
  write_text(cache, text);
  AuditRun run = run_siteaudit(audit_args(sitemap, cache));
  CHECK(run.code == 0);
  CHECK(run.err.find("line 4 is damaged; the cache is read up to there and rewritten") !=
        std::string::npos);
  CHECK(site.requests("/status/200?a") + site.requests("/status/200?b") == 3);
  CHECK(read_text(cache).find("\nx") == std::string::npos);

  // Not ours: neither read nor replaced.
  write_text(dir / "notes.txt", "my notes\n");
  run = run_siteaudit(audit_args(sitemap, dir / "notes.txt"));
  CHECK(run.code == 0);
  CHECK(run.err.find("is not a siteaudit cache file; it is not used, and not replaced") !=
        std::string::npos);
  CHECK(read_text(dir / "notes.txt") == "my notes\n");
  write_text(dir / "future", "siteaudit-cache 9\n");
  run = run_siteaudit(audit_args(sitemap, dir / "future"));
  CHECK(run.code == 0);
  CHECK(run.err.find("the cache of another siteaudit release") != std::string::npos);
  CHECK(run_siteaudit(audit_args(sitemap, "-")).code == 2);
}

TEST_CASE("option cache: runs sharing one file at once keep what each learnt",
          "[integration][audit][cache]") {
  CacheSite site;
  TempDir dir;
  const std::string cache = dir / "cache";
  std::vector<std::string> one, two;
  for (int i = 0; i < 30; ++i) {
    one.push_back(fmt::format("/status/200?one{}", i));
    two.push_back(fmt::format("/status/200?two{}", i));
  }
  const std::string first = site.list("one.xml", one);
  const std::string second = site.list("two.xml", two);
  {
    AuditProcess a(audit_args(first, cache));
    AuditProcess b(audit_args(second, cache));
    CHECK(a.wait().code == 0);
    CHECK(b.wait().code == 0);
  }
  const std::string text = read_text(cache);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2 + 60);
  run_siteaudit(audit_args(first, cache));
  run_siteaudit(audit_args(second, cache));
  CHECK(site.requests("/status/200?one7") == 1);
  CHECK(site.requests("/status/200?two7") == 1);
}

TEST_CASE("option cache with shards: the parts share one file", "[integration][audit][cache]") {
  ShardSite site;
  TempDir dir;
  const std::string cache = dir / "cache";
  auto part_args = [&](int part) {
    return site.args({"--shard", fmt::format("{}/3", part), "--cache", cache}, false);
  };
  {
    AuditProcess p1(part_args(1)), p2(part_args(2)), p3(part_args(3));
    for (AuditProcess* p : {&p1, &p2, &p3}) {
      const AuditRun run = p->wait();
      CHECK((run.code == 0 || run.code == 1));
    }
  }
  const std::size_t before = requested(site.server()).size();
  for (int part = 1; part <= 3; ++part) run_siteaudit(part_args(part));
  const std::vector<std::string> log = requested(site.server());
  // The second round asks only for the sitemaps (each part loads both) and what did not pass
  // cleanly: the 404, the 500, the 410, the redirect and the HEAD refusal.
  std::vector<std::string> again(log.begin() + static_cast<std::ptrdiff_t>(before), log.end());
  for (const std::string& line : again) {
    INFO(line);
    CHECK(line.find("/status/200?") == std::string::npos);
  }
}

}  // namespace

namespace {

TEST_CASE("option cache with crawl: the pages the crawl parses are fetched every time",
          "[integration][audit][cache][crawl]") {
  FixtureServer other{"fixtures/crawl/other"};
  FixtureServer site{"fixtures/crawl/site", {"--var", "OTHER=" + other.base()}};
  TempDir dir;
  auto args = [&](const std::string& report) {
    return with_common(
        {site.url("/"), "--crawl", "--cache", dir / "cache", "--json", report, "--retries", "0"});
  };
  const AuditRun first = run_siteaudit(args(dir / "first.json"));
  const AuditRun second = run_siteaudit(args(dir / "second.json"));
  INFO(second.err);
  CHECK(second.code == first.code);
  const json a = load_json(dir / "first.json");
  const json b = load_json(dir / "second.json");
  // The same pages parsed and the same links found: a cached page would hide its links.
  CHECK(b["crawl"]["pages"] == a["crawl"]["pages"]);
  CHECK(b["crawl"]["links"] == a["crawl"]["links"]);
  CHECK(b["summary"]["total"] == a["summary"]["total"]);
  const std::vector<std::string> log = requested(site);
  CHECK(std::count(log.begin(), log.end(), "GET /") == 2);
}

}  // namespace
