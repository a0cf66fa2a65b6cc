// audit_annotations_test.cpp — CI integration: under GitHub Actions (GITHUB_ACTIONS=true) the
// failures come out as workflow commands naming the sitemap file and line, which parse back;
// --annotations none turns them off; and --markdown given $GITHUB_STEP_SUMMARY appends to it.
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "support/scoped_env.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::ScopedEnv;

// commands() is every line of `text` that is a workflow command, without its "::" prefix.
std::vector<std::string> commands(const std::string& text) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("::", 0) == 0) found.push_back(line.substr(2));
  }
  return found;
}

}  // namespace

TEST_CASE("under GitHub Actions failures are annotations on the sitemap's file and line",
          "[integration][audit][reports]") {
  FixtureServer server("fixtures/audit");
  TempDir dir;
  write_text(dir / "sitemap.xml", urlset({server.url("/status/200"), server.url("/status/404"),
                                          server.url("/status/500")}));
  ScopedEnv actions("GITHUB_ACTIONS", "true");
  AuditRun run = run_siteaudit(with_common({dir / "sitemap.xml"}));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.code == 1);
  const std::vector<std::string> found = commands(run.out);
  REQUIRE(found.size() == 2);
  const std::string prefix = "error file=" + dir / "sitemap.xml" + ",line=";
  CHECK(found[0].rfind(prefix + "4,title=siteaudit status::" + server.url("/status/404") + ": 404",
                       0) == 0);
  CHECK(found[1].rfind(prefix + "5,title=siteaudit status::" + server.url("/status/500") + ": 500",
                       0) == 0);

  AuditRun off = run_siteaudit(with_common({dir / "sitemap.xml", "--annotations", "none"}));
  CHECK(off.code == 1);
  CHECK(commands(off.out).empty());
}

TEST_CASE("option markdown appends to GITHUB_STEP_SUMMARY and replaces other files",
          "[integration][audit][reports]") {
  FixtureServer server("fixtures/audit");
  TempDir dir;
  write_text(dir / "sitemap.xml", urlset({server.url("/status/404")}));
  write_text(dir / "summary.md", "## an earlier step\n");
  ScopedEnv summary("GITHUB_STEP_SUMMARY", dir / "summary.md");
  AuditRun run = run_siteaudit(with_common(
      {dir / "sitemap.xml", "--markdown", dir / "summary.md", "--annotations", "none"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  const std::string text = read_text(dir / "summary.md");
  CHECK(text.rfind("## an earlier step\n## siteaudit report", 0) == 0);
  // Any other file is replaced, as before.
  write_text(dir / "other.md", "old\n");
  AuditRun other =
      run_siteaudit(with_common({dir / "sitemap.xml", "--markdown", dir / "other.md"}));
  CHECK(other.code == 1);
  CHECK(read_text(dir / "other.md").rfind("## siteaudit report", 0) == 0);
}
