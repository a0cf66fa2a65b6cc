// audit_crawl_test.cpp — crawl mode (--crawl) against a two-origin fixture site
// (fixtures/crawl/): broken links with every page that links to them, links the HTML standard
// does not make links never requested (the servers' logs prove it), the sitemap reconciled
// with the site (orphans, pages missing from the sitemap, noindex and canonical pages listed),
// scope, depth and page limits, and hostile pages (100,000 links, 20 MB, 200,000 levels of
// nesting).
#include <algorithm>
#include <csignal>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::Scheme;

// The external origin (B) and the site (A), which links to B through {{OTHER}}.
struct CrawlSites {
  FixtureServer other{"fixtures/crawl/other"};
  FixtureServer site{"fixtures/crawl/site", {"--var", "OTHER=" + other.base()}};
};

CrawlSites& sites() {
  static CrawlSites s;
  return s;
}

bool requested_path(const FixtureServer& server, std::string_view prefix) {
  for (const std::string& line : requested(server)) {
    const std::size_t space = line.find(' ');
    if (std::string_view(line).substr(space + 1).starts_with(prefix)) return true;
  }
  return false;
}

std::vector<std::string> codes(const json& result) {
  std::vector<std::string> out;
  for (const json& f : result["findings"]) out.push_back(f["code"].get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

json crawl(const std::vector<std::string>& extra, int expected_code, TempDir& dir) {
  std::vector<std::string> args = {"--crawl", sites().site.url("/"), "--json", dir / "report.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  AuditRun run = run_siteaudit(with_common(args));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == expected_code);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  validate_schema(dir / "report.json");
  return report;
}

TEST_CASE("crawl: broken links come with every page that links to them",
          "[integration][audit][crawl]") {
  CrawlSites& s = sites();
  TempDir dir;
  json report = crawl({}, 1, dir);
  const FixtureServer& a = s.site;

  json missing = result_for(report, a.url("/missing.html"));
  CHECK(missing["outcome"] == "failed");
  CHECK(missing["status"] == 404);
  CHECK(missing["found_by"] == "link");
  CHECK(missing["source"].is_null());
  CHECK(missing["referrer_count"] == 2);
  REQUIRE(missing["referrers"].size() == 2);
  std::vector<std::string> pages;
  for (const json& r : missing["referrers"]) pages.push_back(r["page"].get<std::string>());
  std::sort(pages.begin(), pages.end());
  CHECK(pages == std::vector<std::string>{a.url("/"), a.url("/docs/deep.html")});
  for (const json& r : missing["referrers"]) {
    CHECK(r["element"] == "a");
    CHECK(r["attribute"] == "href");
    CHECK(r["line"].get<int>() > 0);
    CHECK((r["text"] == "Broken page" || r["text"] == "Also broken"));
  }

  json image = result_for(report, a.url("/img/missing.png"));
  CHECK(image["outcome"] == "failed");
  // A resource is checked (HEAD, its failure confirmed with GET), never parsed.
  CHECK(image["method"] == "GET");
  CHECK(image["fell_back_to_get"] == true);
  REQUIRE(image["referrers"].size() == 1);
  CHECK(image["referrers"][0]["element"] == "img");
  CHECK(image["referrers"][0]["attribute"] == "src");

  // <base href> and srcset: the missing 2x candidate, found on docs/.
  json picture = result_for(report, a.url("/docs/pic-2x.png"));
  CHECK(picture["outcome"] == "failed");
  REQUIRE(picture["referrers"].size() == 1);
  CHECK(picture["referrers"][0]["page"] == a.url("/docs/"));
  CHECK(picture["referrers"][0]["attribute"] == "srcset");
  CHECK(result_for(report, a.url("/docs/pic-1x.png"))["outcome"] == "ok");

  // A Latin-1 page: its link's URL and text are read as windows-1252.
  json cafe = result_for(report, a.url("/caf%c3%a9-missing.html"));
  CHECK(cafe["outcome"] == "failed");
  REQUIRE(cafe["referrers"].size() == 1);
  CHECK(cafe["referrers"][0]["text"] == "Caf\xC3\xA9 cr\xC3\xA8me");

  // External links are checked (B's 404 fails the run) but B's pages are not parsed.
  CHECK(result_for(report, s.other.url("/status/404"))["outcome"] == "failed");
  CHECK(result_for(report, s.other.url("/ok.html"))["outcome"] == "ok");
  CHECK_FALSE(requested_path(s.other, "/should-not-follow.html"));

  CHECK(report["crawl"]["broken"] == 6);  // with the German alternate of docs/deep.html
}

TEST_CASE("crawl: bot walls are inconclusive, apart from failures; --strict fails them",
          "[integration][audit][crawl]") {
  CrawlSites& s = sites();
  TempDir dir;
  json report = crawl({}, 1, dir);
  // 403 from a host outside the scope, and 999: a wall, not a broken link. (A wall inside
  // the scope is inconclusive too, and makes orphans undecidable: it may hide links.)
  for (const std::string& url : {s.other.url("/status/403"), s.other.url("/status/999")}) {
    json r = result_for(report, url);
    INFO(url);
    CHECK(r["outcome"] == "inconclusive");
    CHECK(r["ok"] == false);
    CHECK(r["referrer_count"] == 1);
  }
  CHECK(report["summary"]["inconclusive"] == 2);

  // Without the broken links the run would pass; --strict fails on the walls alone.
  TempDir only;
  write_text(only.path() / "page.html",
             "<!DOCTYPE html><a href=\"" + s.other.url("/status/403") + "\">wall</a>");
  FixtureServer server(only.path().string());
  AuditRun relaxed = run_siteaudit(with_common({"--crawl", server.url("/page.html")}));
  INFO("stdout: " << relaxed.out);
  CHECK(relaxed.code == 0);
  CHECK(relaxed.out.find("Inconclusive (1)") != std::string::npos);
  AuditRun strict = run_siteaudit(with_common({"--crawl", "--strict", server.url("/page.html")}));
  CHECK(strict.code == 1);
}

TEST_CASE("crawl: what is not a link in a browser is never requested",
          "[integration][audit][crawl]") {
  CrawlSites& s = sites();
  TempDir dir;
  json report = crawl({}, 1, dir);
  CHECK_FALSE(requested_path(s.site, "/never/"));  // comment, script, style, textarea, title,
                                                   // template
  CHECK_FALSE(requested_path(s.site, "/nofollow-target.html"));  // meta robots nofollow
  CHECK(requested_path(s.site, "/noscript-target.html"));        // noscript, as without scripts
  CHECK(requested_path(s.site, "/refreshed.html"));              // meta refresh
  const json& not_requested = report["crawl"]["not_requested"];
  CHECK(not_requested["mailto"] == 1);
  CHECK(not_requested["tel"] == 1);
  CHECK(not_requested["javascript"] == 1);
  CHECK(not_requested["data"] == 1);
  CHECK(not_requested["invalid"] == 1);
  CHECK(has(codes(result_for(report, s.site.url("/"))), "invalid_link"));
  for (const json& r : report["results"]) {
    const std::string url = r["url"];
    CHECK_FALSE(url.starts_with("mailto:"));
    CHECK_FALSE(url.starts_with("javascript:"));
  }
}

TEST_CASE("crawl: the sitemap is reconciled with the site", "[integration][audit][crawl]") {
  CrawlSites& s = sites();
  const FixtureServer& a = s.site;
  TempDir dir;
  json report = crawl({"--check-fragments"}, 1, dir);
  CHECK(report["crawl"]["complete"] == true);
  CHECK(report["crawl"]["incomplete_reason"].is_null());

  CHECK(codes(result_for(report, a.url("/orphan.html"))) == std::vector<std::string>{"orphan"});
  CHECK(report["crawl"]["orphans"] == 1);
  CHECK(has(codes(result_for(report, a.url("/unlisted.html"))), "missing_from_sitemap"));
  // Listed pages are not missing; noindex and canonical-elsewhere pages are not either.
  CHECK_FALSE(has(codes(result_for(report, a.url("/docs/deep.html"))), "missing_from_sitemap"));
  CHECK(has(codes(result_for(report, a.url("/noindex.html"))), "noindex"));
  CHECK(has(codes(result_for(report, a.url("/canonical.html"))), "canonical_elsewhere"));

  // A URL the crawl found first and the sitemap listed later keeps its sitemap location.
  json docs = result_for(report, a.url("/docs/"));
  CHECK(docs["source"] == a.url("/sitemap.xml"));
  CHECK(docs["line"].get<int>() > 0);

  // The internal link to a redirect.
  json old_docs = result_for(report, a.url("/redirect-to?url=" + a.base() + "/docs/"));
  CHECK(has(codes(old_docs), "linked_redirect"));
  CHECK(old_docs["referrer_count"] == 1);

  // The German alternate of deep.html is missing; the English one is the page itself.
  std::vector<std::string> hreflang;
  const json deep = result_for(report, a.url("/docs/deep.html"));
  for (const json& f : deep["findings"]) {
    if (f["code"] == "broken_hreflang") hreflang.push_back(f["message"]);
  }
  REQUIRE(hreflang.size() == 1);
  CHECK(hreflang[0].find("hreflang=\"de\"") != std::string::npos);

  // --check-fragments: #section exists on deep.html, #nowhere does not.
  std::vector<std::string> fragments;
  const json docs_page = result_for(report, a.url("/docs/"));
  for (const json& f : docs_page["findings"]) {
    if (f["code"] == "missing_fragment") fragments.push_back(f["message"]);
  }
  REQUIRE(fragments.size() == 1);
  CHECK(fragments[0].find("#nowhere") != std::string::npos);
}

TEST_CASE("crawl: scope, depth and page limits", "[integration][audit][crawl]") {
  CrawlSites& s = sites();
  SECTION("--no-external skips the other origin and never requests it") {
    TempDir dir;
    const std::size_t before = requested(s.other).size();
    json report = crawl({"--no-external"}, 1, dir);
    json partner = result_for(report, s.other.url("/ok.html"));
    CHECK(partner["outcome"] == "skipped");
    CHECK(partner["error_kind"] == "external");
    CHECK(requested(s.other).size() == before);
  }
  SECTION("--crawl-depth 1 parses the start page only; orphans are then undecidable") {
    TempDir dir;
    json report = crawl({"--crawl-depth", "1"}, 1, dir);
    CHECK(report["crawl"]["complete"] == false);
    CHECK(report["crawl"]["incomplete_reason"].get<std::string>().find("--crawl-depth") !=
          std::string::npos);
    CHECK(report["crawl"]["orphans"] == 0);
    // deep.html is listed in the sitemap (depth 0), so it is parsed; refreshed.html is two
    // hops from the root and is not found at all.
    CHECK(results_by_url(report).count(s.site.url("/refreshed.html")) == 0);
  }
  SECTION("--scope narrows what is parsed") {
    TempDir dir;
    json report = crawl({"--scope", s.site.url("/docs/")}, 1, dir);
    // The root is out of the scope: checked, not parsed, so nothing it links to is found.
    CHECK(results_by_url(report).count(s.site.url("/missing.html")) == 1);  // via deep.html
    CHECK(results_by_url(report).count(s.site.url("/unlisted.html")) == 0);
  }
  SECTION("--max-pages stops parsing") {
    TempDir dir;
    json report = crawl({"--max-pages", "1"}, 1, dir);
    CHECK(report["crawl"]["pages"] == 1);
    CHECK(report["crawl"]["complete"] == false);
  }
}

TEST_CASE("crawl: its options without --crawl are a usage error", "[integration][audit][crawl]") {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--scope", "https://a.test/"},
        {"--crawl-depth", "2"},
        {"--max-pages", "3"},
        {"--no-external"},
        {"--check-fragments"}}) {
    std::vector<std::string> args = {sites().site.url("/sitemap.xml")};
    args.insert(args.end(), extra.begin(), extra.end());
    AuditRun run = run_siteaudit(with_common(args));
    INFO(extra[0] << ": " << run.err);
    CHECK(run.code == 2);
    CHECK(run.err.find("only has a meaning with --crawl") != std::string::npos);
  }
  AuditRun bad = run_siteaudit(with_common({"--crawl", "--scope", "not a url", "https://a.test/"}));
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--scope") != std::string::npos);
}

TEST_CASE("crawl: hostile pages: 100,000 links, 20 MB, 200,000 levels of nesting",
          "[integration][audit][crawl]") {
  TempDir root;
  std::string many = "<!DOCTYPE html><title>many</title>\n";
  many.reserve(4 << 20);
  for (int i = 0; i < 100'000; ++i) many += "<a href=\"/t" + std::to_string(i % 500) + "\">x</a>\n";
  write_text(root.path() / "many.html", many);
  std::string huge = "<!DOCTYPE html><title>huge</title>\n";
  while (huge.size() < (20u << 20)) huge += "<p>padding padding padding padding padding</p>\n";
  write_text(root.path() / "huge.html", huge);
  std::string deep = "<!DOCTYPE html><title>deep</title>\n";
  // 200,000 levels: the extractor refuses it quickly (kMaxNesting) instead of holding a core
  // for a minute.
  for (int i = 0; i < 200'000; ++i) deep += "<div>";
  deep += "<a href=\"/deep-target.html\">in the depths</a>";
  write_text(root.path() / "deep.html", deep);
  write_text(root.path() / "index.html",
             "<!DOCTYPE html><a href=many.html>many</a><a href=huge.html>huge</a>"
             "<a href=deep.html>deep</a>");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({"--crawl", server.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);  // the 500 targets are 404s; huge.html is too big
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  // 100,000 links to 500 URLs: each checked once.
  std::size_t targets = 0;
  for (const json& r : report["results"]) {
    if (r["url"].get<std::string>().starts_with(server.url("/t"))) ++targets;
  }
  CHECK(targets == 500);
  json t0 = result_for(report, server.url("/t0"));
  CHECK(t0["referrer_count"] == 200);  // 100,000 / 500 links, kept at most 100
  CHECK(t0["referrers"].size() == 100);
  CHECK(result_for(report, server.url("/huge.html"))["error_kind"] == "body_too_large");
  const json deep_page = result_for(report, server.url("/deep.html"));
  REQUIRE(deep_page["findings"].size() == 1);
  CHECK(deep_page["findings"][0]["code"] == "page_not_parsed");
  CHECK(results_by_url(report).count(server.url("/deep-target.html")) == 0);
  CHECK(report["crawl"]["complete"] == false);  // the deep page's links are unknown
}

TEST_CASE("crawl: large pages on two threads are each read whole, one at a time",
          "[integration][audit][crawl]") {
  // Four pages above kLargePageBytes (2, 2, 2 and 5 MB), linked from one page so that both
  // threads' workers fetch them at once: they share the large-page budget (the 5 MB page's
  // parser is made anew after it), and every link of each, at its start and at its end, is
  // found.
  TempDir root;
  std::string index = "<!DOCTYPE html>";
  for (int i = 0; i < 4; ++i) {
    const std::string n = std::to_string(i);
    std::string page = "<!DOCTYPE html><a href=\"/start" + n + ".html\">start</a>\n";
    const std::size_t size = i == 3 ? 5u << 20 : 2u << 20;
    while (page.size() < size) page += "<p><span>padding</span> padding padding</p>\n";
    page += "<a href=\"/end" + n + ".html\">end</a>\n";
    write_text(root.path() / ("large" + n + ".html"), page);
    write_text(root.path() / ("start" + n + ".html"), "<!DOCTYPE html><title>s</title>");
    write_text(root.path() / ("end" + n + ".html"), "<!DOCTYPE html><title>e</title>");
    index += "<a href=\"/large" + n + ".html\">" + n + "</a>";
  }
  write_text(root.path() / "index.html", index);
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({"--crawl", "--threads", "2", server.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  const auto results = results_by_url(report);
  for (int i = 0; i < 4; ++i) {
    const std::string n = std::to_string(i);
    CHECK(results.count(server.url("/start" + n + ".html")) == 1);
    CHECK(results.count(server.url("/end" + n + ".html")) == 1);
  }
  CHECK(report["crawl"]["complete"] == true);
}

TEST_CASE("crawl: a page named as the input is crawled however its markup opens",
          "[integration][audit][crawl]") {
  // A generator's banner before the doctype; a page that leaves out html, head and body.
  TempDir root;
  write_text(root.path() / "banner.html",
             "<!-- generated by a static site generator -->\n<!DOCTYPE html>\n"
             "<html><body><a href=\"/next.html\">next</a></body></html>\n");
  write_text(root.path() / "bare.html",
             "<meta charset=\"utf-8\">\n<title>bare</title>\n<a href=\"/other.html\">other</a>\n");
  write_text(root.path() / "next.html", "<!DOCTYPE html><title>next</title>\n");
  write_text(root.path() / "other.html", "<!DOCTYPE html><title>other</title>\n");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({"--crawl", server.url("/banner.html"), server.url("/bare.html"),
                                 "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  REQUIRE(report["sources"].size() == 2);
  for (const json& source : report["sources"]) CHECK(source["kind"] == "page");
  CHECK(result_for(report, server.url("/next.html"))["status"] == 200);
  CHECK(result_for(report, server.url("/other.html"))["status"] == 200);
}

TEST_CASE("crawl: a page in UTF-16 named as the input is crawled, not read as a sitemap",
          "[integration][audit][crawl]") {
  // A browser reads the page by its byte order mark; so does the crawl. As a sitemap its
  // bytes would be refused ("sitemaps must be UTF-8") and the run end before it began.
  TempDir root;
  const std::u16string page = u"<!DOCTYPE html><title>wide</title><a href=\"/next.html\">n</a>";
  std::string bytes = "\xFF\xFE";  // UTF-16LE's byte order mark
  for (char16_t c : page) {
    bytes += static_cast<char>(c & 0xFF);
    bytes += static_cast<char>(c >> 8);
  }
  write_text(root.path() / "wide.html", bytes);
  write_text(root.path() / "next.html", "<!DOCTYPE html><title>next</title>\n");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({"--crawl", server.url("/wide.html"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  REQUIRE(report["sources"].size() == 1);
  CHECK(report["sources"][0]["kind"] == "page");
  CHECK(result_for(report, server.url("/next.html"))["status"] == 200);
  // Without --crawl it is an HTML page where a sitemap was expected, which is what to say.
  AuditRun plain = run_siteaudit(with_common({server.url("/wide.html")}));
  CHECK(plain.code == 2);
  CHECK(plain.err.find("this is an HTML page, not a sitemap") != std::string::npos);
}

TEST_CASE("crawl: Ctrl-C in the middle reports every URL accepted so far once",
          "[integration][audit][crawl]") {
  TempDir root;
  // A chain of slow pages: each links to the next and to a slow resource.
  for (int i = 0; i < 50; ++i) {
    write_text(root.path() / ("p" + std::to_string(i) + ".html"),
               "<!DOCTYPE html><a href=p" + std::to_string(i + 1) +
                   ".html>next</a><img src=/delay/300?i=" + std::to_string(i) + ">");
  }
  write_text(root.path() / "index.html", "<!DOCTYPE html><a href=p0.html>start</a>");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditProcess process(
      with_common({"--crawl", server.url("/"), "--workers", "2", "--json", dir / "report.json"}));
  REQUIRE(wait_until([&] { return requested(server).size() >= 6; }, std::chrono::seconds(30)));
  process.signal(SIGINT);
  AuditRun run = process.wait();
  INFO("stderr: " << run.err);
  CHECK(run.code == 130);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);  // each URL once, counts add up
  CHECK(report["run"]["interrupted"] == true);
  CHECK(report["crawl"]["complete"] == false);
  CHECK(report["results"].size() < 101);
}

}  // namespace

namespace {

TEST_CASE("crawl: an http: image on an https: page is mixed content",
          "[integration][audit][crawl]") {
  FixtureServer plain("fixtures/crawl/other");
  TempDir root;
  write_text(root.path() / "index.html",
             "<!DOCTYPE html>\n<img src=\"{{OTHER}}/ok.html\" alt=\"insecure\">\n"
             "<a href=\"{{OTHER}}/ok.html\">a plain link is not mixed content</a>\n");
  FixtureServer secure(Scheme::https, root.path().string(), {"--var", "OTHER=" + plain.base()});
  TempDir dir;
  AuditRun run = run_siteaudit(with_common({"--crawl", "--ca-file", FixtureServer::ca_file(),
                                            secure.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  std::vector<std::string> mixed;
  const json home = result_for(report, secure.url("/"));
  for (const json& f : home["findings"]) {
    if (f["code"] == "mixed_content") mixed.push_back(f["message"]);
  }
  REQUIRE(mixed.size() == 1);
  CHECK(mixed[0].find("<img src>") != std::string::npos);
  CHECK(home["findings"][0]["line"] == 2);
}

TEST_CASE("crawl: with --respect-robots, disallowed pages are never requested",
          "[integration][audit][crawl]") {
  TempDir root;
  write_text(root.path() / "robots.txt", "User-agent: *\nDisallow: /private/\n");
  write_text(root.path() / "index.html",
             "<!DOCTYPE html><a href=/private/secret.html>secret</a><a href=/public.html>ok</a>");
  write_text(root.path() / "public.html", "<!DOCTYPE html><p>public</p>");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({"--crawl", "--respect-robots", server.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  json secret = result_for(report, server.url("/private/secret.html"));
  CHECK(secret["outcome"] == "skipped");
  CHECK(secret["error_kind"] == "robots");
  for (const std::string& line : requested(server))
    CHECK(line.find("/private/") == std::string::npos);
  CHECK(result_for(report, server.url("/public.html"))["outcome"] == "ok");
}

TEST_CASE("crawl: stylesheets are read for the images, fonts and stylesheets they load",
          "[integration][audit][crawl]") {
  TempDir root;
  for (const char* dir : {"css/parts", "img", "fonts"}) fs::create_directories(root.path() / dir);
  write_text(root.path() / "index.html",
             "<!DOCTYPE html>\n<link rel=stylesheet href=/css/site.css>\n"
             "<link rel=stylesheet href=/css/served-as-text.txt>\n"
             "<p style=\"background: url(/img/inline.png)\">styled</p>\n"
             "<svg><use href=\"#local\"/><use xlink:href=\"/img/sprite.svg#menu\"/></svg>\n");
  write_text(root.path() / "css" / "site.css",
             "@import \"parts/fonts.css\";\n"
             "body { background: url(../img/bg.png) }\n"
             "/* url(/never/commented.png) */\n"
             ".a { content: \"url(/never/string.png)\"; background: url( 'missing.png' ) }\n"
             ".b { mask: url(#clip); background: url(data:image/png;base64,AAAA) }\n");
  write_text(
      root.path() / "css" / "parts" / "fonts.css",
      "@font-face {\n  font-family: x;\n"
      "  src: url(/fonts/gone.woff2) format(\"woff2\"), url(/fonts/x.woff) format(\"woff\");\n}\n");
  write_text(root.path() / "css" / "served-as-text.txt", "a { background: url(/never/text.png) }");
  write_text(root.path() / "img" / "bg.png", "png");
  write_text(root.path() / "img" / "inline.png", "png");
  write_text(root.path() / "fonts" / "x.woff", "woff");
  FixtureServer server(root.path().string());
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({"--crawl", server.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  validate_schema(dir / "report.json");

  CHECK(result_for(report, server.url("/img/bg.png"))["outcome"] == "ok");
  CHECK(result_for(report, server.url("/fonts/x.woff"))["outcome"] == "ok");
  CHECK(result_for(report, server.url("/css/parts/fonts.css"))["outcome"] == "ok");

  json missing = result_for(report, server.url("/css/missing.png"));
  CHECK(missing["outcome"] == "failed");
  CHECK(missing["found_by"] == "link");
  REQUIRE(missing["referrers"].size() == 1);
  CHECK(missing["referrers"][0]["page"] == server.url("/css/site.css"));
  CHECK(missing["referrers"][0]["line"] == 4);
  CHECK(missing["referrers"][0]["element"] == "url()");
  CHECK(missing["referrers"][0]["attribute"] == "");
  CHECK(missing["referrers"][0]["url"] == "missing.png");

  json gone = result_for(report, server.url("/fonts/gone.woff2"));
  CHECK(gone["outcome"] == "failed");
  REQUIRE(gone["referrers"].size() == 1);
  CHECK(gone["referrers"][0]["page"] == server.url("/css/parts/fonts.css"));
  CHECK(gone["referrers"][0]["line"] == 3);
  // The terminal names the stylesheet's line and the construct that holds the URL.
  CHECK(run.out.find(server.url("/css/parts/fonts.css") + ":3 url()") != std::string::npos);

  // Comments, strings, url(#id), data: URLs and a "stylesheet" served as text/plain (which
  // browsers do not apply) load nothing.
  CHECK(report["crawl"]["not_requested"]["data"] == 1);
  for (const std::string& line : requested(server))
    CHECK(line.find("/never/") == std::string::npos);
  // Stylesheets are no pages.
  CHECK(report["crawl"]["pages"] == 1);
  CHECK(report["crawl"]["complete"] == true);
  CHECK(results_by_url(report).count(server.url("/img/inline.png")) == 1);
  // An SVG icon sprite that is gone: the use element that loads it is its referrer.
  json sprite = result_for(report, server.url("/img/sprite.svg"));
  CHECK(sprite["outcome"] == "failed");
  REQUIRE(sprite["referrers"].size() == 1);
  CHECK(sprite["referrers"][0]["element"] == "use");
  CHECK(sprite["referrers"][0]["attribute"] == "xlink:href");
  CHECK(sprite["referrers"][0]["line"] == 5);
  json text = result_for(report, server.url("/css/served-as-text.txt"));
  REQUIRE(text["findings"].size() == 1);
  CHECK(text["findings"][0]["code"] == "stylesheet_not_css");
  CHECK(text["findings"][0]["message"] ==
        "a stylesheet served as text/plain; browsers apply only text/css");

  // A stylesheet is part of its page: read whatever --crawl-depth and --max-pages say.
  TempDir limited;
  AuditRun run2 =
      run_siteaudit(with_common({"--crawl", server.url("/"), "--crawl-depth", "1", "--max-pages",
                                 "1", "--json", limited / "report.json"}));
  INFO("stderr: " << run2.err);
  CHECK(run2.code == 1);
  json report2 = load_json(limited / "report.json");
  CHECK(result_for(report2, server.url("/fonts/gone.woff2"))["outcome"] == "failed");
}

}  // namespace

namespace {

TEST_CASE("a site root without robots.txt is not a failed source, with or without --crawl",
          "[integration][audit][crawl]") {
  // fixtures/audit/site has a sitemap.xml and no robots.txt: RFC 9309's "no rules".
  FixtureServer server("fixtures/audit/site");
  for (const bool crawl : {false, true}) {
    std::vector<std::string> args = {server.url("/")};
    if (crawl) args.push_back("--crawl");
    AuditRun run = run_siteaudit(with_common(args));
    INFO("crawl " << crawl << "\nstdout: " << run.out);
    CHECK(run.out.find("could not be loaded") == std::string::npos);
    CHECK(run.code == 0);
  }
}

TEST_CASE("a site that answers every path with its page has no robots.txt or sitemap there",
          "[integration][audit][crawl]") {
  // A single-page app's catch-all route: /robots.txt and /sitemap.xml answer 200 with the
  // app's page. Read as XML they were an error ("could not determine tag type", exit 2).
  TempDir root;
  write_text(root / "index.html",
             "<!DOCTYPE html><html><body><a href=\"/real.html\">real</a></body></html>\n");
  write_text(root / "real.html", "<!DOCTYPE html><title>real</title>\n");
  const auto warnings_of = [](const json& source) {
    std::vector<std::string> out;
    for (const json& w : source["warnings"]) out.push_back(w["message"].get<std::string>());
    return out;
  };
  TempDir dir;
  SECTION("with a sitemap, it is found at /sitemap.xml") {
    write_text(root / "sitemap.xml",
               "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
               "<url><loc>{{BASE}}/real.html</loc></url></urlset>\n");
    FixtureServer server(root.path().string(), {"--fallback", "index.html"});
    AuditRun run = run_siteaudit(with_common({server.url("/"), "--json", dir / "report.json"}));
    INFO("stderr: " << run.err << "\nstdout: " << run.out);
    CHECK(run.code == 0);
    json report = load_json(dir / "report.json");
    check_report_invariants(report);
    REQUIRE(report["sources"].size() == 2);
    CHECK(report["sources"][0]["kind"] == "robots");
    CHECK(report["sources"][0]["error"].is_null());
    CHECK(warnings_of(report["sources"][0]) ==
          std::vector<std::string>{"robots.txt is an HTML page, not a robots.txt; trying " +
                                   server.url("/sitemap.xml")});
    CHECK(result_for(report, server.url("/real.html"))["found_by"] == "sitemap");
  }
  SECTION("without one, the audit has no input and the crawl goes on from the pages") {
    FixtureServer server(root.path().string(), {"--fallback", "index.html"});
    AuditRun audit = run_siteaudit(with_common({server.url("/")}));
    CHECK(audit.code == 2);  // no URLs found, and why
    CHECK(audit.err.find(server.url("/sitemap.xml") + ": this is an HTML page, not a sitemap") !=
          std::string::npos);
    AuditRun run =
        run_siteaudit(with_common({"--crawl", server.url("/"), "--json", dir / "report.json"}));
    INFO("stderr: " << run.err << "\nstdout: " << run.out);
    CHECK(run.code == 0);
    json report = load_json(dir / "report.json");
    check_report_invariants(report);
    CHECK(result_for(report, server.url("/real.html"))["found_by"] == "link");
    CHECK(results_by_url(report).count(server.url("/robots.txt")) == 0);  // no page to crawl
    REQUIRE(report["sources"].size() == 2);
    CHECK(warnings_of(report["sources"][1]) ==
          std::vector<std::string>{"no sitemap at " + server.url("/sitemap.xml") +
                                   " (it is an HTML page); the crawl goes on from the site's "
                                   "pages"});
  }
}

TEST_CASE("crawl: a site that moved (to https:, to www.) is crawled where its root lands",
          "[integration][audit][crawl]") {
  // The user names the old address; every request there answers 301 to the same path on the
  // site's own origin. Before, the crawl parsed nothing there: it was off the scope.
  TempDir root;
  write_text(root / "robots.txt", "User-agent: *\nSitemap: {{BASE}}/sitemap.xml\n");
  write_text(root / "sitemap.xml",
             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
             "<url><loc>{{BASE}}/</loc></url><url><loc>{{BASE}}/a.html</loc></url></urlset>\n");
  write_text(root / "index.html", "<!DOCTYPE html><a href=\"/a.html\">a</a>\n");
  write_text(root / "a.html", "<!DOCTYPE html><a href=\"/gone.html\">gone</a>\n");
  FixtureServer site(root.path().string());
  FixtureServer old("fixtures/demo-site", {"--moved-to", site.base()});
  TempDir dir;
  AuditRun run = run_siteaudit(
      with_common({"--crawl", "--strict", old.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "\nstdout: " << run.out);
  CHECK(run.code == 1);  // the broken link, and nothing else
  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["crawl"]["scope"] == json::array({old.url("/"), site.url("/")}));
  CHECK(report["crawl"]["pages"] == 2);  // the root and a.html, where they live
  CHECK(report["crawl"]["orphans"] == 0);
  const json gone = result_for(report, site.url("/gone.html"));
  CHECK(gone["status"] == 404);
  REQUIRE(gone["referrers"].size() == 1);
  CHECK(gone["referrers"][0]["page"] == site.url("/a.html"));
  // The address the user typed redirects, as it should: no finding, even under --strict.
  const json typed = result_for(report, old.url("/"));
  CHECK(typed["found_by"] == "input");
  CHECK(typed["findings"].empty());
  CHECK(report["summary"]["failed"] == 1);
}

}  // namespace

namespace {

TEST_CASE("crawl: an external link that times out is a broken link with its referrer",
          "[integration][audit][crawl]") {
  FixtureServer other("fixtures/crawl/other");
  TempDir root;
  write_text(root.path() / "index.html",
             "<!DOCTYPE html>\n<p><a href=\"{{OTHER}}/silent\">Never answers</a></p>\n");
  FixtureServer server(root.path().string(), {"--var", "OTHER=" + other.base()});
  TempDir dir;
  AuditRun run = run_siteaudit(with_common({"--crawl", "--timeout", "1s", "--retries", "0",
                                            server.url("/"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 1);
  json report = load_json(dir / "report.json");
  json silent = result_for(report, other.url("/silent"));
  CHECK(silent["outcome"] == "failed");
  CHECK(silent["error_kind"] == "timeout");
  REQUIRE(silent["referrers"].size() == 1);
  CHECK(silent["referrers"][0]["line"] == 2);
  CHECK(silent["referrers"][0]["text"] == "Never answers");
  // The timeout does not make the crawl incomplete: the page that timed out is not in scope.
  CHECK(report["crawl"]["complete"] == true);
}

}  // namespace

TEST_CASE("crawl: a listed page the crawl reaches first still gets the sitemap's findings",
          "[integration][audit][crawl]") {
  // The loader and the crawl race for every URL both find, and the report must not depend on
  // which wins. The root links to two pages whose headers say noindex and an older
  // Last-Modified than the sitemap's lastmod; the sitemap lists one of them.
  TempDir dir;
  const fs::path root = dir.path() / "site";
  fs::create_directories(root);
  const std::string headers =
      "/headers?X-Robots-Tag=noindex&amp;Last-Modified=Fri,%2001%20May%202026%2000:00:00%20GMT";
  write_text(root / "index.html", "<!doctype html><title>Home</title><a href=\"" + headers +
                                      "&amp;page=listed\">listed</a> <a href=\"" + headers +
                                      "&amp;page=unlisted\">unlisted</a>");
  write_text(root / "robots.txt", "User-agent: *\nAllow: /\n\nSitemap: {{BASE}}/sitemap.xml\n");
  write_text(root / "sitemap.xml",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
             "  <url><loc>{{BASE}}/</loc></url>\n"
             "  <url><loc>{{BASE}}" +
                 headers +
                 "&amp;page=listed</loc><lastmod>2026-06-01</lastmod></url>\n</urlset>\n");
  FixtureServer server(root.string());
  const std::string page = server.url(
      "/headers?X-Robots-Tag=noindex&Last-Modified=Fri,%2001%20May%202026%2000:00:00%20GMT");
  // Three runs: the race goes either way on a site this small.
  for (int run = 0; run < 3; ++run) {
    std::vector<std::string> args = {"--crawl", server.url("/"), "--json", dir / "report.json"};
    AuditRun audit = run_siteaudit(with_common(args));
    INFO("run " << run << "\nstderr: " << audit.err);
    CHECK(audit.code == 0);
    const json report = load_json(dir / "report.json");
    check_report_invariants(report);
    const json listed = result_for(report, page + "&page=listed");
    CHECK(listed["found_by"] == "sitemap");
    CHECK(listed["source"] == server.url("/sitemap.xml"));
    CHECK(listed["line"] == 4);
    CHECK(listed["lastmod"] == "2026-06-01");
    CHECK(codes(listed) == std::vector<std::string>{"noindex", "lastmod_after_last_modified"});
    const json unlisted = result_for(report, page + "&page=unlisted");
    CHECK(unlisted["found_by"] == "link");
    CHECK(unlisted["source"].is_null());
    CHECK(unlisted["lastmod"].is_null());
    CHECK(codes(unlisted).empty());
    CHECK(result_for(report, server.url("/"))["found_by"] == "input");
  }
}
