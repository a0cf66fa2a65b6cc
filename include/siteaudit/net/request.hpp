// request.hpp — what to fetch and how: method, headers, limits, redirect policy.
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
  // headers are "Name: value" lines. Authorization, Cookie and Proxy-Authorization headers are
  // sent only to the original host, never after a redirect to another host.
  std::vector<std::string> headers;
  // max_redirects is how many hops our code follows; 0 returns the first 3xx as is.
  int max_redirects = 10;
  // allow_cross_host lets redirects leave the original host.
  bool allow_cross_host = true;
  // max_body_bytes caps what is read (GET); beyond it the transfer stops and the result says
  // body_too_large. 0 = no cap.
  std::uint64_t max_body_bytes = 0;
  std::chrono::milliseconds timeout{30'000};  // whole transfer, per hop
  // on_body receives the body of the final response as it arrives (GET). Return false to stop
  // reading (the fetch then ends with what was read, not an error). Empty = count and discard.
  std::function<bool(std::string_view chunk)> on_body;
};

}  // namespace siteaudit::net
