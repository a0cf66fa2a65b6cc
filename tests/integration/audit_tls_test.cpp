// audit_tls_test.cpp — siteaudit against an https fixture server: --ca-file and --insecure.
//
// The server uses the test-only certificate in fixtures/tls/, which no system CA store holds. By
// default it is not trusted: an https sitemap cannot be loaded (exit 2, one line naming the URL)
// and https pages fail with error kind tls (exit 1). With --ca-file fixtures/tls/ca.pem the
// sitemap index, its child sitemap and every page pass; with --insecure nothing is verified. A
// --ca-file that cannot be read is a usage error before any request.
//
// The fixture server's /log speaks plain HTTP only, so these tests prove what was fetched with
// the report: each source loaded, each page checked.
#include <memory>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;
using siteaudit::testing::Scheme;

// TlsSite is an https fixture server over a small site written for these tests: index.xml, a
// sitemap index whose one child, pages.xml, lists a plain page, a redirect (each hop is a new
// https request), a page that refuses HEAD (the GET fallback) and one with a content type.
class TlsSite {
 public:
  TlsSite() {
    write_text(root_ / "index.xml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
               "  <sitemap><loc>{{BASE}}/pages.xml</loc></sitemap>\n"
               "</sitemapindex>\n");
    std::vector<std::string> pages;
    for (const char* path : kPages) pages.push_back(std::string("{{BASE}}") + path);
    write_text(root_ / "pages.xml", urlset(pages));
    server_ = std::make_unique<FixtureServer>(Scheme::https, root_.path().string());
  }

  const FixtureServer& server() const { return *server_; }
  std::string url(std::string_view path) const { return server_->url(path); }
  // origin() is "127.0.0.1:PORT", as error messages name the server.
  std::string origin() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  // pages() are the URLs pages.xml lists, as the report names them.
  std::vector<std::string> pages() const {
    std::vector<std::string> urls;
    for (const char* path : kPages) urls.push_back(url(path));
    return urls;
  }

 private:
  static constexpr const char* kPages[] = {"/status/200", "/redirect/2", "/no-head",
                                           "/headers?Content-Type=text/html"};
  TempDir root_;
  std::unique_ptr<FixtureServer> server_;
};

// expect_trusted_run() checks a run that verified (or skipped verifying) the certificate: exit
// 0, both sitemaps loaded, every page ok over https.
void expect_trusted_run(const TlsSite& site, const AuditRun& run, const fs::path& report_path) {
  INFO("stderr: " << run.err << "stdout: " << run.out);
  CHECK(run.code == 0);
  json report = load_json(report_path);
  check_report_invariants(report);
  check_listed_once(report, site.pages());
  REQUIRE(report["sources"].size() == 2);
  for (const json& source : report["sources"]) {
    INFO("source " << source.dump());
    CHECK(source["error"].is_null());
  }
  CHECK(report["sources"][0]["url"] == site.url("/index.xml"));
  CHECK(report["sources"][0]["kind"] == "sitemapindex");
  CHECK(report["sources"][1]["url"] == site.url("/pages.xml"));
  CHECK(report["sources"][1]["kind"] == "urlset");
  CHECK(report["summary"]["ok"] == site.pages().size());
  auto results = results_by_url(report);
  CHECK(results.at(site.url("/redirect/2"))["final_url"] == site.url("/redirect/0"));
  CHECK(results.at(site.url("/redirect/2"))["redirects"].size() == 2);
  CHECK(results.at(site.url("/no-head"))["fell_back_to_get"] == true);
  CHECK(report["run"]["exit_code"] == 0);
}

TEST_CASE("tls: an https sitemap with an untrusted certificate exits 2 naming the URL",
          "[integration][audit][tls]") {
  TlsSite site;
  TempDir dir;
  const std::string sitemap = site.url("/index.xml");
  AuditRun run = run_siteaudit(with_common({sitemap, "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "stdout: " << run.out);
  CHECK(run.code == 2);
  CHECK(one_line(run.err));
  const std::string why = "the TLS certificate of " + site.origin() + " is not trusted";
  CHECK(run.err.find(sitemap + ": " + why + " (") != std::string::npos);

  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  CHECK(report["results"].empty());
  REQUIRE(report["sources"].size() == 1);
  CHECK(report["sources"][0]["url"] == sitemap);
  REQUIRE(report["sources"][0]["error"].is_string());
  CHECK(report["sources"][0]["error"].get<std::string>().find(why) != std::string::npos);
  CHECK(report["run"]["exit_code"] == 2);
}

TEST_CASE("tls: https pages with an untrusted certificate fail with error kind tls and exit 1",
          "[integration][audit][tls]") {
  TlsSite site;
  TempDir dir;
  // A local list of the pages: the sitemap itself loads, only the pages meet the certificate.
  std::string text;
  for (const std::string& url : site.pages()) text += url + "\n";
  write_text(dir / "urls.txt", text);
  AuditRun run = run_siteaudit(with_common({dir / "urls.txt", "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "stdout: " << run.out);
  CHECK(run.code == 1);

  json report = load_json(dir / "report.json");
  check_report_invariants(report);
  check_listed_once(report, site.pages());
  validate_schema(dir / "report.json");
  const std::string why = "the TLS certificate of " + site.origin() + " is not trusted (";
  for (const json& result : report["results"]) {
    INFO("result " << result.dump());
    CHECK(result["outcome"] == "failed");
    CHECK(result["error_kind"] == "tls");
    CHECK(result["error"].get<std::string>().starts_with(why));
    CHECK(result["status"].is_null());
    CHECK(result["attempts"] == 1);  // a certificate does not become trusted by retrying
  }
  CHECK(report["summary"]["failed"] == site.pages().size());
  CHECK(report["run"]["exit_code"] == 1);
  // The terminal summary says it in the same words.
  CHECK(run.out.find(why) != std::string::npos);
}

TEST_CASE("tls: the test CA given with ca-file is trusted for sitemaps and pages, exit 0",
          "[integration][audit][tls]") {
  TlsSite site;
  TempDir dir;
  AuditRun run =
      run_siteaudit(with_common({site.url("/index.xml"), "--ca-file", FixtureServer::ca_file(),
                                 "--redirects", "follow", "--json", dir / "report.json"}));
  expect_trusted_run(site, run, dir / "report.json");
  validate_schema(dir / "report.json");
}

TEST_CASE("tls: insecure skips certificate verification for sitemaps and pages, exit 0",
          "[integration][audit][tls]") {
  TlsSite site;
  TempDir dir;
  AuditRun run = run_siteaudit(with_common({site.url("/index.xml"), "--insecure", "--redirects",
                                            "follow", "--json", dir / "report.json"}));
  expect_trusted_run(site, run, dir / "report.json");
}

TEST_CASE("tls: a ca-file that does not exist exits 2 with one line naming it",
          "[integration][audit][tls][input]") {
  TlsSite site;
  TempDir dir;
  const std::string missing = dir / "no-such-ca.pem";
  AuditRun run = run_siteaudit(
      with_common({site.url("/index.xml"), "--ca-file", missing, "--json", dir / "report.json"}));
  INFO("stderr: " << run.err << "stdout: " << run.out);
  CHECK(run.code == 2);
  CHECK_FALSE(run.signaled);
  CHECK(one_line(run.err));
  CHECK(run.err.find("--ca-file: cannot read '" + missing + "': No such file or directory") !=
        std::string::npos);
  // Refused while parsing the options: no audit ran, so no report was written.
  CHECK_FALSE(fs::exists(dir / "report.json"));
}

}  // namespace
