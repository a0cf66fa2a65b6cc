// trusted_origins.cpp — the origins the user named: inputs, --rewrite targets, --header-host.
#include "siteaudit/audit/trusted_origins.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {
namespace {

// origin_key() is "scheme://host:port" of an http(s) URL (without its userinfo), empty when
// it is not one.
std::string origin_key(std::string_view url) {
  if (!net::is_absolute_http_url(url)) return {};
  net::UrlResult normal = net::normalize_url(net::without_userinfo(url));
  return normal.ok() ? net::origin_of(normal.url) : std::string();
}

// rewrite_target() is TO of "FROM=TO": the text after the first '=' that starts an http(s)
// URL, as RewriteRules::parse() splits it.
std::string_view rewrite_target(std::string_view rule) {
  for (std::size_t eq = rule.find('='); eq != std::string_view::npos; eq = rule.find('=', eq + 1)) {
    if (net::is_absolute_http_url(rule.substr(eq + 1))) return rule.substr(eq + 1);
  }
  return {};
}

}  // namespace

TrustedOrigins TrustedOrigins::from_config(const AuditConfig& config) {
  TrustedOrigins trusted;
  for (const std::string& input : config.inputs) trusted.add_origin_of(input);
  for (const std::string& rule : config.rewrite) trusted.add_origin_of(rewrite_target(rule));
  for (const std::string& entry : config.header_hosts) {
    if (check_header_host(entry).empty()) trusted.add_header_host(entry);
  }
  return trusted;
}

std::string TrustedOrigins::check_header_host(std::string_view entry) {
  if (entry.find("://") != std::string_view::npos) {
    net::UrlParts parts;
    net::UrlResult normal = net::normalize_url(entry);
    if (!normal.ok() || !net::split_url(normal.url, parts) || net::has_userinfo(entry)) {
      return fmt::format("'{}' is not an http(s) origin such as https://host:8443", entry);
    }
    if (parts.path != "/" || !parts.query.empty()) {
      return fmt::format("'{}' has a path; give a host or an origin, without a path", entry);
    }
    return {};
  }
  // A bare host must be what a URL's host would be: try it as one.
  net::UrlParts parts;
  const std::string as_url = fmt::format("http://{}/", entry);
  if (entry.empty() || entry.find_first_of("/?#@: ") != std::string_view::npos ||
      !net::split_url(as_url, parts) || net::ascii_lower(parts.host) != net::ascii_lower(entry)) {
    return fmt::format("'{}' is not a host name (or an origin such as https://host)", entry);
  }
  return {};
}

void TrustedOrigins::add_origin_of(std::string_view url) {
  std::string key = origin_key(url);
  if (!key.empty() && std::find(origins_.begin(), origins_.end(), key) == origins_.end()) {
    origins_.push_back(std::move(key));
  }
}

void TrustedOrigins::add_header_host(std::string_view entry) {
  if (entry.find("://") != std::string_view::npos) {
    add_origin_of(entry);
  } else {
    hosts_.push_back(net::ascii_lower(entry));
  }
}

bool TrustedOrigins::contains(std::string_view url) const {
  if (origins_.empty() && hosts_.empty()) return false;
  std::string stripped;
  if (net::has_userinfo(url)) url = stripped = net::without_userinfo(url);
  net::UrlParts parts;
  if (!net::is_absolute_http_url(url) || !net::split_url(url, parts)) return false;
  if (std::find(hosts_.begin(), hosts_.end(), parts.host) != hosts_.end()) return true;
  const std::string key = net::origin_of(url);
  return std::find(origins_.begin(), origins_.end(), key) != origins_.end();
}

}  // namespace siteaudit::audit
