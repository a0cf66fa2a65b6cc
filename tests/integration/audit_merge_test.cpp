// audit_merge_test.cpp — `siteaudit merge`: for N in 1, 2, 3 and 7 and both --shard-by modes,
// the merge of the parts' reports is the report of one run of the whole input (timing aside)
// in every format, with its exit code; and a merge that cannot prove it covers the input once
// is refused with exit 2 and the file named.
#include <regex>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

// untimed_text() is a JUnit or Markdown report without its times and timestamps.
std::string untimed_text(const std::string& text) {
  static const std::regex kTimes(
      R"((time|timestamp)="[^"]*"|\b\d+(\.\d+)?(ms|s)\b|\d{4}-\d\d-\d\dT[0-9:]+Z)");
  return std::regex_replace(text, kTimes, "T");
}

// run_parts() runs the N parts of a sharded audit of `site` and keeps their report files.
std::vector<std::string> run_parts(const ShardSite& site, const TempDir& dir, int parts,
                                   const std::string& by, const std::vector<std::string>& more,
                                   bool routes = true) {
  std::vector<std::string> files;
  const std::string tag = fmt::format("{}", fmt::join(more, ""));
  for (int part = 1; part <= parts; ++part) {
    files.push_back(dir / fmt::format("part-{}-{}-{}{}.json", by, parts, part, tag));
    std::vector<std::string> args = {
        "--shard", fmt::format("{}/{}", part, parts), "--shard-by", by, "--json", files.back()};
    args.insert(args.end(), more.begin(), more.end());
    const AuditRun run = run_siteaudit(site.args(args, routes));
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
  }
  return files;
}

AuditRun merge(const std::vector<std::string>& options, const std::vector<std::string>& files) {
  std::vector<std::string> args = {"merge", "--color", "never"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), files.begin(), files.end());
  return run_siteaudit(args);
}

TEST_CASE("siteaudit merge: the parts merge into the report of one run",
          "[integration][audit][merge]") {
  ShardSite site;
  TempDir dir;
  const AuditRun whole =
      run_siteaudit(site.args({"--json", dir / "whole.json", "--junit", dir / "whole.xml",
                               "--markdown", dir / "whole.md"}));
  REQUIRE(whole.code == 1);  // a 404, a 500, a 410 and the missing route /nowhere
  const json single = untimed(load_json(dir / "whole.json"));
  REQUIRE(single["routes"]["missing"] == json{"/nowhere"});
  REQUIRE_FALSE(single["routes"]["unexpected"].empty());

  for (const std::string by : {"url", "host"}) {
    for (const int parts : {1, 2, 3, 7}) {
      INFO(by << " " << parts);
      std::vector<std::string> files = run_parts(site, dir, parts, by, {});
      std::reverse(files.begin(), files.end());  // any order
      const std::string stem = dir / fmt::format("merged-{}-{}", by, parts);
      const AuditRun merged =
          merge({"--json", stem + ".json", "--junit", stem + ".xml", "--markdown", stem + ".md",
                 "--sarif", stem + ".sarif", "--html", stem + ".html"},
                files);
      INFO(merged.err);
      CHECK(merged.code == whole.code);
      const json report = load_json(stem + ".json");
      check_report_invariants(report);
      validate_schema(stem + ".json");
      CHECK(report["shard"].is_null());
      CHECK(report["run"]["exit_code"] == whole.code);
      CHECK(untimed(report) == single);
      CHECK(untimed_text(read_text(stem + ".xml")) == untimed_text(read_text(dir / "whole.xml")));
      CHECK(untimed_text(read_text(stem + ".md")) == untimed_text(read_text(dir / "whole.md")));
      CHECK(json::parse(read_text(stem + ".sarif"))["version"] == "2.1.0");
      CHECK(read_text(stem + ".html").find("<html") != std::string::npos);
    }
  }
}

TEST_CASE("siteaudit merge: exit code 0 when one run would pass, and to standard output",
          "[integration][audit][merge]") {
  ShardSite site;
  TempDir dir;
  const std::vector<std::string> lenient = {"--accept", "200-599", "--redirects", "follow"};
  std::vector<std::string> args = {"--json", dir / "whole.json"};
  args.insert(args.end(), lenient.begin(), lenient.end());
  const AuditRun whole = run_siteaudit(site.args(args, false));
  REQUIRE(whole.code == 0);
  const std::vector<std::string> files = run_parts(site, dir, 3, "url", lenient, false);
  const AuditRun merged = merge({"--json", "-"}, files);
  INFO(merged.err);
  CHECK(merged.code == 0);
  CHECK(untimed(json::parse(merged.out)) == untimed(load_json(dir / "whole.json")));
}

TEST_CASE("siteaudit merge: parts read side by side, in order or not",
          "[integration][audit][merge]") {
  // The merge reads every part at once and takes the lowest seq first. A part whose results
  // are not in seq order (written by hand, or by a tool that sorted them) still merges into
  // the one run's report: the merged log reorders what comes early.
  ShardSite site;
  TempDir dir;
  const AuditRun whole = run_siteaudit(site.args({"--json", dir / "whole.json"}));
  REQUIRE(whole.code == 1);
  const json single = untimed(load_json(dir / "whole.json"));
  std::vector<std::string> files = run_parts(site, dir, 3, "url", {});
  json reversed = load_json(files[1]);
  std::reverse(reversed["results"].begin(), reversed["results"].end());
  write_text(dir / "reversed.json", reversed.dump());
  files[1] = dir / "reversed.json";
  for (const std::vector<std::string>& given :
       {files, std::vector<std::string>{files[2], files[0], files[1]}}) {
    const AuditRun merged = merge({"--json", dir / "merged.json"}, given);
    INFO(merged.err);
    CHECK(merged.code == whole.code);
    CHECK(untimed(load_json(dir / "merged.json")) == single);
  }
}

TEST_CASE("siteaudit merge refuses parts that do not cover the input once",
          "[integration][audit][merge]") {
  ShardSite site;
  TempDir dir;
  const std::vector<std::string> parts = run_parts(site, dir, 3, "url", {});
  auto refused = [&](const std::vector<std::string>& files, const std::string& expected) {
    fs::remove(dir / "out.json");
    const AuditRun run = merge({"--json", dir / "out.json"}, files);
    INFO(run.err);
    CHECK(run.code == 2);
    CHECK(one_line(run.err));
    CHECK(run.err.find(expected) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.json"));  // nothing written
  };
  refused({parts[0], parts[2]}, "part 2 of 3 is missing");
  refused({parts[0], parts[1], parts[1], parts[2]},
          parts[1] + ": part 2 of 3 again (also '" + parts[1] + "')");

  // Another run's part: other options, another N, another cut.
  const std::string other = run_parts(site, dir, 3, "url", {"--accept", "200-399"})[1];
  refused({parts[0], other, parts[2]},
          other + ": not from the same run as '" + parts[0] + "': its inputs or options differ");
  const std::string four = run_parts(site, dir, 4, "url", {})[1];
  refused({parts[0], four, parts[2]}, four + ": not from the same run");
  const std::string host = run_parts(site, dir, 3, "host", {})[1];
  refused({parts[0], host, parts[2]}, "its parts were cut by host");

  // Not a report of a part, or not a report at all.
  const AuditRun whole = run_siteaudit(site.args({"--json", dir / "whole.json"}));
  refused({dir / "whole.json"}, dir / "whole.json" + ": not a part of a sharded run");
  const std::string text = read_text(parts[1]);
  write_text(dir / "cut.json", text.substr(0, text.size() / 2));
  refused({parts[0], dir / "cut.json", parts[2]},
          dir / "cut.json" + ": not a valid siteaudit report: not valid JSON");
  json changed = load_json(parts[1]);
  changed["results"][0]["outcome"] = "perhaps";
  write_text(dir / "changed.json", changed.dump());
  refused({parts[0], dir / "changed.json", parts[2]},
          "not a valid siteaudit report: results[0].outcome: expected ok, failed, skipped, "
          "cancelled or inconclusive");
  // A result dropped from a part: the parts no longer hold the whole input.
  json dropped = load_json(parts[1]);
  dropped["results"].erase(0);
  write_text(dir / "dropped.json", dropped.dump());
  refused({parts[0], dir / "dropped.json", parts[2]}, "results for the input's 39 URLs");
  refused({dir / "absent.json"}, "absent.json");
  // The parts of a crawl: their counts span a link graph no part sees whole.
  const std::string crawl = dir / "crawl-1.json";
  run_siteaudit(site.args({"--crawl", "--shard", "1/2", "--json", crawl}));
  refused({crawl}, crawl +
                       ": a part of a crawl (--crawl); merging the parts of a crawl is not "
                       "supported yet");

  // The merged report may not replace a part.
  const AuditRun onto = merge({"--json", parts[0]}, parts);
  CHECK(onto.code == 2);
  CHECK(onto.err.find("the merged report would replace it") != std::string::npos);
}

}  // namespace
