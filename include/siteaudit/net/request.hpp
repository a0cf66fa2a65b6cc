// request.hpp — what to fetch and how: method, headers, limits, redirect policy.
//
// A Request is a plain value handed to HttpClient::fetch(). Redirects are followed by our own
// code (never libcurl's FOLLOWLOCATION), so every hop is recorded in Response::redirects.
//
// Example:
//   net::Request r{.method = net::Method::get, .url = "https://example.com/sitemap.xml",
//                  .max_body_bytes = 50 << 20};
//   r.on_body = [&](std::string_view chunk) { parser.feed(chunk); return true; };
//
// Thread safety: a Request is read by fetch() on the calling fiber and must outlive the call;
// on_body is invoked only on that fiber.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::net {

enum class Method : std::uint8_t { head, get };

struct Request {
  Method method = Method::head;
  std::string url;
  // headers are "Name: value" lines, sent only while a hop has the origin (scheme, host, port)
  // the fetch started at: any of them may carry a secret, so none follows a redirect to
  // another origin. (Which URLs get them at all is the caller's decision.)
  std::vector<std::string> headers;
  // max_redirects is how many hops our code follows; 0 returns the first 3xx as is.
  int max_redirects = 10;
  // allow_cross_host lets redirects leave the original host.
  bool allow_cross_host = true;
  // max_body_bytes caps what is read (GET), counted after content decoding; beyond it the
  // transfer stops, no byte past the cap is delivered, and the result says body_too_large with
  // the partial response. 0 = no cap.
  std::uint64_t max_body_bytes = 0;
  std::chrono::milliseconds timeout{30'000};  // whole transfer, per hop
  // on_body receives the body of the final response as it arrives (GET), never a redirect's
  // body. It runs on the fiber that called fetch(), so it may block (send on a channel): while
  // it does, up to 256 KiB more are buffered and then the transfer pauses (back-pressure).
  // Return false to stop reading (the fetch then ends with what was read, not an error).
  // An exception it throws ends the transfer and is rethrown by fetch(). Empty = count and
  // discard (Response::body_bytes).
  std::function<bool(std::string_view chunk)> on_body;
};

}  // namespace siteaudit::net
