#include "siteaudit/audit/expected_routes.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "audit/rule_text.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

namespace {

using namespace rules_detail;

constexpr std::size_t kMaxLineBytes = 8192;

void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// canonical_escapes() applies the percent-encoding rules of the file comment, and escapes the
// characters of `escapes` (net::kPathEscapes or net::kQueryEscapes) as a normal URL does, so
// that a route written "/user/{id}" is the listed URL's "/user/%7bid%7d".
std::string canonical_escapes(std::string_view text, std::string_view escapes) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '%' && i + 2 < text.size() && net::hex_value(text[i + 1]) >= 0 &&
        net::hex_value(text[i + 2]) >= 0) {
      auto decoded = static_cast<unsigned char>(net::hex_value(text[i + 1]) * 16 +
                                                net::hex_value(text[i + 2]));
      if (net::is_unreserved(static_cast<char>(decoded))) {
        out += static_cast<char>(decoded);
      } else {
        append_escape(out, decoded);
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7f ||
               escapes.find(static_cast<char>(c)) != std::string_view::npos) {
      append_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string normalize_path(std::string_view raw) {
  std::string path = canonical_escapes(raw, net::kPathEscapes);
  std::size_t last = path.rfind('/');
  if (last != std::string::npos) {
    std::string_view tail = std::string_view(path).substr(last + 1);
    if (tail == "index.html" || tail == "index.htm") path.resize(last + 1);
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  return path;
}

struct Target {
  std::string_view path;
  std::string_view query;
  bool has_query = false;
};

// split_target() finds the path and query of an absolute URL or of a path; the origin and the
// fragment are dropped.
Target split_target(std::string_view url) {
  if (std::optional<std::string_view> rest = net::after_authority(url)) url = *rest;
  url = url.substr(0, url.find('#'));
  Target target;
  std::size_t q = url.find('?');
  target.path = url.substr(0, q);
  if (q != std::string_view::npos) {
    target.query = url.substr(q + 1);
    target.has_query = true;
  }
  return target;
}

// split_segments() splits a normalised path into its segments; "/" has none.
void split_segments(std::string_view path, std::vector<std::string_view>& out) {
  out.clear();
  if (path.size() <= 1) return;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

// segment_matches() is wildcard matching of one segment where '*' is any run of characters;
// the single-backtrack-point algorithm is linear in practice and never recursive.
bool segment_matches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// path_matches() is the same algorithm one level up: '**' is any run of segments and every
// other pattern segment matches exactly one segment.
bool path_matches(const std::vector<std::string>& pattern,
                  const std::vector<std::string_view>& segments) {
  std::size_t p = 0, s = 0, star = std::string::npos, mark = 0;
  while (s < segments.size()) {
    if (p < pattern.size() && pattern[p] == "**") {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && segment_matches(pattern[p], segments[s])) {
      ++p;
      ++s;
    } else if (star != std::string::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == "**") ++p;
  return p == pattern.size();
}

}  // namespace

std::string ExpectedRoutes::normalize(std::string_view url_or_path, bool keep_query) {
  Target target = split_target(url_or_path);
  std::string out = normalize_path(target.path);
  if (keep_query && target.has_query) {
    out += '?';
    out += canonical_escapes(target.query, net::kQueryEscapes);
  }
  return out;
}

ParseResult<ExpectedRoutes> ExpectedRoutes::load(const std::string& path) {
  using Result = ParseResult<ExpectedRoutes>;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Result::failure("--expect: cannot read '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Result::failure("--expect: cannot read '" + path + "': " + std::strerror(errno));
  }
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return Result::failure("--expect: cannot read '" + path + "': " + std::strerror(errno));
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    return Result::failure(path + ": larger than " + std::to_string(kMaxFileBytes >> 20) +
                           " MiB; is this really a routes file?");
  }
  return parse(text, path);
}

ParseResult<ExpectedRoutes> ExpectedRoutes::parse(std::string_view text, std::string_view name) {
  using Result = ParseResult<ExpectedRoutes>;
  ExpectedRoutes routes;
  routes.file_ = std::string(name);
  std::unordered_map<std::string, std::uint32_t> glob_keys;
  std::uint32_t line_number = 0;
  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // a UTF-8 BOM from Windows editors
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string where = routes.file_ + ":" + std::to_string(line_number) + ": ";
    if (line.size() > kMaxLineBytes) {
      return Result::failure(where + "line longer than " + std::to_string(kMaxLineBytes) +
                             " bytes");
    }
    std::string_view route = strip(line.substr(0, line.find('#')));
    if (route.empty()) continue;
    const std::string quoted = "'" + std::string(route) + "'";
    for (char c : route) {
      if (is_space(c)) {
        return Result::failure(where + quoted +
                               " contains whitespace (one route per line; write a space as %20)");
      }
    }
    std::string_view target_text = route;
    if (istarts_with(route, "http://") || istarts_with(route, "https://")) {
      std::size_t path_start = route.find_first_of("/?", route.find("://") + 3);
      target_text = path_start == std::string_view::npos ? "/" : route.substr(path_start);
    } else if (route.front() != '/') {
      return Result::failure(where + quoted +
                             " is not a path (a route starts with '/', e.g. /docs/)");
    }
    Target target = split_target(target_text);
    std::vector<std::string_view> raw_segments;
    split_segments(target.path, raw_segments);
    for (std::string_view segment : raw_segments) {
      if (segment == "." || segment == "..") {
        return Result::failure(where + quoted + " has a '" + std::string(segment) +
                               "' segment; write the path it stands for");
      }
      if (segment != "**" && segment.find("**") != std::string_view::npos) {
        return Result::failure(where + quoted +
                               ": '**' must be a whole segment (/docs/** matches any depth; "
                               "use * within a segment)");
      }
    }
    if (routes.routes_.size() >= kMaxRoutes) {
      return Result::failure(where + "more than " + std::to_string(kMaxRoutes) + " routes");
    }

    Route r;
    r.text = std::string(route);
    r.line = line_number;
    r.path = normalize_path(target.path);
    r.has_query = target.has_query;
    r.query = canonical_escapes(target.query, net::kQueryEscapes);
    r.glob = r.path.find('*') != std::string::npos;
    std::string key = r.has_query ? r.path + "?" + r.query : r.path;
    auto& keys = r.glob ? glob_keys : routes.literals_;
    auto index = static_cast<std::uint32_t>(routes.routes_.size());
    auto [it, inserted] = keys.emplace(key, index);
    if (!inserted) {
      const Route& first = routes.routes_[it->second];
      return Result::failure(where + quoted + " is the same route as '" + first.text +
                             "' on line " + std::to_string(first.line) +
                             " (after normalisation both are " + key + ")");
    }
    if (r.glob) {
      std::vector<std::string_view> segments;
      split_segments(r.path, segments);
      r.segments.assign(segments.begin(), segments.end());
      routes.globs_.push_back(index);
    }
    routes.routes_.push_back(std::move(r));
  }
  if (routes.routes_.empty()) {
    return Result::failure(routes.file_ + ": no routes (every line is blank or a comment)");
  }
  return Result::success(std::move(routes));
}

RouteMatcher::RouteMatcher(ExpectedRoutes routes, std::size_t max_unexpected)
    : routes_(std::move(routes)),
      seen_(routes_.routes_.size(), false),
      globs_unseen_(routes_.globs_.size()),
      max_unexpected_(max_unexpected) {}

bool RouteMatcher::match_globs(std::string_view path, std::string_view query,
                               bool already_matched) {
  // Once every glob has been seen, globs can only decide whether an unmatched URL is
  // expected; a URL a literal route matched needs no glob at all.
  if (already_matched && globs_unseen_ == 0) return true;
  split_segments(path, segments_);
  bool matched = already_matched;
  for (std::uint32_t index : routes_.globs_) {
    if (matched && seen_[index]) continue;
    const ExpectedRoutes::Route& route = routes_.routes_[index];
    if (route.has_query && canonical_escapes(query, net::kQueryEscapes) != route.query) continue;
    if (!path_matches(route.segments, segments_)) continue;
    if (!seen_[index]) {
      seen_[index] = true;
      --globs_unseen_;
    }
    matched = true;
    if (globs_unseen_ == 0) break;
  }
  return matched;
}

bool RouteMatcher::add(std::string_view url) {
  ++urls_seen_;
  Target target = split_target(url);
  std::string path = normalize_path(target.path);
  bool matched = false;
  auto mark = [&](const std::string& key) {
    auto it = routes_.literals_.find(key);
    if (it == routes_.literals_.end()) return;
    seen_[it->second] = true;
    matched = true;
  };
  mark(path);
  if (target.has_query) {
    key_.assign(path);
    key_ += '?';
    key_ += canonical_escapes(target.query, net::kQueryEscapes);
    mark(key_);
  }
  if (!routes_.globs_.empty()) matched = match_globs(path, target.query, matched);
  if (!matched) {
    ++unexpected_total_;
    if (unexpected_.size() < max_unexpected_) unexpected_.emplace_back(url);
  }
  return matched;
}

std::vector<std::string> RouteMatcher::missing() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    if (!seen_[i]) out.push_back(routes_.routes_[i].text);
  }
  return out;
}

void RouteMatcher::fill(RouteReport& report) const {
  report.enabled = true;
  report.file = routes_.file();
  report.expected.clear();
  report.expected.reserve(routes_.routes_.size());
  for (const ExpectedRoutes::Route& route : routes_.routes_) report.expected.push_back(route.text);
  report.missing = missing();
  report.unexpected = unexpected_;
}

std::vector<Finding> RouteMatcher::findings(bool strict) const {
  std::vector<Finding> out;
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    if (seen_[i]) continue;
    const ExpectedRoutes::Route& route = routes_.routes_[i];
    out.push_back(Finding{FindingCode::missing_route,
                          "expected route '" + route.text +
                              "' matches no sitemap URL: add the page to the sitemap, or remove "
                              "the route if the page is gone",
                          routes_.file(), route.line, Severity::failure});
  }
  const Severity unexpected_severity = strict ? Severity::failure : Severity::warning;
  for (const std::string& url : unexpected_) {
    out.push_back(Finding{FindingCode::unexpected_url,
                          "sitemap URL matches no route in " + routes_.file() +
                              ": add a route for it, or drop it from the sitemap",
                          url, 0, unexpected_severity});
  }
  if (unexpected_total_ > unexpected_.size()) {
    out.push_back(Finding{FindingCode::unexpected_url,
                          std::to_string(unexpected_total_ - unexpected_.size()) +
                              " more sitemap URLs match no route in " + routes_.file() +
                              " (only the first " + std::to_string(unexpected_.size()) +
                              " are listed)",
                          routes_.file(), 0, unexpected_severity});
  }
  return out;
}

}  // namespace siteaudit::audit
