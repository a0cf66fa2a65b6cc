// audit_baseline_test.cpp — --baseline OLD.json against the fixture server: a known failure
// passes, a new one fails, a fixed one is listed; --strict warnings the same way; the report
// may replace its own baseline; a bad baseline is refused before any request; a merge takes
// one too.
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

// BaselineSite serves one sitemap from a directory the test rewrites between runs.
class BaselineSite {
 public:
  BaselineSite() : server_(dir_.path().string()) {}

  void list(const std::vector<std::string>& paths) {
    std::vector<std::string> urls;
    for (const std::string& path : paths) urls.push_back(server_.url(path));
    write_text(dir_ / "sitemap.xml", urlset(urls));
  }
  AuditRun audit(const std::vector<std::string>& more) const {
    std::vector<std::string> args = {server_.url("/sitemap.xml"), "--retries", "0"};
    args.insert(args.end(), more.begin(), more.end());
    return run_siteaudit(with_common(args));
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  const FixtureServer& server() const { return server_; }

 private:
  TempDir dir_;
  FixtureServer server_;
};

json key(const std::string& url, const std::string& kind) {
  return json{{"url", url}, {"kind", kind}};
}

TEST_CASE("option baseline: known failures pass, new ones fail, fixed ones are listed",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/status/404?old", "/status/500?old"});
  REQUIRE(site.audit({"--json", dir / "old.json"}).code == 1);

  // The same failures again: known, and the run passes.
  AuditRun run = site.audit({"--baseline", dir / "old.json", "--json", dir / "same.json"});
  INFO(run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "same.json");
  validate_schema(dir / "same.json");
  CHECK(report["run"]["exit_code"] == 0);
  CHECK(report["summary"]["failed"] == 2);  // still reported as failed results
  CHECK(report["baseline"]["file"] == dir / "old.json");
  CHECK(report["baseline"]["known"].size() == 2);
  CHECK(report["baseline"]["new"].empty());
  CHECK(report["baseline"]["fixed"].empty());
  CHECK(run.out.find("PASSED") != std::string::npos);
  CHECK(run.out.find(
            "PASSED: 0 new failures, 2 known (in the baseline), 0 fixed since the baseline") !=
        std::string::npos);

  // One fixed, one new; a URL that fails another way is new too.
  site.list({"/status/200", "/status/404?old", "/status/404?new", "/status/200?old"});
  run = site.audit({"--baseline", dir / "old.json", "--json", dir / "next.json"});
  CHECK(run.code == 1);
  report = load_json(dir / "next.json");
  CHECK(report["baseline"]["known"] == json::array({key(site.url("/status/404?old"), "status")}));
  CHECK(report["baseline"]["new"] == json::array({key(site.url("/status/404?new"), "status")}));
  CHECK(report["baseline"]["fixed"] == json::array({key(site.url("/status/500?old"), "status")}));
  CHECK(run.out.find("FAILED") != std::string::npos);
}

TEST_CASE("option baseline with strict: known warnings pass, new ones fail",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/redirect/1"});
  REQUIRE(site.audit({"--strict", "--json", dir / "old.json"}).code == 1);
  CHECK(site.audit({"--strict", "--baseline", dir / "old.json"}).code == 0);
  site.list({"/status/200", "/redirect/1", "/headers?X-Robots-Tag=noindex"});
  AuditRun run = site.audit({"--strict", "--baseline", dir / "old.json", "--json", dir / "n.json"});
  CHECK(run.code == 1);
  const json report = load_json(dir / "n.json");
  REQUIRE(report["baseline"]["new"].size() == 1);
  CHECK(report["baseline"]["new"][0]["url"] == site.url("/headers?X-Robots-Tag=noindex"));
  // Without --strict the new warning is no failure.
  CHECK(site.audit({"--baseline", dir / "old.json"}).code == 0);
}

TEST_CASE("option baseline: the report may replace its baseline; a bad one is refused first",
          "[integration][audit][baseline]") {
  BaselineSite site;
  TempDir dir;
  site.list({"/status/200", "/status/404"});
  REQUIRE(site.audit({"--json", dir / "base.json"}).code == 1);
  // A CI job keeps one file: read before the run, replaced at the end.
  AuditRun run = site.audit({"--baseline", dir / "base.json", "--json", dir / "base.json"});
  CHECK(run.code == 0);
  CHECK(load_json(dir / "base.json")["baseline"]["known"].size() == 1);

  const std::size_t before = requested(site.server()).size();
  write_text(dir / "broken.json", "{\"schema\": \"siteaudit.report/1\", \"tool\": 3");
  run = site.audit({"--baseline", dir / "broken.json"});
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("--baseline: '" + dir / "broken.json" + "' is not a valid siteaudit report") !=
        std::string::npos);
  CHECK(requested(site.server()).size() == before);  // refused before any request

  run = site.audit({"--baseline", dir / "absent.json"});
  CHECK(run.code == 2);
  run = site.audit({"--baseline", dir / "base.json", "--shard", "1/2"});
  CHECK(run.code == 2);
  CHECK(run.err.find("give --baseline to siteaudit merge") != std::string::npos);
}

TEST_CASE("siteaudit merge --baseline compares the merged report",
          "[integration][audit][baseline][merge]") {
  ShardSite site;
  TempDir dir;
  REQUIRE(run_siteaudit(site.args({"--json", dir / "old.json"}, false)).code == 1);
  std::vector<std::string> args = {"merge", "--baseline", dir / "old.json", "--json",
                                   dir / "merged.json"};
  for (int part = 1; part <= 3; ++part) {
    const std::string file = dir / fmt::format("part-{}.json", part);
    run_siteaudit(site.args({"--shard", fmt::format("{}/3", part), "--json", file}, false));
    args.push_back(file);
  }
  const AuditRun merged = run_siteaudit(args);
  INFO(merged.err);
  CHECK(merged.code == 0);
  const json report = load_json(dir / "merged.json");
  CHECK(report["baseline"]["known"].size() == 3);  // the 404, the 500 and the 410
  CHECK(report["baseline"]["new"].empty());
  // A part is no baseline: it would list the other parts' failures as fixed.
  const AuditRun part =
      run_siteaudit(with_common({site.index_url(), "--baseline", dir / "part-1.json"}));
  CHECK(part.code == 2);
  CHECK(part.err.find("is one part of a sharded run") != std::string::npos);
}

}  // namespace
