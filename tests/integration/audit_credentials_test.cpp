// audit_credentials_test.cpp — where the user's --header lines and a URL's "user:secret@" go:
// to the inputs' origins (and --header-host), never to another origin a sitemap lists or a
// redirect leads to; --same-origin-only does not request the others at all.
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

// headers_sent() lists the value of request header `name` for each request in `server`'s /log
// whose path starts with `prefix` ("" when the request did not carry it).
std::vector<std::string> headers_sent(const FixtureServer& server, std::string_view prefix,
                                      const std::string& name) {
  std::vector<std::string> values;
  for (const json& entry : server_json(server, "/log")) {
    if (entry["path"].get<std::string>().rfind(prefix, 0) != 0) continue;
    const json& headers = entry["headers"];
    values.push_back(headers.contains(name) ? headers[name].get<std::string>() : "");
  }
  return values;
}

// SiteAndOther is a site whose sitemap lists its own pages, a page on another origin (a second
// server: another port is another origin), and a redirect from the site to that other origin.
struct SiteAndOther {
  TempDir dir;
  FixtureServer other;
  FixtureServer site{dir.path().string()};
  SiteAndOther() {
    write_text(dir / "sitemap.xml",
               urlset({"{{BASE}}/status/200", other.url("/status/200"),
                       "{{BASE}}/redirect-to?url=" + other.url("/status/204")}));
  }
};

TEST_CASE(
    "option header goes to the inputs' origins only, never to another origin or redirect target",
    "[integration][audit][credentials]") {
  SiteAndOther s;
  AuditRun run = run_siteaudit(
      with_common({s.site.url("/sitemap.xml"), "--header", "X-Token: s3cret", "--header",
                   "Authorization: Bearer t0ken", "--json", s.dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  // The site got them: on the sitemap, its page and the redirect.
  for (const char* path : {"/sitemap.xml", "/status/200", "/redirect-to"}) {
    INFO(path);
    CHECK(headers_sent(s.site, path, "X-Token") == std::vector<std::string>{"s3cret"});
  }
  // The other origin never did, listed directly or reached by a redirect.
  const std::vector<std::string> token = headers_sent(s.other, "/status/", "X-Token");
  const std::vector<std::string> auth = headers_sent(s.other, "/status/", "Authorization");
  CHECK(token == std::vector<std::string>{"", ""});
  CHECK(auth == std::vector<std::string>{"", ""});
}

TEST_CASE("option header-host names more origins that get --header",
          "[integration][audit][credentials]") {
  SiteAndOther s;
  AuditRun run = run_siteaudit(
      with_common({s.site.url("/sitemap.xml"), "--header", "X-Token: s3cret", "--header-host",
                   s.other.base(), "--json", s.dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  // Listed directly on a named origin: sent. A redirect's target still gets nothing: the
  // header stays with the origin each fetch started at.
  CHECK(headers_sent(s.other, "/status/200", "X-Token") == std::vector<std::string>{"s3cret"});
  CHECK(headers_sent(s.other, "/status/204", "X-Token") == std::vector<std::string>{""});
  // A bad value is a usage error naming the option.
  AuditRun bad = run_siteaudit(
      with_common({s.site.url("/sitemap.xml"), "--header-host", "https://a.test/docs"}));
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--header-host"));
}

TEST_CASE("option same-origin-only skips the URLs on other origins without requesting them",
          "[integration][audit][credentials]") {
  SiteAndOther s;
  // An index of the site's sitemap and of a sitemap on the other origin.
  write_text(s.dir / "index.xml",
             "<?xml version=\"1.0\"?>\n"
             "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
             "<sitemap><loc>{{BASE}}/sitemap.xml</loc></sitemap>\n"
             "<sitemap><loc>" +
                 s.other.url("/other-sitemap.xml") +
                 "</loc></sitemap>\n"
                 "</sitemapindex>\n");
  AuditRun run = run_siteaudit(
      with_common({s.site.url("/index.xml"), "--same-origin-only", "--json", s.dir / "r.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(s.dir / "r.json");
  check_report_invariants(report);
  const json other = result_for(report, s.other.url("/status/200"));
  CHECK(other["outcome"] == "skipped");
  CHECK(other["error_kind"] == "other_origin");
  CHECK(result_for(report, s.site.url("/status/200"))["outcome"] == "ok");
  // The other origin saw no request for what the sitemaps listed there (the site's own
  // redirect to it is followed as usual).
  CHECK(requested(s.other) == std::vector<std::string>{"HEAD /status/204"});
  bool noted = false;
  for (const json& warning : report["sources"][0]["warnings"]) {
    noted = noted || warning["code"] == "sitemap_other_origin";
  }
  CHECK(noted);
}

TEST_CASE("credentials in a listed URL are a finding, and go to no other origin",
          "[integration][audit][credentials]") {
  TempDir dir;
  FixtureServer other;
  FixtureServer site(dir.path().string());
  const std::string other_url =
      "http://user:secret@127.0.0.1:" + std::to_string(other.port()) + "/status/200";
  write_text(dir / "sitemap.xml",
             urlset({"http://user:pw@127.0.0.1:" + std::to_string(site.port()) + "/status/200",
                     other_url}));
  AuditRun run =
      run_siteaudit(with_common({site.url("/sitemap.xml"), "--json", dir / "report.json"}));
  INFO("stderr: " << run.err);
  CHECK(run.code == 0);
  json report = load_json(dir / "report.json");
  int findings = 0;
  for (const json& warning : report["sources"][0]["warnings"]) {
    if (warning["code"] != "credentials_in_url") continue;
    ++findings;
    // The finding names the URL without the secret.
    CHECK(warning["message"].get<std::string>().find("secret") == std::string::npos);
  }
  CHECK(findings == 2);
  // On the input's origin they are Basic auth ("user:pw"); on the other origin, nothing.
  CHECK(headers_sent(site, "/status/200", "Authorization") ==
        std::vector<std::string>{"Basic dXNlcjpwdw=="});
  CHECK(headers_sent(other, "/status/200", "Authorization") == std::vector<std::string>{""});
  CHECK(result_for(report, other_url)["check_url"] == other.url("/status/200"));
}

}  // namespace
