// response.cpp — header lookup on a finished Response.
#include "siteaudit/net/response.hpp"

namespace siteaudit::net {

std::optional<std::string_view> Response::header(std::string_view lower_name) const {
  // A linear scan: a response carries a dozen headers, and names are stored lower-case once,
  // when they arrive, so a lookup needs no allocation.
  return headers.find(lower_name);
}

}  // namespace siteaudit::net
