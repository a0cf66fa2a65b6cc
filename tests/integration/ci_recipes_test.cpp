// ci_recipes_test.cpp — the CI recipes in scripts/ci/ run as their engines run them: each
// recipe is parsed (python3-yaml) and its shard and merge commands executed locally as N
// processes with exactly the variables the engine sets (tests/integration/ci_recipes.py),
// against the fixture site. The merged report must be the report of one run, with its exit
// code.
#include <cstdlib>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/shard_site.hpp"

namespace {

using namespace siteaudit::integration;

// quoted() is `text` as one POSIX shell word.
std::string quoted(const std::string& text) {
  return "'" + replace_all(text, "'", "'\\''") + "'";
}

// run_recipe() runs ci_recipes.py for `engine` and returns what it printed.
json run_recipe(const std::string& engine, const std::vector<std::string>& recipes,
                const std::string& sitemap, const TempDir& dir) {
  std::string command = "python3 " +
                        quoted(siteaudit::testing::source_path("tests/integration/ci_recipes.py")) +
                        " " + engine;
  for (const std::string& recipe : recipes) {
    command += " " + quoted(siteaudit::testing::source_path("scripts/ci/" + recipe));
  }
  command += " --sitemap " + quoted(sitemap) + " --binary " + quoted(siteaudit_binary()) +
             " --work " + quoted(dir / engine) + " > " + quoted(dir / "out.json") + " 2> " +
             quoted(dir / "log.txt");
  const int status = std::system(command.c_str());
  INFO(read_text(dir / "log.txt"));
  REQUIRE(status == 0);
  return json::parse(read_text(dir / "out.json"));
}

TEST_CASE("the CI recipes shard and merge as one run would audit",
          "[integration][ci][shard][merge]") {
  ShardSite site;
  TempDir dir;
  // The options the recipes give, for one run of the whole site.
  const AuditRun whole =
      run_siteaudit({site.index_url(), "--no-progress", "--json", dir / "whole.json"});
  REQUIRE(whole.code == 1);  // the site has failures: the merge must fail the pipeline
  const json single = untimed(load_json(dir / "whole.json"));

  const std::vector<std::pair<std::string, std::vector<std::string>>> engines = {
      {"github", {"github-actions.yml"}},
      {"gitlab", {"gitlab-ci.yml"}},
      {"kubernetes", {"kubernetes-shards.yaml", "kubernetes-merge.yaml"}}};
  for (const auto& [engine, recipes] : engines) {
    INFO(engine);
    const json out = run_recipe(engine, recipes, site.index_url(), dir);
    INFO(read_text(dir / "log.txt"));
    CHECK(out["parts"] == 4);
    // A part that found failures leaves them to the merge: every shard job succeeds.
    CHECK(out["shard_codes"] == json::array({0, 0, 0, 0}));
    CHECK(out["merge_code"] == whole.code);
    const json merged = load_json(out["report"].get<std::string>());
    CHECK(untimed(merged) == single);
    CHECK_FALSE(read_text(out["summary"].get<std::string>()).empty());
  }
}

}  // namespace
