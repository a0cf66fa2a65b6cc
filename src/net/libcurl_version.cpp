// libcurl_version.cpp — the running libcurl's version and components.
#include "siteaudit/net/libcurl_version.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <string_view>

namespace siteaudit::net {

std::string libcurl_version() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  // curl_version() reads "libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13 ...": the components
  // follow the first space.
  const std::string_view components = curl_version();
  const auto space = components.find(' ');
  return fmt::format("libcurl {} (built with {}){}{}", info->version, LIBCURL_VERSION,
                     space == std::string_view::npos ? "" : ":",
                     space == std::string_view::npos ? "" : components.substr(space));
}

}  // namespace siteaudit::net
