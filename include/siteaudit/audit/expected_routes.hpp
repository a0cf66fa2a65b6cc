// expected_routes.hpp — --expect routes.txt: the paths a site must have, checked against its
// sitemaps.
//
// This is the CI check "does the preview deploy's sitemap list every route we ship, and
// nothing else?". ExpectedRoutes is the parsed routes file; a RouteMatcher is fed every
// sitemap URL by the collector and at the end says which routes no URL matched (`missing`,
// failures) and which URLs matched no route (`unexpected`, warnings; failures with --strict).
//
// The routes file, one route per line:
//   * blank lines are ignored; '#' starts a comment that runs to the end of the line;
//   * a route is a path starting with '/', optionally with a query: /search?q=test. A full
//     http(s) URL is accepted too and only its path and query are kept;
//   * in the path, '*' matches any characters within one segment (not '/'): /blog/* matches
//     /blog/hello but not /blog/2024/hello, and /blog/*.html works; '**' is a whole segment
//     and matches any number of segments, including none: /docs/** matches /docs, /docs/a
//     and /docs/a/b. The query of a route is compared literally;
//   * a route must not contain whitespace (write %20), '.' or '..' segments, or '**' inside a
//     segment; two lines that normalise to the same route are an error.
//   Errors name the file and line: "routes.txt:7: '/a/**b': '**' must be a whole segment ...".
//
// Normalisation, applied to routes and URLs alike before comparing:
//   * paths only: scheme, host and port are ignored (the preview has another origin), and so
//     is a fragment;
//   * percent-encoding is made canonical: escapes of unreserved characters (A-Z a-z 0-9 - . _ ~)
//     are decoded (%7E is ~), other escapes get upper-case hex (%c3%a9 is %C3%A9), and bytes
//     outside ASCII are encoded (é is %C3%A9);
//   * a final index.html or index.htm is dropped (/docs/index.html is /docs/);
//   * a trailing slash is insignificant (/docs/ is /docs); the empty path is /;
//   * the query is ignored unless the route has one, in which case the URL's query must be
//     exactly the route's;
//   * comparison is case-sensitive (paths are, on most servers).
//
// Cost: literal routes are found with one hash lookup per URL; glob routes are tried in file
// order, and once a glob has matched it is only tried again for URLs nothing else matched.
// The matcher never keeps the URLs it is fed: one "seen" bit per route, the first
// `max_unexpected` unexpected URLs, and a count of all of them.
//
// Example:
//   ParseResult<ExpectedRoutes> routes = ExpectedRoutes::load("routes.txt");
//   if (!routes.ok()) { err << routes.error() << '\n'; return kExitUsage; }
//   RouteMatcher matcher(std::move(routes).value());
//   for (const Result& r : results) matcher.add(r.url);
//   matcher.fill(report.routes);
//
// Thread safety: ExpectedRoutes is immutable after parsing. A RouteMatcher is not
// thread-safe: it belongs to the collector fiber.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

class ExpectedRoutes {
 public:
  // kMaxRoutes and kMaxFileBytes guard against a wrong file given to --expect.
  static constexpr std::size_t kMaxRoutes = 1'000'000;
  static constexpr std::size_t kMaxFileBytes = 64u << 20;

  // load() reads and parses a routes file; errors name the file (and line).
  [[nodiscard]] static ParseResult<ExpectedRoutes> load(const std::string& path);
  // parse() parses the text of a routes file; `name` is used in messages.
  [[nodiscard]] static ParseResult<ExpectedRoutes> parse(std::string_view text,
                                                         std::string_view name);

  // size() is the number of routes.
  std::size_t size() const noexcept { return routes_.size(); }
  // file() is the name the routes were loaded from.
  const std::string& file() const noexcept { return file_; }

  // normalize() returns the normal form of a URL or path ("path" or "path?query", see the file
  // comment); exposed so reports and tests can show what was compared.
  static std::string normalize(std::string_view url_or_path, bool keep_query = true);

 private:
  friend class RouteMatcher;
  struct Route {
    std::string text;  // as written, comment and whitespace removed
    std::uint32_t line = 0;
    std::string path;   // normalised
    std::string query;  // normalised; compared only when has_query
    bool has_query = false;
    bool glob = false;
    std::vector<std::string> segments;  // of a glob's path
  };

  std::string file_;
  std::vector<Route> routes_;
  // literals_ maps "path" (routes without a query) and "path?query" to a route index.
  std::unordered_map<std::string, std::uint32_t> literals_;
  std::vector<std::uint32_t> globs_;  // in file order
};

class RouteMatcher {
 public:
  static constexpr std::size_t kDefaultMaxUnexpected = 1000;

  explicit RouteMatcher(ExpectedRoutes routes, std::size_t max_unexpected = kDefaultMaxUnexpected);

  // add() compares one sitemap URL (as listed) with the routes; true when some route matches.
  bool add(std::string_view url);

  // missing() is the routes (as written) that no URL matched, in file order.
  std::vector<std::string> missing() const;
  // unexpected() is the first `max_unexpected` URLs that matched no route, in the order added.
  const std::vector<std::string>& unexpected() const noexcept { return unexpected_; }
  // unexpected_total() counts every URL that matched no route, beyond the cap too.
  std::uint64_t unexpected_total() const noexcept { return unexpected_total_; }
  // urls_seen() counts the URLs added.
  std::uint64_t urls_seen() const noexcept { return urls_seen_; }

  // fill() writes the routes section of the report.
  void fill(RouteReport& report) const;
  // findings() describes every missing route (code "missing_route", always a failure) and
  // every kept unexpected URL (code "unexpected_url", a warning, a failure when `strict`),
  // plus one summary finding when unexpected URLs were dropped by the cap.
  std::vector<Finding> findings(bool strict) const;

  const ExpectedRoutes& routes() const noexcept { return routes_; }

 private:
  bool match_globs(std::string_view path, std::string_view query, bool already_matched);

  ExpectedRoutes routes_;
  std::vector<bool> seen_;
  std::size_t globs_unseen_ = 0;
  std::size_t max_unexpected_;
  std::vector<std::string> unexpected_;
  std::uint64_t unexpected_total_ = 0;
  std::uint64_t urls_seen_ = 0;
  // segments_ is reused for every URL so that matching allocates nothing in the steady state.
  std::vector<std::string_view> segments_;
  std::string key_;
};

}  // namespace siteaudit::audit
