// audit_stream_test.cpp — a large run's results, streamed through the ResultLog, come out
// complete, in input order and the same from run to run; a killed run leaves no report.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "integration/audit_support.hpp"

namespace siteaudit::integration {

namespace {

constexpr int kChildren = 4;
constexpr int kPerChild = 50'000;

// StreamSite is an index of four 50,000-URL sitemaps on the fixture server. Every tenth URL
// is requested (/status/200, a 404 every thousandth, one slow /delay/1500 near the start that
// holds back the order of everything behind it); the others are excluded by --exclude, so
// they are reported as skipped without a request, and still pass through the workers, out of
// order with the rest.
class StreamSite {
 public:
  StreamSite() : server_(dir_.path().string()) {
    std::string index =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (int c = 0; c < kChildren; ++c) {
      std::vector<std::string> urls;
      urls.reserve(kPerChild);
      for (int i = 0; i < kPerChild; ++i) {
        const int n = c * kPerChild + i;
        if (n == 7) {
          urls.push_back(server_.base() + "/delay/1500?n=7");
        } else if (n % 1000 == 3) {
          urls.push_back(fmt::format("{}/status/404?n={}", server_.base(), n));
        } else if (n % 10 == 0) {
          urls.push_back(fmt::format("{}/status/200?n={}", server_.base(), n));
        } else {
          urls.push_back(fmt::format("{}/x/{}", server_.base(), n));
        }
      }
      listed_.insert(listed_.end(), urls.begin(), urls.end());
      const std::string name = fmt::format("child-{}.xml", c);
      write_text(dir_ / name, urlset(urls));
      index += "  <sitemap><loc>" + server_.url("/" + name) + "</loc></sitemap>\n";
    }
    index += "</sitemapindex>\n";
    write_text(dir_ / "index.xml", index);
  }

  std::vector<std::string> args(const std::string& json) const {
    return with_common({server_.url("/index.xml"), "--exclude", "/x/", "--workers", "64",
                        "--retries", "0", "--json", json});
  }
  const std::vector<std::string>& listed() const { return listed_; }

 private:
  TempDir dir_;
  FixtureServer server_;
  std::vector<std::string> listed_;
};

// erase_value() blanks the value after every `"key":` in `text` (a number, a string or an
// object), so that two runs' reports compare without their timing.
void erase_value(std::string& text, std::string_view key) {
  const std::string needle = fmt::format("\"{}\":", key);
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    std::size_t from = at + needle.size();
    while (from < text.size() && text[from] == ' ') ++from;
    std::size_t to = from;
    if (text[to] == '"') {
      to = text.find('"', to + 1) + 1;
    } else if (text[to] == '{') {
      to = text.find('}', to) + 1;
    } else {
      while (to < text.size() && text[to] >= '0' && text[to] <= '9') ++to;
    }
    text.replace(from, to - from, "_");
  }
}

std::string untimed_text(const std::string& path) {
  std::string text = read_text(path);
  for (const char* key : {"started_at", "duration_ms", "latency_ms", "time_ms"}) {
    erase_value(text, key);
  }
  return text;
}

}  // namespace

TEST_CASE("200,000 URLs through an index: each once, in input order, the same in two runs",
          "[integration][stream]") {
  StreamSite site;
  TempDir out;
  const std::string first = out / "first.json";
  const std::string second = out / "second.json";
  for (const std::string& report : {first, second}) {
    AuditRun run = run_siteaudit(site.args(report));
    INFO("stderr: " << run.err);
    CHECK(run.code == 1);  // the 404s
  }

  // The report is read a line at a time (one result a line): no DOM of 200,000 results.
  std::ifstream in(first);
  std::string line;
  while (std::getline(in, line) && line != "  \"results\": [") {
  }
  const std::vector<std::string>& listed = site.listed();
  std::size_t n = 0;
  std::uint64_t skipped = 0, failed = 0;
  std::string out_of_order;  // the first result not where the input listed it
  while (std::getline(in, line) && line != "  ]") {
    if (!line.empty() && line.back() == ',') line.pop_back();
    const json r = json::parse(line);
    if (out_of_order.empty() && (n >= listed.size() || r["url"] != listed[n] || r["seq"] != n)) {
      out_of_order = fmt::format("result {}: {}", n, line);
    }
    skipped += r["outcome"] == "skipped" ? 1 : 0;
    failed += r["outcome"] == "failed" ? 1 : 0;
    ++n;
  }
  CHECK(out_of_order == "");
  CHECK(n == listed.size());
  CHECK(skipped == 200'000 - 20'000 - 200 - 1);
  CHECK(failed == 200);
  CHECK(untimed_text(first) == untimed_text(second));
}

TEST_CASE("A run killed with SIGKILL leaves the report's name as it was", "[integration][stream]") {
  TempDir dir;
  FixtureServer server(dir.path().string());
  std::vector<std::string> urls;
  for (int i = 0; i < 50; ++i) urls.push_back(fmt::format("{}/status/200?n={}", server.base(), i));
  urls.push_back(server.base() + "/delay/20000");
  write_text(dir / "sitemap.xml", urlset(urls));
  TempDir out;
  const std::string earlier = out / "earlier.json";
  write_text(earlier, "an earlier report\n");
  AuditProcess process(with_common({server.url("/sitemap.xml"), "--timeout", "30s", "--json",
                                    out / "report.json", "--junit", earlier}));
  REQUIRE(wait_until([&] {
    for (const std::string& path : requested(server)) {
      if (path.find("/delay/20000") != std::string::npos) return true;
    }
    return !process.running();
  }));
  REQUIRE(process.running());
  process.signal(SIGKILL);
  AuditRun run = process.wait();
  CHECK(run.signaled);
  // Nothing under the new report's name; the one that was there is whole.
  CHECK_FALSE(fs::exists(out / "report.json"));
  CHECK(read_text(earlier) == "an earlier report\n");
}

TEST_CASE("A sitemap run whose TMPDIR cannot hold the results' file exits with 2 at once",
          "[integration][stream]") {
  TempDir dir;
  FixtureServer server(dir.path().string());
  write_text(dir / "sitemap.xml", urlset({server.base() + "/status/200"}));
  AuditRun run = run_siteaudit_with_env(with_common({server.url("/sitemap.xml")}),
                                        {{"TMPDIR", dir / "no-such-directory"}});
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  CHECK(run.err.find("no-such-directory") != std::string::npos);
  CHECK(run.err.find("TMPDIR") != std::string::npos);
  CHECK(requested(server).empty());
}

}  // namespace siteaudit::integration
