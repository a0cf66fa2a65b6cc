// http_error.cpp — the stable spellings of ErrorKind, as they appear in JSON reports.
#include "siteaudit/net/http_error.hpp"

namespace siteaudit::net {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::none:
      return "none";
    case ErrorKind::dns:
      return "dns";
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::reset:
      return "reset";
    case ErrorKind::too_many_redirects:
      return "too_many_redirects";
    case ErrorKind::redirect_loop:
      return "redirect_loop";
    case ErrorKind::redirect_refused:
      return "redirect_refused";
    case ErrorKind::body_too_large:
      return "body_too_large";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::invalid_url:
      return "invalid_url";
    case ErrorKind::too_many_open_files:
      return "too_many_open_files";
  }
  return "unknown";
}

}  // namespace siteaudit::net
