// libcurl_version_test.cpp — the libcurl line of --version names the running library.
#include "siteaudit/net/libcurl_version.hpp"

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("libcurl_version() names the running and the built-with version, and the TLS library",
          "[net][libcurl_version]") {
  const std::string line = siteaudit::net::libcurl_version();
  INFO(line);
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  CHECK(line.rfind(std::string("libcurl ") + info->version + " (built with " LIBCURL_VERSION ")",
                   0) == 0);
  REQUIRE(info->ssl_version != nullptr);
  CHECK(line.find(info->ssl_version) != std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
}
