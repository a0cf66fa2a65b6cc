// redirect_policy.hpp — decides, hop by hop, whether a fetch follows a redirect.
//
// libcurl's CURLOPT_FOLLOWLOCATION is off: our code follows redirects so that every hop is
// recorded with its status, Location and time, loops are caught on the first repeated URL,
// a cross-host hop can be refused, and the request's headers are dropped as soon as a hop
// leaves the original origin (scheme, host and port).
//
// Example:
//   RedirectPolicy policy(request, "http://a.test/");
//   auto step = policy.on_response("http://a.test/", 301, "/b", 3);
//   if (step.action == RedirectPolicy::Action::follow) fetch(step.next_url,
//       policy.send_headers(step.next_url));
//
// Thread safety: one policy per fetch; not shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/net/http_error.hpp"
#include "siteaudit/net/request.hpp"
#include "siteaudit/net/response.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::net::detail {

class RedirectPolicy {
 public:
  enum class Action : std::uint8_t { final, follow, fail };
  struct Step {
    Action action = Action::final;
    std::string next_url;  // normalised, when action == follow
    HttpError error;       // when action == fail
  };

  // RedirectPolicy() starts a fetch of `start_url` (already normalised).
  RedirectPolicy(const Request& request, std::string start_url);

  // will_follow() is true when a redirect status with a Location would be followed (or fail
  // the fetch), i.e. its body is not the final body. False when max_redirects == 0.
  bool will_follow() const noexcept { return max_redirects_ > 0; }

  // on_response() decides what a response at `url` with `status` and the raw `location`
  // header means. A followed hop is appended to hops().
  Step on_response(std::string_view url, int status, std::string_view location,
                   std::uint32_t time_ms);

  // send_headers() is true when `url` has the origin the fetch started at: Request::headers
  // are the user's (--header), and any of them may carry a secret (X-Api-Key as much as
  // Authorization), so none follows a redirect to another origin.
  bool send_headers(std::string_view url) const;

  std::vector<Hop>& hops() noexcept { return hops_; }

 private:
  const UrlParts& start_parts() const;

  int max_redirects_;
  bool allow_cross_host_;
  std::string start_url_;
  mutable UrlParts start_parts_;
  mutable bool start_split_ = false;
  std::vector<std::string> visited_;  // URLs redirected to (the start URL is not copied here)
  std::vector<Hop> hops_;
};

}  // namespace siteaudit::net::detail
