// sample_report.hpp — Report values the report-layer tests share.
//
// sample_report() holds one of everything a writer must render: every outcome, a redirect
// chain, a transport error, findings, a failed source, source warnings, missing and unexpected
// routes, config settings of every type, and hostile text (markup, quotes, control characters,
// invalid UTF-8) in the places untrusted input reaches.
//
// Example:
//   model::Report report = test::sample_report();
//   report::write_json(report, out);
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/model/report.hpp"

namespace siteaudit::test {

// make_result() is a Result for `url`, whose text it stores in `report`'s url_text (as the
// loader does for a run), so the Result may go into that report's results.
inline model::Result make_result(model::Report& report, std::string_view url,
                                 model::Outcome outcome, int status, std::uint32_t source,
                                 std::uint32_t line) {
  model::Result r;
  r.url = report.url_text.store(url);
  r.outcome = outcome;
  r.status = static_cast<std::int16_t>(status);
  r.source = source;
  r.line = line;
  if (outcome == model::Outcome::ok || outcome == model::Outcome::failed) {
    r.method = model::CheckMethod::head;
    r.attempts = 1;
    r.time_ms = 40;
  }
  return r;
}

// sample_report() — sources: 0 index (top level), 1 pages.xml, 2 posts.xml.gz, 3 broken.xml.
inline model::Report sample_report() {
  using model::Outcome;
  model::Report report;
  report.tool.version = "0.1.0";
  report.config = {{"workers", std::uint64_t{64}},
                   {"include", std::vector<std::string>{"X-A: 1", "X-B: 2", "X-C: 3"}},
                   {"accept", std::string("200-299")},
                   {"rate", 2.5},
                   {"strict", false}};  // set_strict() turns it on
  report.run.started_at = "2024-05-01T12:00:00Z";
  report.run.duration_ms = 3210;
  report.run.exit_code = 1;

  model::Source index;
  index.url = "https://example.com/sitemap.xml";
  index.kind = model::SourceKind::sitemap_index;
  index.urls = 3;
  model::Source pages;
  pages.url = "https://example.com/pages.xml";
  pages.kind = model::SourceKind::urlset;
  pages.urls = 8;
  pages.parent = 0;
  pages.warnings.push_back({model::FindingCode::invalid_lastmod,
                            "lastmod \"yesterday\" is not a W3C datetime",
                            "https://example.com/pages.xml", 7, model::Severity::warning});
  model::Source posts;
  posts.url = "https://example.com/posts.xml.gz";
  posts.kind = model::SourceKind::urlset;
  posts.urls = 2;
  posts.gzip = true;
  posts.parent = 0;
  model::Source broken;
  broken.url = "https://example.com/broken.xml";
  broken.parent = 0;
  broken.error = "https://example.com/broken.xml:3:1: expected <urlset>, found <html>";
  report.sources = {index, pages, posts, broken};

  report.results.push_back(make_result(report, "https://example.com/", Outcome::ok, 200, 1, 3));

  model::Result redirected = make_result(report, "https://example.com/old", Outcome::ok, 200, 1, 6);
  redirected.time_ms = 120;
  {
    model::ResultDetail& d = redirected.details();
    d.redirects.push_back({"https://example.com/old", 301, "/new", 30});
    d.redirects.push_back({"https://example.com/new", 302, "https://example.com/new/", 25});
    d.final_url = "https://example.com/new/";
    d.lastmod = "2024-04-01";
    d.findings.push_back({model::FindingCode::redirected_url,
                          "listed URL redirects to https://example.com/new/",
                          "https://example.com/old", 0, model::Severity::warning});
  }
  redirected.set_content_type("text/html; charset=utf-8");
  report.results.push_back(std::move(redirected));

  model::Result missing =
      make_result(report, "https://example.com/a&b<c>\"q\"", Outcome::failed, 404, 1, 9);
  missing.details().error_kind = model::ErrorKind::status;
  report.results.push_back(std::move(missing));

  model::Result timeout =
      make_result(report, "https://example.com/slow", Outcome::failed, 0, 1, 12);
  timeout.attempts = 3;
  timeout.time_ms = 30000;
  timeout.details().error = "timeout: no response after 10000 ms";
  timeout.details().error_kind = model::ErrorKind::timeout;
  timeout.details().slow = true;
  report.results.push_back(std::move(timeout));

  model::Result fallback =
      make_result(report, "https://example.com/get-only", Outcome::ok, 200, 1, 15);
  fallback.method = model::CheckMethod::get;
  fallback.attempts = 1;
  fallback.details().fell_back_to_get = true;
  fallback.set_bytes(5120);
  fallback.details().check_url = "https://preview.example.com/get-only";
  report.results.push_back(std::move(fallback));

  model::Result excluded =
      make_result(report, "https://example.com/admin", Outcome::skipped, 0, 2, 2);
  excluded.details().error = "excluded by --exclude /admin";
  excluded.details().error_kind = model::ErrorKind::excluded;
  report.results.push_back(std::move(excluded));

  model::Result cancelled =
      make_result(report, "https://example.com/late", Outcome::cancelled, 0, 2, 4);
  report.results.push_back(std::move(cancelled));

  // Hostile text: an ANSI escape, a bell, a control char and an invalid UTF-8 byte.
  model::Result hostile = make_result(report, "https://example.com/\x1b[31mred\x07\x01\xff|`x`",
                                      Outcome::failed, 500, 1, 20);
  hostile.details().error = "server said \"<boom>\"\n\x1b]0;title\x07";
  hostile.details().error_kind = model::ErrorKind::status;
  report.results.push_back(std::move(hostile));

  report.routes.enabled = true;
  report.routes.file = "routes.txt";
  report.routes.expected = {"/", "/new/", "/blog/**", "/about"};
  report.routes.missing = {"/blog/**", "/about"};
  report.routes.unexpected = {"https://example.com/get-only"};

  report.summary = model::summarize(report);
  report.summary.duplicates = 1;
  return report;
}

// baseline_report() is sample_report() run with --baseline old.json. The baseline had the 404,
// the unreadable sitemap, the missing route /about and a failure that is gone
// (https://example.com/gone, fixed); the timeout, the 500, the cancelled URL and the missing
// /blog/** are new. With `all_known` the baseline had every failure of the run: the run passes.
inline model::Report baseline_report(bool all_known = false) {
  model::Report report = sample_report();
  std::vector<model::FailureKey> now;
  model::add_report_failures(report, false, now);
  for (const model::Result& r : report.results) model::add_result_failures(r, false, now);
  std::vector<model::FailureKey> old = {{"https://example.com/a&b<c>\"q\"", "status"},
                                        {"https://example.com/broken.xml", "source_error"},
                                        {"/about", "missing_route"},
                                        {"https://example.com/gone", "status"}};
  if (all_known) old.insert(old.end(), now.begin(), now.end());
  report.baseline = model::compare_with_baseline("old.json", old, now);
  report.run.exit_code = report.baseline.fresh.empty() ? 0 : 1;
  return report;
}

// rewritten_report() is one failed URL that --rewrite sent to another origin: listed as
// https://example.com/a, requested as https://preview.example.net/a.
inline model::Report rewritten_report() {
  model::Report report;
  model::Source src;
  src.url = "https://example.com/s.xml";
  report.sources.push_back(src);
  model::Result r = make_result(report, "https://example.com/a", model::Outcome::failed, 404, 0, 3);
  r.details().check_url = "https://preview.example.net/a";
  report.results.push_back(std::move(r));
  report.summary = model::summarize(report);
  return report;
}

// set_strict() sets the report's --strict, which the writers read from its config block.
inline void set_strict(model::Report& report, bool on) {
  for (model::ConfigSetting& setting : report.config) {
    if (setting.option == "strict") setting.value = on;
  }
}

// TempFile is a file under the temp directory, removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    static int counter = 0;
    path_ =
        std::filesystem::temp_directory_path() / ("siteaudit-report-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(++counter) + suffix);
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }

  void write(const std::string& content) const {
    std::ofstream(path_, std::ios::binary) << content;
  }

 private:
  std::filesystem::path path_;
};

// run_python() runs `python3 -c script args...` and returns its exit status (0 = success).
inline int run_python(const std::string& script, const std::string& arg1,
                      const std::string& arg2 = "") {
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd = "python3 -c " + quote(script) + " " + quote(arg1);
  if (!arg2.empty()) cmd += " " + quote(arg2);
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace siteaudit::test
