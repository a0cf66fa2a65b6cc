// trusted_origins.hpp — which origins get the user's --header headers and URL credentials.
//
// A sitemap is the site's text, not the user's: it may list URLs on any origin, including
// another company's API or a private address. The user's --header lines (a bearer token, an
// API key) and the credentials of a URL ("https://user:secret@host/") are therefore sent only
// to origins the user named: the origins of the http(s) inputs, of the --rewrite targets
// (a preview deploy is checked with its token), and the hosts or origins given with
// --header-host. Everything else is requested bare; with --same-origin-only it is not
// requested at all.
//
// An origin is scheme, host and port, as in a browser; https://a.test and http://a.test are
// two. A --header-host entry is either a host name (every scheme and port of that host) or an
// origin ("https://api.example.com:8443").
//
// Example:
//   TrustedOrigins trusted = TrustedOrigins::from_config(config);
//   if (trusted.contains(job.check_url)) request.headers = config.headers;
//
// Thread safety: immutable after construction; contains() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::audit {

struct AuditConfig;

class TrustedOrigins {
 public:
  // TrustedOrigins() trusts nothing.
  TrustedOrigins() = default;

  // from_config() trusts the origins of the http(s) inputs and --rewrite targets, and the
  // --header-host entries (validated by check_header_host(); an invalid one is ignored).
  static TrustedOrigins from_config(const AuditConfig& config);

  // check_header_host() says what is wrong with a --header-host value, or "" when it is a host
  // name or an http(s) origin without a path.
  static std::string check_header_host(std::string_view entry);

  // add_origin_of() trusts the origin of an http(s) URL; other text is ignored.
  void add_origin_of(std::string_view url);
  // add_header_host() trusts a --header-host entry.
  void add_header_host(std::string_view entry);

  // contains() is true when `url` is on a trusted origin.
  bool contains(std::string_view url) const;

 private:
  std::vector<std::string> origins_;  // "scheme://host:port", default port spelt out
  std::vector<std::string> hosts_;    // bare host names: any scheme and port
};

}  // namespace siteaudit::audit
