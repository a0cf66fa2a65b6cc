// sitemap_lint.cpp — W3C datetime, changefreq and priority checks; loc resolution and scope.
#include "siteaudit/audit/sitemap_lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>

#include "siteaudit/audit/datetime.hpp"
#include "siteaudit/audit/utf8.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {

namespace {

// directory_of() keeps a path up to and including its last '/': the scope sitemaps.org gives a
// sitemap ("can only contain URLs in the same directory or below").
std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string("/") : path.substr(0, slash + 1);
}

// has_scheme() is true when `loc` starts with a scheme ("ftp:", "mailto:"): a colon before any
// slash. "x:y" without "//" that is not a known scheme would still resolve as a relative path,
// so this looks for the colon, not for "://".
bool has_scheme(std::string_view loc) {
  const auto colon = loc.find(':');
  const auto slash = loc.find('/');
  return colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// characters_in() counts the UTF-8 characters of `text` (a stray byte counts as one).
std::size_t characters_in(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_utf8_continuation(c); }));
}

// first_characters() is the start of `text` up to `n` characters, never half of one.
std::string_view first_characters(std::string_view text, std::size_t n) {
  std::size_t end = 0;
  for (std::size_t seen = 0; end < text.size(); ++end) {
    if (!is_utf8_continuation(text[end]) && seen++ == n) break;
  }
  return text.substr(0, end);
}

}  // namespace

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_control(c)) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view text) {
  return net::trim(text, net::kXmlSpace);
}

bool is_w3c_datetime(std::string_view text) {
  return parse_w3c_datetime(text).has_value();
}

bool is_valid_changefreq(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kValues = {
      "always", "hourly", "daily", "weekly", "monthly", "yearly", "never"};
  for (auto v : kValues) {
    if (net::iequals(text, v)) return true;
  }
  return false;
}

bool is_valid_priority(std::string_view text) {
  // std::from_chars for double is locale-independent and rejects "1e", "0x1", leading '+'.
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return false;
  return value >= 0.0 && value <= 1.0;
}

SitemapLint::SitemapLint(std::string_view document_url) : document_url_(document_url) {
  http_document_ = net::is_absolute_http_url(document_url) && net::split_url(document_url, scope_);
  if (http_document_) {
    scope_.path = directory_of(scope_.path);
    // The origin as a normal URL spells it: default ports are dropped.
    bool default_port = (scope_.scheme == "https" && scope_.port == 443) ||
                        (scope_.scheme == "http" && scope_.port == 80);
    scope_origin_ = default_port
                        ? fmt::format("{}://{}", scope_.scheme, scope_.host)
                        : fmt::format("{}://{}:{}", scope_.scheme, scope_.host, scope_.port);
  }
}

void SitemapLint::add(FindingCode code, std::string message, std::uint32_t line) {
  if (++counts_[code] > kMaxFindingsPerCode) return;
  findings_.push_back(Finding{.code = code,
                              .message = std::move(message),
                              .where = document_url_,
                              .line = line,
                              .severity = Severity::warning});
}

std::string SitemapLint::check_loc(std::string_view raw, std::uint32_t line) {
  std::string_view loc = trim(raw);
  if (loc.empty()) {
    add(FindingCode::empty_loc, "empty <loc>", line);
    return {};
  }
  // A control character (a NUL from &#0;, a tab, ...) cannot be part of a URL, and any way of
  // requesting it (dropping it, cutting the URL there, percent-encoding it) would check a
  // different URL than the one listed: the entry is reported, never requested.
  if (const auto bad = std::find_if(loc.begin(), loc.end(), is_control); bad != loc.end()) {
    add(FindingCode::control_character_in_url,
        fmt::format("{} contains the control character U+{:04X}; not checked", escape_controls(loc),
                    static_cast<unsigned>(static_cast<unsigned char>(*bad))),
        line);
    return {};
  }
  // Characters, not bytes: a listed IRI's non-ASCII letters count once, as the protocol's do.
  // A URL has no more characters than bytes, so most are never counted.
  if (loc.size() > kMaxLocCharacters) {
    if (const std::size_t characters = characters_in(loc); characters > kMaxLocCharacters) {
      add(FindingCode::loc_too_long,
          fmt::format("a URL of {} characters (sitemaps.org allows fewer than 2,048): {}...",
                      characters, first_characters(loc, 100)),
          line);
    }
  }
  std::size_t origin_end = 0;
  if (http_document_ && net::is_normal_url(loc, &origin_end)) {
    std::string_view path = loc.substr(origin_end);
    path = path.substr(0, path.find('?'));
    if (loc.substr(0, origin_end) != scope_origin_) {
      add(FindingCode::loc_out_of_scope,
          fmt::format("{} is not on the sitemap's host {}://{}", loc, scope_.scheme, scope_.host),
          line);
    } else if (!path.starts_with(scope_.path) && std::string(path) + "/" != scope_.path) {
      add(FindingCode::loc_out_of_scope,
          fmt::format("{} is outside the sitemap's directory {}", loc, scope_.path), line);
    }
    return std::string(loc);
  }
  // A normal URL is ASCII, so only the others are looked at for a byte that is not UTF-8. It
  // is requested percent-encoded (%E9), which is the URL the site meant only if it decodes its
  // paths as Latin-1; search engines read the sitemap as UTF-8.
  if (const std::size_t at = invalid_utf8_at(loc); at != std::string_view::npos) {
    add(FindingCode::not_utf8,
        fmt::format("{} has the byte 0x{:02X}, which is not UTF-8 (sitemaps.org requires UTF-8); "
                    "checked with it percent-encoded",
                    loc, static_cast<unsigned>(static_cast<unsigned char>(loc[at]))),
        line);
  }
  if (net::is_absolute_http_url(loc)) {
    net::UrlResult normal = net::normalize_url(loc);
    if (!normal.ok()) {
      add(FindingCode::invalid_loc, fmt::format("invalid URL {}: {}", loc, normal.error), line);
      return {};
    }
    net::UrlParts parts;
    if (http_document_ && net::split_url(normal.url, parts)) {
      if (parts.scheme != scope_.scheme || parts.host != scope_.host || parts.port != scope_.port) {
        add(FindingCode::loc_out_of_scope,
            fmt::format("{} is not on the sitemap's host {}://{}", loc, scope_.scheme, scope_.host),
            line);
      } else if (parts.path.compare(0, scope_.path.size(), scope_.path) != 0 &&
                 parts.path + "/" != scope_.path) {
        // "/blog" is the directory "/blog/" itself, written without its slash.
        add(FindingCode::loc_out_of_scope,
            fmt::format("{} is outside the sitemap's directory {}", loc, scope_.path), line);
      }
    }
    return normal.url;
  }
  // A scheme other than http(s) cannot be checked.
  if (has_scheme(loc)) {
    add(FindingCode::non_http_loc, fmt::format("{} is not an http(s) URL", loc), line);
    return {};
  }
  if (!http_document_) {
    add(FindingCode::relative_loc,
        fmt::format("relative URL {} cannot be resolved: the sitemap is not an http(s) URL", loc),
        line);
    return {};
  }
  net::UrlResult resolved = net::resolve_url(document_url_, loc);
  if (!resolved.ok()) {
    add(FindingCode::invalid_loc, fmt::format("invalid URL {}: {}", loc, resolved.error), line);
    return {};
  }
  add(FindingCode::relative_loc,
      fmt::format("relative URL {} (the protocol requires absolute URLs); resolved to {}", loc,
                  resolved.url),
      line);
  return resolved.url;
}

std::string SitemapLint::check_sitemap_loc(std::string_view raw, std::uint32_t line) {
  std::string_view loc = trim(raw);
  if (http_document_ || loc.empty() || has_scheme(loc) ||
      std::any_of(loc.begin(), loc.end(), is_control)) {
    return check_loc(raw, line);
  }
  // A local index may list files: relative to the index's own directory (a path without a
  // slash, such as "-", is in the current one).
  std::filesystem::path path(loc);
  if (path.is_relative()) path = std::filesystem::path(document_url_).parent_path() / path;
  return path.lexically_normal().string();
}

void SitemapLint::check_lastmod(std::string_view lastmod, std::uint32_t line) {
  if (lastmod.empty() || is_w3c_datetime(lastmod)) return;
  add(FindingCode::invalid_lastmod, fmt::format("lastmod {:?} is not a W3C datetime", lastmod),
      line);
}

void SitemapLint::check_changefreq(std::string_view changefreq, std::uint32_t line) {
  if (changefreq.empty() || is_valid_changefreq(changefreq)) return;
  add(FindingCode::invalid_changefreq,
      fmt::format("changefreq {:?} is not one of always, hourly, daily, weekly, monthly, "
                  "yearly, never",
                  changefreq),
      line);
}

void SitemapLint::check_priority(std::string_view priority, std::uint32_t line) {
  if (priority.empty() || is_valid_priority(priority)) return;
  add(FindingCode::invalid_priority,
      fmt::format("priority {:?} is not a number between 0.0 and 1.0", priority), line);
}

std::vector<Finding> SitemapLint::finish(std::uint64_t urls, std::uint64_t uncompressed_bytes) {
  if (urls > kMaxUrlsPerSitemap) {
    add(FindingCode::too_many_urls,
        fmt::format("{} URLs in one sitemap; the protocol allows at most {}", urls,
                    kMaxUrlsPerSitemap),
        0);
  }
  if (uncompressed_bytes > kMaxBytesPerSitemap) {
    add(FindingCode::sitemap_too_large,
        fmt::format("{} bytes uncompressed; the protocol allows at most {} (50 MiB)",
                    uncompressed_bytes, kMaxBytesPerSitemap),
        0);
  }
  for (const auto& [code, count] : counts_) {
    if (count > kMaxFindingsPerCode) {
      findings_.push_back(
          Finding{.code = code,
                  .message = fmt::format("{} more {} findings not listed",
                                         count - kMaxFindingsPerCode, to_string(code)),
                  .where = document_url_,
                  .line = 0,
                  .severity = Severity::warning});
    }
  }
  counts_.clear();
  return std::move(findings_);
}

}  // namespace siteaudit::audit
