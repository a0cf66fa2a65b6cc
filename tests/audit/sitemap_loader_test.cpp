// sitemap_loader_test.cpp — the loader against the fixture server: discovery, recursion,
// limits, failures, gzip, de-duplication and a 1,000,000-URL streaming run.
#include "siteaudit/audit/sitemap_loader.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "audit/sitemap_test_support.hpp"
#include "siteaudit/audit/retry_policy.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"
#include "support/fixture_server.hpp"

using namespace siteaudit;
using namespace siteaudit::audit;
using siteaudit::testing::count_code;
using siteaudit::testing::FixtureServer;

namespace {

struct LoaderRun {
  LoadResult result;
  TextArena url_text;  // what jobs[].url views; moving the run keeps the views valid
  std::vector<Job> jobs;
  std::uint64_t job_count = 0;
  std::vector<Source> sources;
  std::uint64_t duplicates = 0;
  std::uint64_t peak = 0;
  std::size_t robots = 0;           // origins whose robots.txt the loader handed to the cache
  std::uint64_t robot_fetches = 0;  // robots.txt requests the cache made itself
};

// run_loader() runs a SitemapLoader on a 2-thread runtime as the pipeline does: it offers to a
// Frontier whose dispatcher feeds a small jobs channel, drained by one consumer fiber that
// also plays the collector. A `cancel_after` above 0 cancels the run's context that long after
// the start, as a signal would.
LoaderRun run_loader(const std::vector<std::string>& inputs, LoaderOptions options = {},
                     bool keep_jobs = true, FrontierOptions frontier_options = {},
                     std::chrono::milliseconds cancel_after = std::chrono::milliseconds(0)) {
  LoaderRun out;
  rt::Runtime runtime({.threads = 2});
  auto status = runtime.run([&] {
    net::HttpClient client;
    Frontier frontier(std::move(frontier_options));
    rt::Channel<Job> jobs(16);
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      for (Job job : jobs) {
        ++out.job_count;
        if (keep_jobs) out.jobs.push_back(std::move(job));
        frontier.collected();
      }
      wg.done();
    });
    RobotsCache robots(client);
    if (options.robots == nullptr) options.robots = &robots;
    SitemapLoader loader(client, std::move(options), frontier);
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    if (cancel_after.count() > 0) {
      rt::go([cancel = cancel, cancel_after] {
        rt::sleep_for(cancel_after);
        cancel();
      });
    }
    frontier.add_producer();
    rt::go([&frontier, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx); });
    out.result = loader.run(ctx, inputs);
    frontier.producer_done();
    wg.wait();
    out.url_text = frontier.take_text();
    out.duplicates = frontier.duplicates();
    out.peak = loader.peak_document_bytes();
    out.robots = robots.origins();
    out.robot_fetches = robots.fetches();
    out.sources = loader.take_sources();
  });
  REQUIRE(status.ok());
  return out;
}

std::vector<std::string> job_urls(const LoaderRun& run, std::string_view base) {
  std::vector<std::string> out;
  for (const Job& j : run.jobs) {
    std::string u = j.check_url;
    if (u.starts_with(base)) u = u.substr(base.size());
    out.push_back(u);
  }
  return out;
}

// TempDir is a fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "siteaudit-loader-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& name, std::string_view bytes) const {
    std::filesystem::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
};

std::string gzip(std::string_view plain) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string urlset(std::string_view base, const std::vector<std::string>& paths) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& p : paths) xml += "<url><loc>" + std::string(base) + p + "</loc></url>\n";
  return xml + "</urlset>\n";
}

}  // namespace

TEST_CASE("Loader: robots.txt discovery through an index (next-sitemap)", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  auto run = run_loader({server.url("/nextjs/robots.txt")});
  REQUIRE(run.result.ok());
  CHECK(job_urls(run, server.base()) ==
        std::vector<std::string>{"/nextjs", "/nextjs/blog", "/nextjs/blog/hello-world"});
  REQUIRE(run.sources.size() == 3);
  CHECK(run.sources[0].kind == SourceKind::robots);
  CHECK(run.sources[1].kind == SourceKind::sitemap_index);
  CHECK(run.sources[1].parent == 0);
  CHECK(run.sources[2].kind == SourceKind::urlset);
  CHECK(run.sources[2].urls == 3);
  CHECK(run.jobs[0].source == 2);
  CHECK(run.jobs[0].line == 3);
  CHECK(run.jobs[0].lastmod == "2024-05-14T08:21:37.512Z");
  CHECK(run.jobs[2].seq == 2);
  CHECK(run.robots == 1);
  CHECK(run.robot_fetches == 0);
}

TEST_CASE("Loader: a site root without Sitemap: lines falls back to /sitemap.xml", "[audit]") {
  TempDir dir;
  dir.write("robots.txt", "User-agent: *\nDisallow: /private\n");
  dir.write("sitemap.xml", urlset("{{BASE}}", {"/a", "/b"}));
  FixtureServer server(dir.path.string());
  auto run = run_loader({server.base() + "/"});
  REQUIRE(run.result.ok());
  CHECK(job_urls(run, server.base()) == std::vector<std::string>{"/a", "/b"});
  REQUIRE(run.sources.size() == 2);
  CHECK(count_code(run.sources[0].warnings, FindingCode::sitemap_fallback) == 1);
}

TEST_CASE("Loader: robots.txt 404 falls back and the missing sitemap is a child failure",
          "[audit]") {
  TempDir dir;
  dir.write("index.html", "<html></html>");
  FixtureServer server(dir.path.string());
  LoaderOptions options;
  options.allow_empty = true;
  auto run = run_loader({server.url("/robots.txt")}, options);
  REQUIRE(run.result.ok());
  CHECK(run.jobs.empty());
  REQUIRE(run.sources.size() == 2);
  CHECK(run.sources[0].kind == SourceKind::robots);
  // A missing robots.txt is a site without one (RFC 9309), not a source that failed.
  CHECK(run.sources[0].error.empty());
  CHECK(run.sources[1].error.find("HTTP status 404") != std::string::npos);
  // Without --allow-empty, an input that leads to nothing is an input error naming it and why.
  auto strict = run_loader({server.url("/robots.txt")});
  CHECK(strict.result.error ==
        server.url("/robots.txt") + ": no URLs found: " + server.url("/sitemap.xml") +
            ": HTTP status 404 (use --allow-empty to accept an empty input)");
}

TEST_CASE("Loader: index cycles, duplicates, child failures and nesting", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  auto run = run_loader({server.url("/index/a.xml")});
  REQUIRE(run.result.ok());
  // Depth first: b.xml lists ./pages.xml before a.xml gets to it.
  CHECK(job_urls(run, server.base()) ==
        std::vector<std::string>{"/index/one.html", "/index/two.html", "/index/three.html"});
  // a.xml, b.xml, pages.xml, missing.xml, broken.xml — a.xml and pages.xml not twice.
  REQUIRE(run.sources.size() == 5);
  const Source& b = run.sources[1];
  CHECK(b.kind == SourceKind::sitemap_index);
  CHECK(count_code(b.warnings, FindingCode::nested_index) == 1);
  CHECK(count_code(b.warnings, FindingCode::sitemap_already_loaded) == 1);
  CHECK(run.sources[2].url == server.url("/index/pages.xml"));
  CHECK(run.sources[3].error == server.url("/index/missing.xml") + ": HTTP status 404");
  // Line 4 is "  <url><loc>BASE/index/fo": the document ends after it.
  std::size_t col = 12 + server.base().size() + 9 + 1;
  CHECK(run.sources[4].error == server.url("/index/broken.xml") + ":4:" + std::to_string(col) +
                                    ": unexpected end of document: <loc> is not closed");
  CHECK(run.sources[4].urls == 1);
  CHECK(count_code(run.sources[0].warnings, FindingCode::sitemap_already_loaded) == 1);
}

TEST_CASE("Loader: the depth limit stops nested indexes", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  auto deep = run_loader({server.url("/index/deep1.xml")});
  REQUIRE(deep.result.ok());
  CHECK(job_urls(deep, server.base()) == std::vector<std::string>{"/index/deepest.html"});
  LoaderOptions shallow;
  shallow.max_depth = 2;
  shallow.allow_empty = true;
  auto limited = run_loader({server.url("/index/deep1.xml")}, shallow);
  REQUIRE(limited.result.ok());
  CHECK(limited.jobs.empty());
  REQUIRE(limited.sources.size() == 3);
  CHECK(count_code(limited.sources[2].warnings, FindingCode::max_depth_reached) == 1);
}

TEST_CASE("Loader: the sitemap and URL limits", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  LoaderOptions few;
  few.max_sitemaps = 2;
  auto run = run_loader({server.url("/yoast/sitemap_index.xml")}, few);
  REQUIRE(run.result.ok());
  CHECK(run.sources.size() == 2);
  CHECK(count_code(run.sources[0].warnings, FindingCode::max_sitemaps_reached) == 1);
  auto urls = run_loader({server.url("/yoast/sitemap_index.xml")}, {}, true, {.max_urls = 3});
  REQUIRE(urls.result.ok());
  CHECK(urls.result.url_limit_reached);
  CHECK(urls.jobs.size() == 3);
}

TEST_CASE("Loader: top-level failures are input errors naming the place", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  auto missing = run_loader({server.url("/nope.xml")});
  CHECK(missing.result.error == server.url("/nope.xml") + ": HTTP status 404");
  auto broken = run_loader({server.url("/broken/mismatch.xml")});
  CHECK(broken.result.error ==
        server.url("/broken/mismatch.xml") + ":8:5: expected </url>, found </uri>");
  auto html = run_loader({server.url("/broken/html.xml")});
  // A page where a sitemap was expected says what it is and what to give instead.
  CHECK(html.result.error == server.url("/broken/html.xml") +
                                 ": this is an HTML page, not a sitemap: name the site's sitemap "
                                 "(or its root, to find it through robots.txt), or add --crawl to "
                                 "check the page and its links");
  auto refused = run_loader({"http://127.0.0.1:9/sitemap.xml"});
  CHECK(refused.result.error.starts_with("http://127.0.0.1:9/sitemap.xml: "));
  auto file = run_loader({"/nonexistent/sitemap.xml"});
  CHECK(file.result.error == "/nonexistent/sitemap.xml: cannot open: No such file or directory");
}

TEST_CASE("Loader: a transient failure of a sitemap fetch is tried again, like a page's",
          "[audit]") {
  FixtureServer server;
  TempDir dir;
  // Two retries, backoff of at most 20 ms, a fixed jitter seed.
  RetryPolicy retry(2, std::chrono::milliseconds(20), std::chrono::milliseconds(5), 7);

  SECTION("a 429 with Retry-After: 0, then the document") {
    LoaderOptions options;
    options.retry = &retry;
    options.allow_empty = true;  // the document is the server's empty answer
    auto run = run_loader({server.url("/retry-after/0?key=top")}, std::move(options));
    CHECK(run.result.ok());
    REQUIRE(run.sources.size() == 1);
    CHECK(run.sources[0].error.empty());
    CHECK(server.logged("/retry-after/0?key=top") == 2);
  }
  SECTION("without a policy the 429 is final") {
    auto run = run_loader({server.url("/retry-after/0?key=once")});
    CHECK(run.result.error == server.url("/retry-after/0?key=once") + ": HTTP status 429");
    CHECK(server.logged("/retry-after/0?key=once") == 1);
  }
  SECTION("a child that keeps failing costs its retries, then says so; its siblings load") {
    const std::string failing = server.url("/status/503?key=child");
    const std::string index_path = (dir.path / "index.xml").string();
    dir.write("index.xml",
              "<?xml version=\"1.0\"?>\n"
              "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
              "<sitemap><loc>" +
                  failing +
                  "</loc></sitemap>\n"
                  "<sitemap><loc>" +
                  server.url("/retry-after/0?key=sibling") +
                  "</loc></sitemap>\n"
                  "</sitemapindex>\n");
    LoaderOptions options;
    options.retry = &retry;
    options.allow_empty = true;
    auto run = run_loader({index_path}, std::move(options));
    CHECK(run.result.ok());
    REQUIRE(run.sources.size() == 3);
    CHECK(run.sources[1].url == failing);
    CHECK(run.sources[1].error == failing + ": HTTP status 503 (gave up after 3 attempts)");
    CHECK(run.sources[2].error.empty());
    CHECK(server.logged("/status/503?key=child") == 3);
    CHECK(server.logged("/retry-after/0?key=sibling") == 2);
  }
  SECTION("a 404 is final at once") {
    LoaderOptions options;
    options.retry = &retry;
    auto run = run_loader({server.url("/status/404?key=gone")}, std::move(options));
    CHECK(run.result.error == server.url("/status/404?key=gone") + ": HTTP status 404");
    CHECK(server.logged("/status/404?key=gone") == 1);
  }
}

TEST_CASE("Loader: gzip by magic bytes, not by name", "[audit]") {
  TempDir dir;
  dir.write("robots.txt",
            "Sitemap: {{BASE}}/s1.dat\nSitemap: {{BASE}}/plain.xml.gz\nSitemap: "
            "{{BASE}}/feed.txt.gz\n");
  // .dat is served as-is, so its gzip body carries absolute URLs already.
  FixtureServer server(dir.path.string());
  dir.write("s1.dat", gzip(urlset(server.base(), {"/gz-one"})));
  // The server serves a .gz that is not gzip untouched, so this one names its origin itself.
  dir.write("plain.xml.gz", urlset(server.base(), {"/plain-under-gz-name"}));
  dir.write("feed.txt.gz", gzip("{{BASE}}/text-in-gzip\n"));
  auto run = run_loader({server.url("/robots.txt")});
  REQUIRE(run.result.ok());
  CHECK(job_urls(run, server.base()) ==
        std::vector<std::string>{"/gz-one", "/plain-under-gz-name", "/text-in-gzip"});
  REQUIRE(run.sources.size() == 4);
  CHECK(run.sources[1].gzip);
  CHECK_FALSE(run.sources[2].gzip);
  CHECK(run.sources[3].gzip);
  CHECK(run.sources[3].kind == SourceKind::text);
}

TEST_CASE("Loader: a gzip bomb stops at the size cap, memory bounded", "[audit]") {
  FixtureServer server("fixtures/sitemaps");
  LoaderOptions options;
  options.max_sitemap_bytes = 4u << 20;
  auto body = run_loader({server.url("/gzip-bomb")}, options);
  CHECK(body.result.error.find("gzip output exceeds the 4194304-byte limit") != std::string::npos);
  CHECK(body.peak <= options.max_sitemap_bytes);
}

TEST_CASE("Loader: duplicates are counted once, rewrite sets check_url", "[audit]") {
  TempDir dir;
  dir.write("index.xml",
            "<sitemapindex><sitemap><loc>{{BASE}}/one.xml</loc></sitemap>"
            "<sitemap><loc>{{BASE}}/two.xml</loc></sitemap></sitemapindex>");
  dir.write("one.xml", urlset("{{BASE}}", {"/a", "/b", "/a"}));
  dir.write("two.xml", urlset("{{BASE}}", {"/b", "/c"}));
  FixtureServer server(dir.path.string());
  FrontierOptions options;
  options.rewrite = [](std::string_view url) {
    return "https://preview.example" + std::string(url.substr(url.find('/', 8)));
  };
  auto run = run_loader({server.url("/index.xml")}, {}, true, std::move(options));
  REQUIRE(run.result.ok());
  REQUIRE(run.jobs.size() == 3);
  CHECK(run.duplicates == 2);
  CHECK(run.jobs[0].url == server.url("/a"));
  CHECK(run.jobs[0].check_url == "https://preview.example/a");
  CHECK(count_code(run.sources[1].warnings, FindingCode::duplicate_url) == 1);
  CHECK(count_code(run.sources[2].warnings, FindingCode::duplicate_url) == 1);
  CHECK(run.sources[1].urls == 3);
}

TEST_CASE("Loader: a local file and feeds by content", "[audit]") {
  TempDir dir;
  dir.write("local.xml", urlset("https://example.com", {"/x", "/y"}));
  dir.write("list", "https://example.com/t1\nhttps://example.com/t2\n");
  auto run = run_loader({(dir.path / "local.xml").string(), (dir.path / "list").string()});
  REQUIRE(run.result.ok());
  CHECK(run.jobs.size() == 4);
  CHECK(run.sources[1].kind == SourceKind::text);
  FixtureServer server("fixtures/sitemaps");
  auto feeds = run_loader({server.url("/feeds/rss.xml"), server.url("/feeds/atom.xml")});
  REQUIRE(feeds.result.ok());
  CHECK(feeds.sources[0].kind == SourceKind::rss);
  CHECK(feeds.sources[1].kind == SourceKind::atom);
  CHECK(feeds.jobs.size() == 3);  // second post is in both feeds
  CHECK(feeds.duplicates == 1);
}

TEST_CASE("detect_format by content, not name", "[audit]") {
  CHECK(detect_format("\xEF\xBB\xBF  <?xml version=\"1.0\"?><urlset/>", "x.txt") ==
        DocumentFormat::xml);
  CHECK(detect_format("User-agent: *\nDisallow:\n", "/sitemap.xml") == DocumentFormat::robots);
  CHECK(detect_format("https://a.example/\n", "https://a.example/robots.txt") ==
        DocumentFormat::text);
  CHECK(detect_format("", "https://a.example/robots.txt") == DocumentFormat::robots);
  CHECK(detect_format("# nothing here\n", "https://a.example/robots.txt") ==
        DocumentFormat::robots);
}

TEST_CASE("looks_like_html: a page however it opens, never a sitemap", "[audit]") {
  CHECK(looks_like_html("<!DOCTYPE html><html><body></body></html>"));
  CHECK(looks_like_html("\xEF\xBB\xBF\n  <html lang=en>"));
  // A generator's banner before the doctype, and comments in a row.
  CHECK(looks_like_html("<!-- generated by hugo -->\n<!DOCTYPE html>\n<html>"));
  CHECK(looks_like_html("<!--a--><!-->\n<!doctype HTML>"));
  // XHTML, and HTML 4's doctype.
  CHECK(
      looks_like_html("<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 "
                      "Strict//EN\" \"x\">"));
  CHECK(looks_like_html("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">"));
  // The standard lets a page leave out html, head and body.
  CHECK(looks_like_html("<meta charset=\"utf-8\">\n<title>x</title>"));
  CHECK(looks_like_html("<a href=\"/x\">x</a>"));
  CHECK(looks_like_html("<DIV class=page>"));
  CHECK(looks_like_html("<br/>"));

  // Sitemaps and feeds, well-formed or not, are not pages.
  CHECK_FALSE(looks_like_html("<?xml version=\"1.0\"?><urlset xmlns=\"x\"></urlset>"));
  CHECK_FALSE(looks_like_html("<!-- by yoast --><?xml-stylesheet href=\"s.xsl\"?><sitemapindex>"));
  CHECK_FALSE(looks_like_html("<rss version=\"2.0\">"));
  CHECK_FALSE(looks_like_html("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
  CHECK_FALSE(looks_like_html("<url><loc>https://a.example/</loc></url>"));
  CHECK_FALSE(looks_like_html("<!DOCTYPE urlset>"));
  CHECK_FALSE(looks_like_html("<aside-note>"));  // a longer name is another element
  CHECK_FALSE(looks_like_html("<svg xmlns=\"http://www.w3.org/2000/svg\">"));
  // Text sitemaps, and what never ends.
  CHECK_FALSE(looks_like_html("https://a.example/\n"));
  CHECK_FALSE(looks_like_html(""));
  CHECK_FALSE(looks_like_html("<!-- a comment that never ends <html>"));
  CHECK_FALSE(looks_like_html("<?xml version=\"1.0\""));
}

TEST_CASE("Loader: 1,000,000 URLs stream with one document in memory", "[audit]") {
#ifdef SITEAUDIT_ASAN
  constexpr int kPerChild = 5'000;
#else
  constexpr int kPerChild = 50'000;
#endif
  constexpr int kChildren = 20;
  TempDir dir;
  std::string index = "<sitemapindex>";
  std::uint64_t largest = 0;
  for (int c = 0; c < kChildren; ++c) {
    std::string name = "child-" + std::to_string(c) + ".xml";
    index += "<sitemap><loc>{{BASE}}/" + name + "</loc></sitemap>";
    std::string xml = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    xml.reserve(static_cast<std::size_t>(kPerChild) * 64);
    for (int i = 0; i < kPerChild; ++i) {
      xml +=
          "<url><loc>{{BASE}}/p/" + std::to_string(c) + "/" + std::to_string(i) + "</loc></url>\n";
    }
    xml += "</urlset>\n";
    largest = std::max<std::uint64_t>(largest, xml.size() + 16 * kPerChild);
    dir.write(name, xml);
  }
  dir.write("index.xml", index + "</sitemapindex>");
  FixtureServer server(dir.path.string());
  auto run = run_loader({server.url("/index.xml")}, {}, /*keep_jobs=*/false);
  REQUIRE(run.result.ok());
  CHECK(run.job_count == static_cast<std::uint64_t>(kPerChild) * kChildren);
  CHECK(run.duplicates == 0);
  // Peak document bytes: one child (with {{BASE}} expanded), never the whole run.
  CHECK(run.peak <= largest);
  CHECK(run.peak * 10 < largest * kChildren);
  INFO("peak document bytes " << run.peak);
}

// large_urlset() is a urlset of `n` entries over several lines each, with a bad <lastmod>
// every 997 entries and a duplicate near the end, so that findings and their lines come from
// every part of a document many windows long.
std::string large_urlset(std::string_view base, int n) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (int i = 0; i < n; ++i) {
    xml += "<url>\n  <loc>" + std::string(base) + "/page/" + std::to_string(i == n - 10 ? 7 : i) +
           "</loc>\n  <lastmod>" + (i % 997 == 500 ? "yesterday" : "2024-01-02") +
           "</lastmod>\n</url>\n";
  }
  return xml + "</urlset>\n";
}

// loaded() is everything a loader run reports, one line per fact, in order.
std::vector<std::string> loaded(const LoaderRun& run) {
  std::vector<std::string> out;
  out.push_back("error " + run.result.error);
  for (const Job& j : run.jobs) {
    out.push_back("job " + std::string(j.url) + " " + std::to_string(j.source) + ":" +
                  std::to_string(j.line) + " " + j.lastmod);
  }
  for (const Source& s : run.sources) {
    out.push_back("source " + s.url + " " + std::string(to_string(s.kind)) + " " +
                  std::to_string(s.urls) + " gzip " + std::to_string(s.gzip) + " error " + s.error);
    for (const Finding& f : s.warnings) {
      out.push_back("finding " + std::string(to_string(f.code)) + " " + f.where + ":" +
                    std::to_string(f.line) + " " + f.message);
    }
  }
  return out;
}

TEST_CASE("Loader: a large sitemap kept in a temporary file loads as one kept in memory",
          "[audit]") {
  // Past kSpoolBytes a document goes to an unlinked file, mapped and given back window by
  // window; without a writable directory it stays in memory. Both must report the same jobs,
  // lines, findings and errors: plain, gzip'd, and cut off inside an entry.
  TempDir dir;
  FixtureServer server(dir.path.string());
  const std::string xml = large_urlset(server.base(), 12'000);
  REQUIRE(xml.size() > 4 * kSpoolBytes);
  dir.write("plain.xml", xml);
  dir.write("packed.dat", gzip(xml));  // .dat: served as it is
  // Cut inside the <loc> of an entry near the end.
  dir.write("cut.xml", xml.substr(0, xml.find("<loc>", xml.size() - 1000) + 10));
  for (const char* name : {"/plain.xml", "/packed.dat", "/cut.xml"}) {
    INFO(name);
    LoaderOptions in_file;
    in_file.allow_empty = true;
    in_file.spool_directory = dir.path.string();
    LoaderOptions in_memory = in_file;
    in_memory.spool_directory = (dir.path / "no-such-directory").string();
    const LoaderRun spooled = run_loader({server.url(name)}, in_file);
    const LoaderRun kept = run_loader({server.url(name)}, in_memory);
    const std::vector<std::string> a = loaded(spooled);
    const std::vector<std::string> b = loaded(kept);
    CHECK(a.size() > 11'000);
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      INFO("line " << i);
      REQUIRE((i < a.size() ? a[i] : "(nothing)") == (i < b.size() ? b[i] : "(nothing)"));
    }
    // In memory the loader held the whole text; with the file, at most one block past the
    // spool size (a gzip chunk inflates to more before it is written).
    CHECK(kept.peak >= xml.size() - 1000);
    CHECK(spooled.peak < xml.size() / 3);
  }
  const LoaderRun cut = run_loader({server.url("/cut.xml")});
  CHECK_THAT(cut.result.error, Catch::Contains("unexpected end of document: <loc> is not closed"));
  const LoaderRun packed = run_loader({server.url("/packed.dat")});
  REQUIRE(packed.result.ok());
  REQUIRE(packed.sources.size() == 1);
  CHECK(packed.sources[0].gzip);
  CHECK(count_code(packed.sources[0].warnings, FindingCode::invalid_lastmod) == 12);
  CHECK(count_code(packed.sources[0].warnings, FindingCode::duplicate_url) == 1);
}

TEST_CASE("Loader: a temporary file that stops taking bytes gives the document back to memory",
          "[audit]") {
  // RLIMIT_FSIZE makes the writes past 300 KB fail (EFBIG, as a full disk fails them with
  // ENOSPC): what the file holds is read back and the rest stays in memory, same results.
  TempDir dir;
  FixtureServer server(dir.path.string());
  const std::string xml = large_urlset(server.base(), 12'000);
  dir.write("plain.xml", xml);
  LoaderOptions options;
  options.spool_directory = dir.path.string();
  const LoaderRun spooled = run_loader({server.url("/plain.xml")}, options);

  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &before) == 0);
  rlimit small = before;
  small.rlim_cur = 300 * 1024;
  auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  const LoaderRun fell_back = run_loader({server.url("/plain.xml")}, options);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &before) == 0);
  std::signal(SIGXFSZ, old_handler);

  REQUIRE(spooled.result.ok());
  const std::vector<std::string> a = loaded(spooled);
  const std::vector<std::string> b = loaded(fell_back);
  REQUIRE(a.size() > 12'000);
  CHECK(a == b);
  CHECK(spooled.peak < xml.size() / 3);
  CHECK(fell_back.peak >= xml.size());
}

TEST_CASE("Loader: an input that lists no URLs is an input error naming it", "[audit]") {
  TempDir dir;
  dir.write("empty.xml", "");
  dir.write("blank.txt", "\n\n");
  dir.write("urlset.xml", "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"/>");
  for (const std::string& input :
       {std::string("/dev/null"), (dir.path / "empty.xml").string(),
        (dir.path / "blank.txt").string(), (dir.path / "urlset.xml").string()}) {
    INFO(input);
    auto run = run_loader({input});
    CHECK(run.result.error ==
          input + ": no URLs found (use --allow-empty to accept an empty input)");
    LoaderOptions allow;
    allow.allow_empty = true;
    auto allowed = run_loader({input}, allow);
    CHECK(allowed.result.ok());
    CHECK(allowed.jobs.empty());
  }
  // Each input on its own: a second, empty input is named although the first listed URLs.
  dir.write("one.xml", urlset("https://example.com", {"/x"}));
  auto mixed = run_loader({(dir.path / "one.xml").string(), "/dev/null"});
  CHECK(mixed.result.error.starts_with("/dev/null: no URLs found"));
  CHECK(mixed.jobs.size() == 1);
}

TEST_CASE("Loader: UTF-16 and binary inputs are input errors that say so", "[audit]") {
  TempDir dir;
  const std::string xml = urlset("https://example.com", {"/x"});
  std::string utf16le = "\xFF\xFE";
  std::string utf16be_no_bom;
  for (char c : xml) {
    utf16le += c;
    utf16le += '\0';
    utf16be_no_bom += '\0';
    utf16be_no_bom += c;
  }
  dir.write("le.xml", utf16le);
  dir.write("be.xml", utf16be_no_bom);
  dir.write("image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  for (const char* name : {"le.xml", "be.xml"}) {
    const std::string path = (dir.path / name).string();
    auto run = run_loader({path});
    INFO(run.result.error);
    CHECK(run.result.error.starts_with(path + ": UTF-16 text"));
  }
  const std::string png = (dir.path / "image.png").string();
  auto binary = run_loader({png});
  CHECK(binary.result.error == png + ": binary data, not a sitemap (a NUL byte at offset 8)");
  // Even with --allow-empty: it is not an empty sitemap but not a sitemap at all.
  LoaderOptions allow;
  allow.allow_empty = true;
  CHECK_FALSE(run_loader({png}, allow).result.ok());
}

TEST_CASE("Loader: a local index's children may be files relative to it", "[audit]") {
  TempDir dir;
  dir.write("site/index.xml",
            "<sitemapindex>\n"
            "<sitemap><loc>pages.xml</loc></sitemap>\n"
            "<sitemap><loc>sub/../more/posts.xml</loc></sitemap>\n"
            "<sitemap><loc>" +
                (dir.path / "elsewhere.txt").string() +
                "</loc></sitemap>\n"
                "<sitemap><loc>missing.xml</loc></sitemap>\n"
                "</sitemapindex>\n");
  dir.write("site/pages.xml", urlset("https://example.com", {"/a"}));
  dir.write("site/more/posts.xml", gzip(urlset("https://example.com", {"/b"})));
  dir.write("elsewhere.txt", "https://example.com/c\n");
  auto run = run_loader({(dir.path / "site/index.xml").string()});
  REQUIRE(run.result.ok());
  CHECK(job_urls(run, "https://example.com") == std::vector<std::string>{"/a", "/b", "/c"});
  REQUIRE(run.sources.size() == 5);
  CHECK(run.sources[0].warnings.empty());
  CHECK(run.sources[1].url == (dir.path / "site/pages.xml").string());
  CHECK(run.sources[2].url == (dir.path / "site/more/posts.xml").string());
  CHECK(run.sources[4].error.ends_with("missing.xml: cannot open: No such file or directory"));
}

TEST_CASE("Loader: a cancelled run ends the wait for a FIFO without a writer", "[audit]") {
  TempDir dir;
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // Nobody opens the FIFO for writing: a blocking open() or read() would never return.
  auto run = run_loader({fifo}, {}, true, {}, std::chrono::milliseconds(200));
  CHECK(run.result.ok());
  CHECK(run.result.cancelled);
  REQUIRE(run.sources.size() == 1);
  CHECK(run.sources[0].error == "cancelled while reading");
}

TEST_CASE("Loader: a FIFO is read to the writer's end", "[audit]") {
  TempDir dir;
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // The writer comes later than the reader, writes in two parts and closes.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ofstream out(fifo, std::ios::binary);
    out << "https://example.com/one\n" << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    out << "https://example.com/two\n";
  });
  auto run = run_loader({fifo});
  writer.join();
  REQUIRE(run.result.ok());
  CHECK(job_urls(run, "https://example.com") == std::vector<std::string>{"/one", "/two"});
}

TEST_CASE("Loader: a cancelled run ends the wait for standard input that never closes", "[audit]") {
  // Standard input becomes a pipe whose writer stays open for the whole test.
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const int saved_stdin = dup(STDIN_FILENO);
  REQUIRE(saved_stdin >= 0);
  REQUIRE(dup2(pipe_fds[0], STDIN_FILENO) == STDIN_FILENO);
  const std::string_view partial = "https://example.com/first\n";
  REQUIRE(write(pipe_fds[1], partial.data(), partial.size()) ==
          static_cast<ssize_t>(partial.size()));
  auto run = run_loader({"-"}, {}, true, {}, std::chrono::milliseconds(200));
  const int flags = fcntl(STDIN_FILENO, F_GETFL);
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  CHECK(run.result.ok());
  CHECK(run.result.cancelled);
  REQUIRE(run.sources.size() == 1);
  CHECK(run.sources[0].error == "cancelled while reading");
  // The shared description's flags are as they were: blocking.
  CHECK((flags & O_NONBLOCK) == 0);
}
