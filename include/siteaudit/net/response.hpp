// response.hpp — what a fetch found: final status, redirect hops, headers, body size, timing.
//
// A FetchResult is a value: `error.kind == none` means a response arrived and was read as far
// as the request wanted; otherwise `error` says why not, and `response` still holds what was
// learnt (the status and headers of a body cut by the cap, the hops before a redirect loop).
//
// Example:
//   net::FetchResult r = client.fetch(ctx, request);
//   if (r.ok() && r.response.status == 200) use(r.response.header("content-type"));
//   for (const net::Hop& hop : r.response.redirects) log(hop.url, hop.status, hop.location);
//
// Thread safety: plain values; no sharing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "siteaudit/net/header_list.hpp"
#include "siteaudit/net/http_error.hpp"

namespace siteaudit::net {

struct Hop {
  std::string url;       // the URL requested at this hop
  int status = 0;        // its 3xx status
  std::string location;  // the Location it sent, resolved to an absolute URL
  std::uint32_t time_ms = 0;
};

struct Response {
  int status = 0;   // final status; 0 when no response arrived
  std::string url;  // final URL (after redirects)
  std::vector<Hop> redirects;
  HeaderList headers;  // final response, names lower-case
  std::uint64_t body_bytes = 0;
  bool body_truncated = false;  // the body cap stopped the transfer
  std::uint32_t time_ms = 0;    // whole fetch, redirects included
  std::string http_version;     // "1.1", "2"

  // header() returns the first header with that (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

// is_redirect_status() is true for the statuses that carry a Location to follow: 301, 302,
// 303, 307 and 308 (not 300, 304, 305 or 306).
bool is_redirect_status(int status) noexcept;

// FetchResult carries both: a response may be partial when an error ends it (body cap, reset).
struct FetchResult {
  Response response;
  HttpError error;
  bool ok() const noexcept { return error.kind == ErrorKind::none; }
};

}  // namespace siteaudit::net
