// summary_writer_test.cpp — the terminal summary: contents, caps, colour and NO_COLOR.
#include "siteaudit/report/summary_writer.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "report/sample_report.hpp"

namespace {

using namespace siteaudit;

std::string summary(const model::Report& report, report::SummaryStyle style = {}) {
  std::ostringstream out;
  report::write_summary(report, out, style);
  return out.str();
}

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// last_line() is the verdict: the final non-empty line.
std::string last_line(const std::string& s) {
  std::string body = s.substr(0, s.find_last_not_of('\n') + 1);
  return body.substr(body.rfind('\n') + 1);
}

}  // namespace

TEST_CASE("summary shows counts, latency, failures with their sitemap, routes, verdict",
          "[report]") {
  const std::string s = summary(test::sample_report());
  CHECK(has(s, "siteaudit 0.1.0: 8 URLs from 4 sources in 3.2s"));
  CHECK(has(s, "ok 3   failed 3   skipped 1   cancelled 1   warnings 2   duplicates 1"));
  CHECK(has(s, "2xx 3   3xx 0   4xx 1   5xx 1   none 1"));
  CHECK(has(s, "p50 40ms   p90 30.0s   p99 30.0s   max 30.0s"));
  CHECK(has(s, "Failures (3):"));
  CHECK(has(s,
            "  https://example.com/a&b<c>\"q\"\n      404 Not Found  "
            "(https://example.com/pages.xml:9)\n"));
  CHECK(has(s, "timeout: no response after 10000 ms  (https://example.com/pages.xml:12)"));
  CHECK(has(s, "Sitemaps that could not be loaded (1):\n  https://example.com/broken.xml\n"));
  CHECK(has(
      s, "Missing routes (2), expected by routes.txt but in no sitemap:\n  /blog/**\n  /about\n"));
  CHECK(has(s, "1 sitemap URL matches no route in routes.txt (--verbose lists them)"));
  CHECK(has(s, "2 warnings (--verbose lists them)"));
  CHECK_FALSE(has(s, "invalid_lastmod"));  // warnings are listed only when verbose
  CHECK(last_line(s) ==
        "FAILED: 3 of 8 URLs failed, 1 cancelled, 1 skipped, 2 expected routes missing, "
        "1 sitemap could not be loaded, 2 warnings");
}

TEST_CASE("summary without colour has no escape sequences, even from hostile URLs", "[report]") {
  const std::string s = summary(test::sample_report(), {.color = false});
  CHECK_FALSE(has(s, "\x1b"));
  CHECK_FALSE(has(s, "\x07"));
  CHECK_FALSE(has(s, "\xff"));
  // The hostile URL is shown with its control characters replaced by U+FFFD.
  CHECK(has(s, "https://example.com/\xEF\xBF\xBD[31mred\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|`x`"));
}

TEST_CASE("summary with colour paints failures red and the verdict bold", "[report]") {
  const std::string s = summary(test::sample_report(), {.color = true});
  CHECK(has(s, "failed \x1b[31m3\x1b[0m"));
  CHECK(has(s, "\x1b[31m404 Not Found\x1b[0m"));
  CHECK(last_line(s).rfind("\x1b[1;31mFAILED: 3 of 8 URLs failed", 0) == 0);
  CHECK(has(s, "ok \x1b[32m3\x1b[0m"));
  CHECK(has(s, "4xx \x1b[31m1\x1b[0m"));
  CHECK(has(s, "3xx 0"));  // zero counts stay plain
  // Colour comes only from us: the URL's own ESC is still replaced.
  CHECK_FALSE(has(s, "\x1b[31mred"));
}

TEST_CASE("summary caps the failure list unless verbose", "[report]") {
  model::Report report;
  model::Source src;
  src.url = "https://example.com/sitemap.xml";
  report.sources.push_back(src);
  for (int i = 0; i < 25; ++i) {
    report.results.push_back(test::make_result(report,
                                               "https://example.com/broken/" + std::to_string(i),
                                               model::Outcome::failed, 404, 0, i + 1));
  }
  report.summary = model::summarize(report);
  report.run.exit_code = 1;

  const std::string normal = summary(report, {.max_listed = 10});
  CHECK(has(normal, "https://example.com/broken/9\n"));
  CHECK_FALSE(has(normal, "https://example.com/broken/10\n"));
  CHECK(has(normal, "... and 15 more (--verbose lists all)"));

  const std::string verbose = summary(report, {.verbose = true, .max_listed = 10});
  CHECK(has(verbose, "https://example.com/broken/24\n"));
  CHECK_FALSE(has(verbose, "more (--verbose"));
}

TEST_CASE("verbose summary lists warnings and unexpected URLs", "[report]") {
  const std::string s = summary(test::sample_report(), {.verbose = true});
  CHECK(has(s, "Warnings (2):"));
  CHECK(has(s, "  https://example.com/pages.xml:7\n      invalid_lastmod: lastmod \"yesterday\""));
  CHECK(has(s, "  https://example.com/old\n      redirected_url: listed URL redirects"));
  CHECK(has(s,
            "Unexpected URLs (1), matching no route in routes.txt:\n"
            "  https://example.com/get-only\n"));
}

TEST_CASE("summary verdict for a clean run and an interrupted one", "[report]") {
  model::Report report;
  model::Source src;
  src.url = "https://example.com/sitemap.xml";
  report.sources.push_back(src);
  report.results.push_back(
      test::make_result(report, "https://example.com/", model::Outcome::ok, 200, 0, 1));
  report.results.push_back(
      test::make_result(report, "https://example.com/b", model::Outcome::ok, 200, 0, 2));
  report.summary = model::summarize(report);
  std::string s = summary(report, {.color = true});
  CHECK(last_line(s) == "\x1b[1;32mPASSED: all 2 URLs ok\x1b[0m");
  CHECK_FALSE(has(s, "Failures"));

  report.results.push_back(
      test::make_result(report, "https://example.com/c", model::Outcome::cancelled, 0, 0, 3));
  report.summary = model::summarize(report);
  report.run.interrupted = true;
  report.run.interrupt_reason = "SIGINT";
  report.run.exit_code = 130;
  s = summary(report);
  CHECK(last_line(s) == "INTERRUPTED (SIGINT): 0 of 3 URLs failed, 1 cancelled");

  // --strict that failed the run on a warning alone never reads "0 failed" first.
  model::Report warned;
  warned.sources.push_back(src);
  warned.sources[0].warnings.push_back(
      {model::FindingCode::invalid_lastmod, "bad lastmod", src.url, 3, model::Severity::warning});
  warned.results.push_back(
      test::make_result(warned, "https://example.com/", model::Outcome::ok, 200, 0, 1));
  warned.config = {{"strict", true}};
  warned.summary = model::summarize(warned);
  warned.run.exit_code = 1;
  CHECK(last_line(summary(warned)) ==
        "FAILED: 1 failure under --strict (1 warning), 0 of 1 URL failed");
}

TEST_CASE("color_enabled follows --color, the terminal and NO_COLOR", "[report]") {
  using model::ColorMode;
  CHECK(report::color_enabled(ColorMode::always, false, "1"));
  CHECK(report::color_enabled(ColorMode::always, false, nullptr));
  CHECK_FALSE(report::color_enabled(ColorMode::never, true, nullptr));
  CHECK(report::color_enabled(ColorMode::auto_detect, true, nullptr));
  CHECK(report::color_enabled(ColorMode::auto_detect, true, ""));  // empty = unset
  CHECK_FALSE(report::color_enabled(ColorMode::auto_detect, true, "1"));
  CHECK_FALSE(report::color_enabled(ColorMode::auto_detect, true, "0"));  // any value counts
  CHECK_FALSE(report::color_enabled(ColorMode::auto_detect, false, nullptr));
}

TEST_CASE("summary hints at --ca-file and --insecure when a certificate was not trusted",
          "[report]") {
  model::Report report = test::sample_report();
  CHECK_FALSE(has(summary(report), "--ca-file"));
  for (model::Result& r : report.results.memory()) {
    if (r.outcome != model::Outcome::failed) continue;
    r.details().error_kind = model::ErrorKind::tls;
    r.details().error = "the TLS certificate of example.com:443 is not trusted";
    break;
  }
  const std::string s = summary(report);
  CHECK(has(s, "hint: --ca-file FILE trusts a private CA; --insecure skips TLS checks"));
}

TEST_CASE("summary failure lines state the status once and fit 100 columns", "[report]") {
  model::Report report;
  model::Source near;
  near.url = "https://example.com/s.xml";
  model::Source far;
  far.url = "https://static.example.com/sitemaps/2024/products/sitemap-products-000017.xml";
  report.sources = {near, far};
  for (std::uint32_t source : {0u, 1u}) {
    model::Result r = test::make_result(report, "https://example.com/p/" + std::to_string(source),
                                        model::Outcome::failed, 404, source, 54);
    r.details().error = "status 404 is not accepted (--accept 200-299)";
    r.details().error_kind = model::ErrorKind::status;
    report.results.push_back(std::move(r));
  }
  report.summary = model::summarize(report);
  const std::string s = summary(report);
  INFO(s);
  // Beside the reason while it fits, below it when it would not.
  CHECK(has(s,
            "      404 Not Found: not accepted (--accept 200-299)  "
            "(https://example.com/s.xml:54)\n"));
  CHECK(has(s, "      404 Not Found: not accepted (--accept 200-299)\n      (https://static"));
  CHECK_FALSE(has(s, "status 404"));
  std::istringstream lines(s);
  for (std::string line; std::getline(lines, line);) CHECK(line.size() <= 100);
}

TEST_CASE("summary shows the URL requested beside the one listed when --rewrite changed it",
          "[report]") {
  const model::Report report = test::rewritten_report();
  CHECK(has(summary(report),
            "  https://example.com/a\n      requested as https://preview.example.net/a\n"
            "      404 Not Found"));
}

TEST_CASE("summary with a baseline lists new failures, known ones apart, and fixed ones",
          "[report][baseline]") {
  const std::string s = summary(test::baseline_report());
  CHECK(has(s, "baseline  new 4   known 3   fixed 1   (old.json)"));
  CHECK(has(s, "New failures, not in the baseline (2):\n  https://example.com/slow\n"));
  CHECK(has(s,
            "Known failures, in the baseline (1); they do not fail the run:\n"
            "  https://example.com/a&b<c>\"q\"\n      404 Not Found"));
  CHECK_FALSE(has(s, "Failures ("));
  // The known 404 is listed once, under the known ones.
  CHECK(s.find("https://example.com/a&b<c>") == s.rfind("https://example.com/a&b<c>"));
  CHECK(has(s, "Fixed since the baseline (1):\n  https://example.com/gone  (status)\n"));
  CHECK(has(s, "https://example.com/broken.xml (known, in the baseline)\n"));
  CHECK(has(s, "  /blog/**\n  /about (known, in the baseline)\n"));
  CHECK(last_line(s) ==
        "FAILED: 4 new failures, 3 known (in the baseline), 1 fixed since the baseline, 3 of 8 "
        "URLs failed, 1 cancelled, 1 skipped, 2 expected routes missing, 1 sitemap could not be "
        "loaded, 2 warnings");

  // --quiet lists only what fails the run and counts the known ones.
  const std::string quiet = summary(test::baseline_report(), {.failures_only = true});
  CHECK(has(quiet, "New failures, not in the baseline (2):"));
  CHECK(has(quiet, "1 known failed URL (in the baseline) not listed"));
  CHECK_FALSE(has(quiet, "404 Not Found"));

  // Every failure known: the run passes, and the headline says why.
  const std::string green = summary(test::baseline_report(true));
  CHECK_FALSE(has(green, "New failures"));
  CHECK(has(green, "Known failures, in the baseline (3); they do not fail the run:"));
  CHECK(last_line(green).starts_with(
      "PASSED: 0 new failures, 7 known (in the baseline), 1 fixed since the baseline, 3 of 8 "
      "URLs ok"));
}
