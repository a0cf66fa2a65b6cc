// trusted_origins_test.cpp — which origins get the user's headers: inputs, rewrites, named hosts.
#include "siteaudit/audit/trusted_origins.hpp"

#include <catch2/catch.hpp>

#include "siteaudit/audit/audit_config.hpp"

using siteaudit::audit::AuditConfig;
using siteaudit::audit::TrustedOrigins;

TEST_CASE("the inputs' origins and --rewrite targets are trusted, nothing else", "[audit]") {
  AuditConfig config;
  config.inputs = {"https://Example.COM/sitemap.xml", "public/sitemap.xml", "-",
                   "http://127.0.0.1:8080/robots.txt"};
  config.rewrite = {"https://example.com=https://preview.example.net"};
  const TrustedOrigins trusted = TrustedOrigins::from_config(config);
  CHECK(trusted.contains("https://example.com/a"));
  CHECK(trusted.contains("https://example.com:443/b?c"));
  CHECK(trusted.contains("https://preview.example.net/a"));
  CHECK(trusted.contains("http://127.0.0.1:8080/x"));
  CHECK(trusted.contains("https://user:secret@example.com/a"));
  // Scheme, host and port make the origin: none of these is one of them.
  CHECK_FALSE(trusted.contains("http://example.com/a"));
  CHECK_FALSE(trusted.contains("https://www.example.com/a"));
  CHECK_FALSE(trusted.contains("https://example.com:8443/a"));
  CHECK_FALSE(trusted.contains("http://127.0.0.1:8081/x"));
  CHECK_FALSE(trusted.contains("https://example.com.evil.test/a"));
  CHECK_FALSE(trusted.contains("public/page.html"));
}

TEST_CASE("header-host entries name a host (any scheme and port) or one origin", "[audit]") {
  AuditConfig config;
  config.inputs = {"sitemap.xml"};  // a local file: no origin of its own
  config.header_hosts = {"CDN.example.com", "https://api.example.com:8443"};
  const TrustedOrigins trusted = TrustedOrigins::from_config(config);
  CHECK(trusted.contains("https://cdn.example.com/x"));
  CHECK(trusted.contains("http://cdn.example.com:81/x"));
  CHECK(trusted.contains("https://api.example.com:8443/v1"));
  CHECK_FALSE(trusted.contains("https://api.example.com/v1"));
  CHECK_FALSE(trusted.contains("https://img.cdn.example.com/x"));
  CHECK_FALSE(TrustedOrigins().contains("https://cdn.example.com/x"));
}

TEST_CASE("check_header_host accepts hosts and origins, and says what else is wrong", "[audit]") {
  CHECK(TrustedOrigins::check_header_host("example.com").empty());
  CHECK(TrustedOrigins::check_header_host("127.0.0.1").empty());
  CHECK(TrustedOrigins::check_header_host("https://example.com").empty());
  CHECK(TrustedOrigins::check_header_host("http://127.0.0.1:8080/").empty());
  CHECK_THAT(TrustedOrigins::check_header_host("https://example.com/docs"),
             Catch::Contains("has a path"));
  CHECK_THAT(TrustedOrigins::check_header_host("example.com:8080"),
             Catch::Contains("is not a host name"));
  CHECK_THAT(TrustedOrigins::check_header_host("ftp://example.com"),
             Catch::Contains("is not an http(s) origin"));
  CHECK_THAT(TrustedOrigins::check_header_host("https://u:p@example.com"),
             Catch::Contains("is not an http(s) origin"));
  CHECK_FALSE(TrustedOrigins::check_header_host("").empty());
}
