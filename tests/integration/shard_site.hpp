// shard_site.hpp — a small site on two hosts for the shard and merge tests.
//
// The fixture server serves a temporary directory holding two sitemaps: a.xml lists 27 URLs
// on http://127.0.0.1:PORT and b.xml 14 on http://localhost:PORT (the same server by another
// name), with passing, failing, redirected and duplicate URLs, and a routes file with a route
// no URL matches and URLs no route matches. args() names both sitemaps, so the inputs span
// two hosts.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace siteaudit::integration {

class ShardSite {
 public:
  ShardSite() : server_(dir_.path().string()) {
    const std::string here = server_.base();
    const std::string other = fmt::format("http://localhost:{}", server_.port());
    std::vector<std::string> a, b;
    for (int i = 0; i < 22; ++i) a.push_back(fmt::format("{}/status/200?a{}", here, i));
    a.push_back(here + "/status/404?missing");
    a.push_back(here + "/redirect/1");
    a.push_back(here + "/no-head");
    a.push_back(here + "/status/200?a3");  // a duplicate
    a.push_back(here + "/status/500?broken");
    for (int i = 0; i < 12; ++i) b.push_back(fmt::format("{}/status/200?b{}", other, i));
    b.push_back(other + "/status/410?gone");
    b.push_back(here + "/status/200?a5");  // listed by both sitemaps
    unique_ = 22 + 4 + 13;
    write_text(dir_ / "a.xml", urlset(a));
    write_text(dir_ / "b.xml", urlset(b));
    write_text(dir_ / "routes.txt", "/status/*\n/redirect/*\n/nowhere\n");
  }

  // args() is a run of both sitemaps with the routes file (unless `routes` is false), the
  // common flags and `more`.
  std::vector<std::string> args(const std::vector<std::string>& more, bool routes = true) const {
    std::vector<std::string> all = {server_.url("/a.xml"),
                                    fmt::format("http://localhost:{}/b.xml", server_.port()),
                                    "--retries", "0"};
    if (routes) {
      all.push_back("--expect");
      all.push_back(dir_ / "routes.txt");
    }
    all.insert(all.end(), more.begin(), more.end());
    return with_common(all);
  }
  // index_url() is the one sitemap on 127.0.0.1.
  std::string index_url() const { return server_.url("/a.xml"); }
  std::size_t unique_urls() const { return unique_; }
  const FixtureServer& server() const { return server_; }

 private:
  TempDir dir_;
  FixtureServer server_;
  std::size_t unique_ = 0;
};

}  // namespace siteaudit::integration
