// audit_shards_test.cpp — --shard K/N against the fixture server: for N in 1, 2, 3 and 7 and
// both --shard-by modes, the parts' reports hold every URL of a single run exactly once, with
// the same outcome and the single run's seq, and record what a merge checks them against.
// (The merge itself is tested in audit_merge_test.cpp.)
#include <map>
#include <set>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

TEST_CASE("option shard: the parts hold each URL of one run exactly once",
          "[integration][audit][shard]") {
  ShardSite site;
  TempDir dir;
  const AuditRun whole = run_siteaudit(site.args({"--json", dir / "whole.json"}));
  INFO("stderr: " << whole.err);
  REQUIRE(whole.code == 1);  // a 404 and a missing route
  const json single = load_json(dir / "whole.json");
  check_report_invariants(single);
  CHECK(single["shard"].is_null());
  const std::map<std::string, json> expected = results_by_url(single);
  REQUIRE(expected.size() == site.unique_urls());

  for (const std::string by : {"url", "host"}) {
    for (const int parts : {1, 2, 3, 7}) {
      std::map<std::string, int> seen;
      std::set<std::string> fingerprints;
      std::map<std::string, int> part_of_host;
      int nonempty = 0;
      for (int part = 1; part <= parts; ++part) {
        const std::string name = fmt::format("{}-{}-{}.json", by, parts, part);
        const AuditRun run = run_siteaudit(site.args({"--shard", fmt::format("{}/{}", part, parts),
                                                      "--shard-by", by, "--json", dir / name}));
        INFO(by << " " << part << "/" << parts << " stderr: " << run.err);
        const json report = load_json(dir / name);
        check_report_invariants(report);
        validate_schema(dir / name);
        const json& shard = report["shard"];
        CHECK(shard["part"] == part);
        CHECK(shard["parts"] == parts);
        CHECK(shard["by"] == by);
        CHECK(shard["input_urls"] == site.unique_urls());
        CHECK(shard["input_duplicates"] == single["summary"]["duplicates"]);
        fingerprints.insert(shard["fingerprint"].get<std::string>());
        // Every part loads every sitemap: the sources are the single run's.
        CHECK(report["sources"] == single["sources"]);
        std::set<std::string> hosts;
        std::uint64_t last_seq = 0;
        for (const json& result : report["results"]) {
          const std::string url = result["url"];
          ++seen[url];
          REQUIRE(expected.count(url) == 1);
          const json& one = expected.at(url);
          CHECK(result["seq"] == one["seq"]);
          CHECK(result["seq"].get<std::uint64_t>() >= last_seq);
          last_seq = result["seq"];
          CHECK(result["outcome"] == one["outcome"]);
          CHECK(result["status"] == one["status"]);
          hosts.insert(url.substr(0, url.find('/', 8)));
        }
        if (!report["results"].empty()) ++nonempty;
        // Missing routes are the merge's to decide: a part fails only for its own failures.
        const bool failures = report["summary"]["failed"].get<int>() > 0;
        CHECK(run.code == (failures ? 1 : 0));
        for (const std::string& host : hosts) {
          auto [at, added] = part_of_host.emplace(host, part);
          if (by == "host") CHECK(at->second == part);  // a host's URLs are in one part
        }
      }
      CHECK(fingerprints.size() == 1);
      CHECK(seen.size() == expected.size());
      for (const auto& [url, count] : seen) {
        INFO(url);
        CHECK(count == 1);
      }
      if (by == "url" && parts <= 3) CHECK(nonempty == parts);  // 40 URLs reach every part
    }
  }
}

TEST_CASE("option shard: the default cut, auto/N and the engines' variables",
          "[integration][audit][shard]") {
  ShardSite site;
  TempDir dir;
  // The inputs name two hosts: the parts are cut by host.
  AuditRun run = run_siteaudit(site.args({"--shard", "1/2", "--json", dir / "a.json"}));
  CHECK(load_json(dir / "a.json")["shard"]["by"] == "host");
  run = run_siteaudit(with_common({site.index_url(), "--shard", "1/2", "--json", dir / "b.json"}));
  CHECK(load_json(dir / "b.json")["shard"]["by"] == "url");

  // Kubernetes counts from 0; GitLab from 1, and shards a run without --shard.
  run = run_siteaudit_with_env(site.args({"--shard", "auto/3", "--json", dir / "k.json"}),
                               {{"JOB_COMPLETION_INDEX", "2"}});
  INFO(run.err);
  CHECK(load_json(dir / "k.json")["shard"]["part"] == 3);
  run = run_siteaudit_with_env(site.args({"--json", dir / "g.json"}),
                               {{"CI_NODE_INDEX", "2"}, {"CI_NODE_TOTAL", "3"}});
  CHECK(load_json(dir / "g.json")["shard"]["part"] == 2);
  CHECK(run.err.find("checking only part 2 of 3 (from CI_NODE_INDEX/CI_NODE_TOTAL)") !=
        std::string::npos);

  run = run_siteaudit(site.args({"--shard", "4/3"}));
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("--shard: '4/3'") != std::string::npos);
  run = run_siteaudit_with_env(site.args({"--shard", "auto/3"}), {});
  CHECK(run.code == 2);
  CHECK(run.err.find("neither JOB_COMPLETION_INDEX nor CI_NODE_INDEX") != std::string::npos);
  run = run_siteaudit(site.args({"--shard-by", "path", "--shard", "1/2"}));
  CHECK(run.code == 2);
  // A crawl is cut by host only.
  run = run_siteaudit(site.args({"--crawl", "--shard", "1/2", "--shard-by", "url"}));
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("--shard-by url: a crawl is split by host only") != std::string::npos);
}

}  // namespace
