// robots_cache_test.cpp — one robots.txt fetch per origin, shared by concurrent askers.
#include "siteaudit/audit/robots_cache.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"
#include "support/fixture_server.hpp"

using namespace siteaudit;
using namespace siteaudit::audit;
using siteaudit::testing::FixtureServer;

namespace {

std::filesystem::path make_site(bool with_robots) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "siteaudit-robots-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  if (with_robots) {
    std::ofstream(std::filesystem::path(tmpl) / "robots.txt")
        << "User-agent: *\nDisallow: /private\nCrawl-delay: 1.5\n\nUser-agent: siteaudit\n"
           "Disallow: /no-audit\nCrawl-delay: 0.25\n";
  }
  return tmpl;
}

}  // namespace

TEST_CASE("RobotsCache: concurrent askers share one fetch", "[audit]") {
  auto site = make_site(true);
  FixtureServer server(site.string());
  std::atomic<int> allowed{0}, disallowed{0};
  std::uint64_t fetches = 0;
  std::optional<std::chrono::milliseconds> delay;
  rt::Runtime runtime({.threads = 2});
  auto status = runtime.run([&] {
    net::HttpClient client;
    RobotsCache cache(client);
    rt::WaitGroup wg;
    for (int i = 0; i < 32; ++i) {
      wg.add(1);
      rt::go([&, i] {
        std::string path = i % 2 == 0 ? "/no-audit/page" : "/private/page";
        (cache.allowed(rt::background(), server.url(path)) ? allowed : disallowed)++;
        wg.done();
      });
    }
    wg.wait();
    delay = cache.crawl_delay(rt::background(), server.url("/"));
    fetches = cache.fetches();
  });
  REQUIRE(status.ok());
  // siteaudit has its own group: /no-audit is disallowed, /private (the * group's) is not.
  CHECK(disallowed == 16);
  CHECK(allowed == 16);
  CHECK(fetches == 1);
  CHECK(server.logged("/robots.txt") == 1);
  CHECK(delay == std::chrono::milliseconds(250));
  std::filesystem::remove_all(site);
}

TEST_CASE("RobotsCache: a missing robots.txt allows all and inserted rules are used", "[audit]") {
  auto site = make_site(false);
  FixtureServer server(site.string());
  bool missing_allows = false, inserted_disallows = false, other_scheme = false;
  std::uint64_t fetches = 0;
  rt::Runtime runtime({.threads = 1});
  auto status = runtime.run([&] {
    net::HttpClient client;
    RobotsCache cache(client);
    missing_allows = cache.allowed(rt::background(), server.url("/anything"));
    cache.insert("https://inserted.example:443",
                 RobotsTxt::parse("User-agent: *\nDisallow: /\n", ""));
    inserted_disallows = !cache.allowed(rt::background(), "https://inserted.example/page");
    other_scheme = cache.allowed(rt::background(), "ftp://x/y");
    fetches = cache.fetches();
  });
  REQUIRE(status.ok());
  CHECK(missing_allows);
  CHECK(inserted_disallows);
  CHECK(other_scheme);
  CHECK(fetches == 1);
  std::filesystem::remove_all(site);
}
