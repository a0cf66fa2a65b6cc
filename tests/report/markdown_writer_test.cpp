// markdown_writer_test.cpp — the CI job summary: verdict, tables, caps and escaping.
#include "siteaudit/report/markdown_writer.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "report/sample_report.hpp"

namespace {

using namespace siteaudit;

std::string markdown(const model::Report& report, report::MarkdownOptions options = {}) {
  std::ostringstream out;
  report::write_markdown(report, out, options);
  return out.str();
}

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("markdown has the verdict, summary table and failures table", "[report]") {
  const std::string md = markdown(test::sample_report());
  CHECK(md.rfind("## siteaudit report\n\n\xE2\x9D\x8C **FAILED: 3 of 8 URLs failed", 0) == 0);
  CHECK(has(md, "siteaudit 0.1.0 \xC2\xB7 started 2024-05-01T12:00:00Z \xC2\xB7 3.2s"));
  CHECK(has(md,
            "| Outcome | URLs |\n|:--|--:|\n| ok | 3 |\n| failed | 3 |\n| skipped | 1 |\n"
            "| cancelled | 1 |\n| **total** | **8** |\n| warnings | 2 |\n"
            "| duplicates | 1 |\n"));
  CHECK(has(md, "| 3 | 0 | 1 | 1 | 1 | 40ms | 30.0s | 30.0s | 30.0s |"));
  CHECK(has(md, "### Failures (3)\n\n| URL | Status or error | Sitemap |\n|:--|:--|:--|\n"));
  CHECK(has(md,
            "| `https://example.com/a&b<c>\"q\"` | 404 Not Found | "
            "`https://example.com/pages.xml:9` |\n"));
  CHECK(has(md,
            "| `https://example.com/slow` | timeout: no response after 10000 ms | "
            "`https://example.com/pages.xml:12` |\n"));
  CHECK(has(md, "### Sitemaps that could not be loaded (1)\n"));
  CHECK(has(md,
            "| `https://example.com/broken.xml` | https://example.com/broken.xml:3:1: "
            "expected \\<urlset\\>, found \\<html\\> |"));
}

TEST_CASE("markdown lists missing and unexpected routes and warnings", "[report]") {
  const std::string md = markdown(test::sample_report());
  CHECK(has(md,
            "### Missing routes (2)\n\nExpected by `routes.txt` but in no sitemap:\n\n"
            "- `/blog/**`\n- `/about`\n"));
  CHECK(has(md,
            "### Unexpected URLs (1)\n\nIn a sitemap but matching no route in "
            "`routes.txt`:\n\n- `https://example.com/get-only`\n"));
  CHECK(has(md, "### Warnings (2)\n"));
  CHECK(has(md,
            "| `https://example.com/pages.xml:7` | `invalid_lastmod` | "
            "lastmod \"yesterday\" is not a W3C datetime |"));
  CHECK(has(md, "| `https://example.com/old` | `redirected_url` |"));
}

TEST_CASE("markdown escapes text that would break the table or inject markup", "[report]") {
  const std::string md = markdown(test::sample_report());
  // The hostile URL: control characters replaced, '|' escaped, backticks percent-encoded.
  CHECK(has(md,
            "| `https://example.com/\xEF\xBF\xBD[31mred\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "\\|%60x%60` | 500 Internal Server Error: server said \"\\<boom\\>\" "
            "\xEF\xBF\xBD\\]0;title\xEF\xBF\xBD |"));
  CHECK_FALSE(has(md, "\x1b"));
  CHECK_FALSE(has(md, "<boom>"));
  // Every table row has the same number of unescaped cell separators as its header.
  std::istringstream in(md);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `https://example.com/", 0) != 0 || line.find("Status") != std::string::npos) {
      continue;
    }
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
    }
    INFO(line);
    CHECK((pipes == 4 || pipes == 3));  // failures/warnings (3 cells) or sources (2 cells)
  }
}

TEST_CASE("markdown caps long lists with and N more", "[report]") {
  model::Report report;
  model::Source src;
  src.url = "https://example.com/sitemap.xml";
  report.sources.push_back(src);
  for (int i = 0; i < 120; ++i) {
    report.results.push_back(test::make_result(report,
                                               "https://example.com/gone/" + std::to_string(i),
                                               model::Outcome::failed, 410, 0, i + 1));
  }
  report.routes.enabled = true;
  report.routes.file = "routes.txt";
  for (int i = 0; i < 7; ++i) report.routes.missing.push_back("/r" + std::to_string(i));
  report.summary = model::summarize(report);
  report.run.exit_code = 1;

  const std::string md = markdown(report, {.max_rows = 5});
  CHECK(has(md, "| `https://example.com/gone/4` | 410 Gone |"));
  CHECK_FALSE(has(md, "`https://example.com/gone/5`"));
  CHECK(has(md, "\n... and 115 more\n"));
  CHECK(has(md, "- `/r4`\n\n... and 2 more\n"));
  CHECK_FALSE(has(md, "/r5"));

  const std::string all = markdown(report, {.max_rows = 1000});
  CHECK(has(all, "`https://example.com/gone/119`"));
  CHECK_FALSE(has(all, "more\n"));
}

TEST_CASE("markdown for a clean run has a check mark and no failure sections", "[report]") {
  model::Report report;
  model::Source src;
  src.url = "https://example.com/sitemap.xml";
  report.sources.push_back(src);
  report.results.push_back(
      test::make_result(report, "https://example.com/", model::Outcome::ok, 200, 0, 1));
  report.summary = model::summarize(report);
  const std::string md = markdown(report);
  CHECK(has(md, "\xE2\x9C\x85 **PASSED: all 1 URL ok**"));
  CHECK_FALSE(has(md, "### "));
}

TEST_CASE("markdown under --strict leads with what --strict fails", "[report]") {
  model::Report report = test::sample_report();
  test::set_strict(report, true);
  const std::string md = markdown(report);
  CHECK(md.rfind("## siteaudit report\n\n\xE2\x9D\x8C **FAILED: 3 failures under --strict "
                 "\\(2 warnings, 1 unexpected URL\\), 3 of 8 URLs failed",
                 0) == 0);
  CHECK(has(md, "| **failing under --strict** | **3** |\n"));
  CHECK_FALSE(has(markdown(test::sample_report()), "failing under --strict"));
}

TEST_CASE("markdown shows the URL requested beside the one listed when --rewrite changed it",
          "[report]") {
  const model::Report report = test::rewritten_report();
  CHECK(has(markdown(report),
            "| `https://example.com/a`<br>requested as `https://preview.example.net/a` | 404"));
}

TEST_CASE("markdown with a baseline has new and known failures apart, and the fixed ones",
          "[report][baseline]") {
  const std::string md = markdown(test::baseline_report());
  // Markdown escapes the parentheses of the verdict.
  CHECK(md.rfind("## siteaudit report\n\n\xE2\x9D\x8C **FAILED: 4 new failures, 3 known \\(in "
                 "the baseline\\), 1 fixed since the baseline, 3 of 8 URLs failed",
                 0) == 0);
  CHECK(has(md,
            "| Against the baseline `old.json` | failures |\n|:--|--:|\n"
            "| **new** (fail the run) | **4** |\n| known (in the baseline) | 3 |\n"
            "| fixed since the baseline | 1 |\n"));
  CHECK_FALSE(has(md, "### Failures"));
  const std::size_t fresh =
      md.find("### New failures (2)\n\nNot in the baseline: these fail the run.");
  const std::size_t known = md.find(
      "### Known failures (1)\n\nIn the baseline `old.json`: listed, but they do not fail the "
      "run.");
  const std::size_t fixed = md.find(
      "### Fixed since the baseline (1)\n\n| URL or route | Failure kind |\n|:--|:--|\n"
      "| `https://example.com/gone` | `status` |\n");
  REQUIRE(fresh != std::string::npos);
  REQUIRE(known != std::string::npos);
  REQUIRE(fixed != std::string::npos);
  CHECK(fresh < known);
  CHECK(known < fixed);
  // The known 404 is in the known table only; the new timeout in the new one only.
  const std::size_t known_404 = md.find("| `https://example.com/a&b<c>\"q\"` | 404 Not Found |");
  CHECK(known_404 > known);
  CHECK(known_404 < fixed);
  const std::size_t new_timeout = md.find("| `https://example.com/slow` | timeout");
  CHECK(new_timeout > fresh);
  CHECK(new_timeout < known);
  CHECK(has(md, "found \\<html\\> (known, in the baseline) |"));
  CHECK(has(md, "- `/blog/**`\n- `/about` (known, in the baseline)\n"));

  const std::string green = markdown(test::baseline_report(true));
  CHECK(green.rfind("## siteaudit report\n\n\xE2\x9C\x85 **PASSED: 0 new failures, 7 known", 0) ==
        0);
  CHECK_FALSE(has(green, "### New failures"));
  CHECK(has(green, "### Known failures (3)"));
}
