// redirect_policy.cpp — redirect following decided by our code, not libcurl's.
#include "redirect_policy.hpp"

#include <algorithm>
#include <utility>

#include "siteaudit/net/url.hpp"

namespace siteaudit::net {

bool is_redirect_status(int status) noexcept {
  // 300 (choices), 304 (not modified) and 305/306 carry no Location to follow.
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace siteaudit::net

namespace siteaudit::net::detail {
namespace {

// has_foreign_scheme() is true when `ref` starts with a URI scheme (RFC 3986 §3.1) other than
// http or https.
bool has_foreign_scheme(std::string_view ref) {
  const std::size_t length = scheme_length(ref);
  if (length == 0) return false;
  const std::string_view scheme = ref.substr(0, length);
  return !iequals(scheme, "http") && !iequals(scheme, "https");
}

}  // namespace

RedirectPolicy::RedirectPolicy(const Request& request, std::string start_url)
    : max_redirects_(std::max(request.max_redirects, 0)),
      allow_cross_host_(request.allow_cross_host),
      start_url_(std::move(start_url)) {}

const UrlParts& RedirectPolicy::start_parts() const {
  // Split lazily: most fetches never redirect, and then the origin is never compared.
  if (!start_split_) {
    split_url(start_url_, start_parts_);
    start_split_ = true;
  }
  return start_parts_;
}

bool RedirectPolicy::send_headers(std::string_view url) const {
  if (url == start_url_) return true;
  UrlParts parts;
  if (!split_url(url, parts)) return false;
  const UrlParts& start = start_parts();
  return parts.scheme == start.scheme && parts.host == start.host && parts.port == start.port;
}

RedirectPolicy::Step RedirectPolicy::on_response(std::string_view url, int status,
                                                 std::string_view location, std::uint32_t time_ms) {
  Step step;
  if (!is_redirect_status(status) || location.empty() || max_redirects_ == 0) return step;

  UrlResult next = resolve_url(url, location);
  Hop hop{std::string(url), status, next.ok() ? next.url : std::string(location), time_ms};
  auto fail = [&](ErrorKind kind, std::string message) {
    // The refused hop is recorded too: a report shows where the chain went wrong.
    hops_.push_back(std::move(hop));
    step.action = Action::fail;
    step.error = {kind, std::move(message)};
    return step;
  };
  if (!next.ok()) {
    // A Location with a scheme we never fetch (ftp:, javascript:) is a policy refusal; one
    // that does not parse at all is the server's protocol error.
    return fail(has_foreign_scheme(location) ? ErrorKind::redirect_refused : ErrorKind::protocol,
                std::string(url) + " redirects (" + std::to_string(status) + ") to '" +
                    std::string(location) + "', which is not an http(s) URL we can follow");
  }
  if (static_cast<int>(hops_.size()) >= max_redirects_) {
    return fail(ErrorKind::too_many_redirects, "more than " + std::to_string(max_redirects_) +
                                                   " redirects; the last one, " + hop.url + " -> " +
                                                   hop.location + ", was not followed");
  }
  if (next.url == start_url_ ||
      std::find(visited_.begin(), visited_.end(), next.url) != visited_.end()) {
    std::string chain;
    bool in_loop = false;
    for (const Hop& h : hops_) {
      if (h.url == next.url) in_loop = true;
      if (in_loop) chain += h.url + " -> ";
    }
    chain += hop.url + " -> " + next.url;
    return fail(ErrorKind::redirect_loop, "redirect loop: " + chain);
  }
  if (!allow_cross_host_) {
    UrlParts parts;
    if (!split_url(next.url, parts) || parts.host != start_parts().host) {
      return fail(ErrorKind::redirect_refused, hop.url + " redirects to another host (" + next.url +
                                                   ") and cross-host redirects are not allowed");
    }
  }
  visited_.push_back(next.url);
  hops_.push_back(std::move(hop));
  step.action = Action::follow;
  step.next_url = std::move(next.url);
  return step;
}

}  // namespace siteaudit::net::detail
