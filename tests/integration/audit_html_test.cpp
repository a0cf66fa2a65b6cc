// audit_html_test.cpp — --html opened in a real browser: Debian's headless Chromium
// (installed by scripts/setup --test-tools) loads the report of a fixture audit with every
// outcome, and one of 100,000 URLs, from disk. The DOM it dumps has the expected rows and
// counts; the page's query parameters (search, outcome, status, host, sort, page) change
// what is shown; the console stays silent (no error, no blocked request); and a screenshot
// is not blank.
#include <cstdlib>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"
#include "integration/baseline_site.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::source_path;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// have_chromium() is true when Debian's chromium is installed; without it the browser tests
// say they were skipped, except under CI, where they fail.
bool have_chromium() {
  if (std::system("command -v chromium >/dev/null 2>&1") == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true") {
    FAIL("chromium is not installed: run scripts/setup --test-tools");
  }
  WARN("SKIPPED: chromium is not installed (scripts/setup --test-tools)");
  return false;
}

// Browser is headless Chromium with a fresh profile, and no traffic of its own.
class Browser {
 public:
  // dump_dom() loads `page` with `query` ("?q=404") and returns the DOM after its scripts ran;
  // the console's lines go to console().
  std::string dump_dom(const std::string& page, const std::string& query = {}) {
    return run("--dump-dom " + quote("file://" + page + query));
  }

  // screenshot() saves a PNG of `page` at 1280x2000 to `png`.
  void screenshot(const std::string& page, const std::string& png) {
    run("--window-size=1280,2000 --screenshot=" + quote(png) + " " + quote("file://" + page));
    REQUIRE(fs::exists(png));
  }

  // console() is what the page said on the console in the last load ("INFO:CONSOLE" lines:
  // errors, failed loads, Content-Security-Policy refusals).
  std::vector<std::string> console() const {
    std::vector<std::string> lines;
    std::string log = read_text(dir_ / "stderr");
    for (std::size_t start = 0; start < log.size();) {
      std::size_t end = log.find('\n', start);
      if (end == std::string::npos) end = log.size();
      std::string line = log.substr(start, end - start);
      if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
      start = end + 1;
    }
    return lines;
  }

 private:
  std::string run(const std::string& what) {
    const std::string profile = dir_ / ("profile-" + std::to_string(++runs_));
    const std::string command =
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic "
        "--no-first-run --disable-background-networking --disable-component-update "
        "--disable-sync --enable-logging=stderr --v=0 --user-data-dir=" +
        quote(profile) + " " + what + " >" + quote(dir_ / "stdout") + " 2>" +
        quote(dir_ / "stderr");
    const int rc = std::system(command.c_str());
    INFO("chromium: " << read_text(dir_ / "stderr"));
    REQUIRE(rc == 0);
    return read_text(dir_ / "stdout");
  }

  TempDir dir_;
  int runs_ = 0;
};

// attribute() is the value of `name` in the first tag of `dom` that holds `marker`.
std::string attribute(const std::string& dom, const std::string& marker, const std::string& name) {
  const std::size_t at = dom.find(marker);
  if (at == std::string::npos) return {};
  const std::size_t open = dom.rfind('<', at);
  const std::size_t close = dom.find('>', at);
  const std::string tag = dom.substr(open, close - open);
  const std::size_t value = tag.find(" " + name + "=\"");
  if (value == std::string::npos) return {};
  const std::size_t start = value + name.size() + 3;
  return tag.substr(start, tag.find('"', start) - start);
}

// Counts is what the failures table says it shows: rows matching, on this page, in all.
struct Counts {
  long matching = -1, shown = -1, total = -1;
};

Counts failures_counts(const std::string& dom) {
  // The failures table is the first on the page, so its count is the first.
  const std::string marker = "data-role=\"count\"";
  Counts c;
  c.matching = std::stol("0" + attribute(dom, marker, "data-matching"));
  c.shown = std::stol("0" + attribute(dom, marker, "data-shown"));
  c.total = std::stol("0" + attribute(dom, marker, "data-total"));
  return c;
}

void check_page_ran(const std::string& dom, const Browser& browser) {
  CHECK(attribute(dom, "<body", "data-ready") == "1");
  CHECK(attribute(dom, "<body", "data-errors") == "0");
  for (const std::string& line : browser.console()) FAIL_CHECK("console: " << line);
}

// non_blank() decodes the PNG with Python's zlib (no imaging library needed) and is true when
// its pixels take more than a handful of values: a page, not an empty canvas.
bool non_blank(const std::string& png) {
  const std::string script =
      "import struct,sys,zlib\n"
      "d=open(sys.argv[1],'rb').read()\n"
      "assert d[:8]==b'\\x89PNG\\r\\n\\x1a\\n'\n"
      "i=8; idat=b''; w=h=0\n"
      "while i<len(d):\n"
      "  n,=struct.unpack('>I',d[i:i+4]); t=d[i+4:i+8]; c=d[i+8:i+8+n]\n"
      "  if t==b'IHDR': w,h=struct.unpack('>II',c[:8])\n"
      "  if t==b'IDAT': idat+=c\n"
      "  i+=12+n\n"
      "raw=zlib.decompress(idat)\n"
      "distinct=len(set(raw[k:k+3] for k in range(0,len(raw)-3,997)))\n"
      "print(w,h,distinct); sys.exit(0 if w>0 and h>0 and distinct>8 else 1)\n";
  TempDir dir;
  const int rc = std::system(
      ("python3 -c " + quote(script) + " " + quote(png) + " >" + quote(dir / "out") + " 2>&1")
          .c_str());
  INFO("png check: " << read_text(dir / "out"));
  return rc == 0;
}

}  // namespace

TEST_CASE("option html opens in Chromium with every outcome, and its filters change the rows",
          "[integration][audit][reports][browser]") {
  if (!have_chromium()) return;
  FixtureServer server("fixtures/audit");
  TempDir dir;
  const std::string page = dir / "report.html";
  AuditRun run = run_siteaudit(with_common(
      {server.url("/outcomes.xml"), "--exclude", "/private/", "--max-time", "2s", "--timeout",
       "30s", "--retries", "0", "--expect", source_path("fixtures/audit/routes.txt"), "--html",
       page, "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  const json report = load_json(dir / "report.json");
  long not_ok = 0, cancelled = 0, failed_4xx = 0;
  for (const json& r : report["results"]) {
    if (r["outcome"] != "ok") ++not_ok;
    if (r["outcome"] == "cancelled") ++cancelled;
    if (r["outcome"] != "ok" && r["status"].is_number() && r["status"].get<int>() / 100 == 4) {
      ++failed_4xx;
    }
  }
  REQUIRE(not_ok > 2);
  REQUIRE(cancelled > 0);

  Browser browser;
  const std::string dom = browser.dump_dom(page);
  check_page_ran(dom, browser);
  Counts all = failures_counts(dom);
  CHECK(all.total == not_ok);
  CHECK(all.matching == not_ok);
  CHECK(all.shown == not_ok);
  CHECK(dom.find(server.url("/status/404")) != std::string::npos);
  CHECK(attribute(dom, "data-card=\"URLs\"", "data-card") == "URLs");
  CHECK(dom.find("<svg") != std::string::npos);
  CHECK(dom.find("Missing routes") != std::string::npos);

  // Search, filters and sort come from the query, as a link or a person would set them.
  Counts searched = failures_counts(browser.dump_dom(page, "?q=status/404"));
  CHECK(searched.matching == 1);
  CHECK(searched.total == not_ok);
  Counts by_outcome = failures_counts(browser.dump_dom(page, "?outcome=cancelled"));
  CHECK(by_outcome.matching == cancelled);
  Counts by_status = failures_counts(browser.dump_dom(page, "?status=4xx"));
  CHECK(by_status.matching == failed_4xx);
  Counts no_host = failures_counts(browser.dump_dom(page, "?host=example.invalid"));
  CHECK(no_host.matching == 0);
  const std::string sorted = browser.dump_dom(page, "?sort=status&dir=desc");
  check_page_ran(sorted, browser);
  CHECK(attribute(sorted, "data-sort=\"status\"", "data-sort") == "status");
  CHECK(sorted.find("aria-sort=\"descending\"") != std::string::npos);

  browser.screenshot(page, dir / "report.png");
  CHECK(non_blank(dir / "report.png"));
}

TEST_CASE("option html of 100,000 URLs opens in Chromium and pages its table",
          "[integration][audit][reports][browser]") {
  if (!have_chromium()) return;
  TempDir dir;
  // Nothing listens on port 1: every check fails at once, so all 100,000 URLs are rows.
  std::vector<std::string> urls;
  urls.reserve(100'000);
  for (int i = 0; i < 100'000; ++i) urls.push_back("http://127.0.0.1:1/page/" + std::to_string(i));
  write_text(dir / "sitemap.xml", urlset(urls));
  const std::string page = dir / "report.html";
  AuditRun run = run_siteaudit(
      with_common({dir / "sitemap.xml", "--retries", "0", "--quiet", "--html", page}));
  CHECK(run.code == 1);

  Browser browser;
  const std::string dom = browser.dump_dom(page);
  check_page_ran(dom, browser);
  Counts all = failures_counts(dom);
  CHECK(all.total == 100'000);
  CHECK(all.shown == 100);  // one page of rows
  CHECK(dom.find("Page 1 of 1000") != std::string::npos);
  Counts searched = failures_counts(browser.dump_dom(page, "?q=/page/4242"));
  CHECK(searched.matching == 11);  // 4242 and 42420-42429
  const std::string last = browser.dump_dom(page, "?page=1000");
  CHECK(last.find("Page 1000 of 1000") != std::string::npos);
  browser.screenshot(page, dir / "report.png");
  CHECK(non_blank(dir / "report.png"));
}

TEST_CASE("option html in crawl mode shows the pages that link to a broken URL",
          "[integration][audit][reports][browser][crawl]") {
  if (!have_chromium()) return;
  FixtureServer other("fixtures/crawl/other");
  FixtureServer site("fixtures/crawl/site", {"--var", "OTHER=" + other.base()});
  TempDir dir;
  const std::string page = dir / "report.html";
  AuditRun run = run_siteaudit(with_common({"--crawl", site.url("/"), "--html", page}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  Browser browser;
  const std::string dom = browser.dump_dom(page, "?q=missing.html");
  check_page_ran(dom, browser);
  CHECK(failures_counts(dom).matching >= 1);
  CHECK(dom.find("Linked from") != std::string::npos);
  CHECK(dom.find("1 more page") != std::string::npos);  // /missing.html has two referrers
  CHECK(dom.find("data-card=\"pages crawled\"") != std::string::npos);
  // Filtering by how a URL was found: every listed link in this crawl was found by a link.
  const Counts by_link = failures_counts(browser.dump_dom(page, "?found=link"));
  const Counts by_sitemap = failures_counts(browser.dump_dom(page, "?found=sitemap"));
  CHECK(by_link.matching + by_sitemap.matching <= by_link.total);
  CHECK(by_link.matching >= 1);
}

TEST_CASE("option html with a baseline marks known failures, filters by them, lists fixed ones",
          "[integration][audit][reports][browser][baseline]") {
  if (!have_chromium()) return;
  TempDir dir;
  BaselineSite site;
  site.list({"/status/200", "/status/404?old", "/status/500?old"});
  REQUIRE(site.audit({"--json", dir / "old.json"}).code == 1);
  site.list({"/status/200", "/status/404?old", "/status/410?new", "/status/403?new"});
  const std::string page = dir / "report.html";
  AuditRun run = site.audit({"--baseline", dir / "old.json", "--html", page});
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);

  Browser browser;
  const std::string dom = browser.dump_dom(page);
  check_page_ran(dom, browser);
  CHECK(failures_counts(dom).total == 3);
  CHECK(dom.find("data-card=\"new failures\"") != std::string::npos);
  CHECK(dom.find("data-card=\"known failures (in the baseline)\"") != std::string::npos);
  CHECK(dom.find("Fixed since the baseline (1)") != std::string::npos);
  CHECK(dom.find(site.url("/status/500?old")) != std::string::npos);  // listed as fixed
  CHECK(dom.find("class=\"badge known\"") != std::string::npos);
  // The Baseline filter, from the query as a link would set it.
  CHECK(failures_counts(browser.dump_dom(page, "?baseline=known")).matching == 1);
  CHECK(failures_counts(browser.dump_dom(page, "?baseline=new")).matching == 2);
  const std::string sorted = browser.dump_dom(page, "?sort=baseline");
  check_page_ran(sorted, browser);
  CHECK(sorted.find("data-sort=\"baseline\"") != std::string::npos);
  browser.screenshot(page, dir / "report.png");
  CHECK(non_blank(dir / "report.png"));
}
