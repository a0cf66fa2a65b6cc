// baseline_site.hpp — one sitemap that a test rewrites between runs, for the --baseline tests.
//
// The fixture server serves a temporary directory holding sitemap.xml; list() replaces it
// with the fixture server's paths ("/status/404?old"), so that a first run writes the
// baseline and a second run, over another list, finds known, new and fixed failures.
//
//   BaselineSite site;
//   site.list({"/status/200", "/status/404?old"});
//   site.audit({"--json", dir / "old.json"});
#pragma once

#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace siteaudit::integration {

class BaselineSite {
 public:
  BaselineSite() : server_(dir_.path().string()) {}

  // list() makes sitemap.xml list the server's `paths`, in order.
  void list(const std::vector<std::string>& paths) {
    std::vector<std::string> urls;
    for (const std::string& path : paths) urls.push_back(server_.url(path));
    write_text(dir_ / "sitemap.xml", urlset(urls));
  }
  // audit() runs siteaudit on the sitemap without retries, with `more` arguments.
  AuditRun audit(const std::vector<std::string>& more) const {
    std::vector<std::string> args = {server_.url("/sitemap.xml"), "--retries", "0"};
    args.insert(args.end(), more.begin(), more.end());
    return run_siteaudit(with_common(args));
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  const FixtureServer& server() const { return server_; }

 private:
  TempDir dir_;
  FixtureServer server_;
};

}  // namespace siteaudit::integration
