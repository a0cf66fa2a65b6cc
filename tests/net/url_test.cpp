// url_test.cpp — normalisation, resolution and splitting of URLs through curl_url.
#include "siteaudit/net/url.hpp"

#include <catch2/catch.hpp>

using siteaudit::net::is_absolute_http_url;
using siteaudit::net::normalize_url;
using siteaudit::net::resolve_url;
using siteaudit::net::split_url;
using siteaudit::net::UrlParts;

TEST_CASE("normalize_url lower-cases scheme and host and drops default ports", "[net][url]") {
  CHECK(normalize_url("HTTP://Example.COM:80/a").url == "http://example.com/a");
  CHECK(normalize_url("https://example.com:443/").url == "https://example.com/");
  CHECK(normalize_url("http://example.com:8080/").url == "http://example.com:8080/");
  CHECK(normalize_url("http://example.com").url == "http://example.com/");
}

TEST_CASE("normalize_url removes dot segments and the fragment", "[net][url]") {
  CHECK(normalize_url("http://a.test/x/./y/../z?q=1#top").url == "http://a.test/x/z?q=1");
  CHECK(normalize_url("http://a.test/../../etc").url == "http://a.test/etc");
}

TEST_CASE("normalize_url makes percent-encoding canonical", "[net][url]") {
  // Unreserved characters are decoded, other escapes get lower-case hex digits (curl's case).
  CHECK(normalize_url("http://a.test/%7euser/%2F?a=%2F&b=%41").url ==
        "http://a.test/~user/%2f?a=%2f&b=A");
  // Raw spaces and UTF-8 bytes, common in hand-written sitemaps, are encoded, not rejected.
  CHECK(normalize_url("http://a.test/a b/\xc3\xa4").url == "http://a.test/a%20b/%c3%a4");
  // Two spellings of one resource normalise to the same string.
  CHECK(normalize_url("http://A.test:80/%7Ex%C3%A4").url ==
        normalize_url("http://a.test/~x%c3%a4").url);
}

TEST_CASE("normalize_url converts international host names to punycode", "[net][url]") {
  auto r = normalize_url(
      "https://B\xc3\xbc"
      "cher.example/");
  REQUIRE(r.ok());
  CHECK(r.url == "https://xn--bcher-kva.example/");
}

TEST_CASE("normalize_url accepts only http and https", "[net][url]") {
  auto ftp = normalize_url("ftp://example.com/file");
  CHECK_FALSE(ftp.ok());
  CHECK(ftp.url.empty());
  CHECK(ftp.error ==
        "invalid URL 'ftp://example.com/file': only http and https URLs can be fetched");
  CHECK_FALSE(normalize_url("example.com/x").ok());
  CHECK_FALSE(normalize_url("").ok());
  CHECK_FALSE(normalize_url("http://exa mple.com/").ok());
  auto port = normalize_url("http://a.test:99999/");
  CHECK_FALSE(port.ok());
  CHECK_THAT(port.error, Catch::Contains("a.test:99999"));
}

TEST_CASE("resolve_url resolves references against a base", "[net][url]") {
  const char* base = "http://a.test/b/c/d?q";
  CHECK(resolve_url(base, "../x").url == "http://a.test/b/x");
  CHECK(resolve_url(base, "x").url == "http://a.test/b/c/x");
  CHECK(resolve_url(base, "/root").url == "http://a.test/root");
  CHECK(resolve_url(base, "?z").url == "http://a.test/b/c/d?z");
  CHECK(resolve_url(base, "//Other.test/p").url == "http://other.test/p");
  CHECK(resolve_url(base, "HTTPS://B.test:443").url == "https://b.test/");
  CHECK(resolve_url(base, "/a b").url == "http://a.test/a%20b");
  CHECK_FALSE(resolve_url(base, "ftp://x.test/").ok());
  CHECK_FALSE(resolve_url("not a url", "/x").ok());
}

TEST_CASE("is_absolute_http_url", "[net][url]") {
  CHECK(is_absolute_http_url("http://a.test/"));
  CHECK(is_absolute_http_url("HTTPS://a.test"));
  CHECK_FALSE(is_absolute_http_url("/relative"));
  CHECK_FALSE(is_absolute_http_url("ftp://a.test/"));
  CHECK_FALSE(is_absolute_http_url("http://"));
  CHECK_FALSE(is_absolute_http_url("mailto:x@a.test"));
}

TEST_CASE("split_url gives scheme, host, port, path and query", "[net][url]") {
  UrlParts p;
  REQUIRE(split_url("https://a.test/x/y?k=v", p));
  CHECK(p.scheme == "https");
  CHECK(p.host == "a.test");
  CHECK(p.port == 443);
  CHECK(p.path == "/x/y");
  CHECK(p.query == "k=v");
  REQUIRE(split_url("http://127.0.0.1:8080", p));
  CHECK(p.port == 8080);
  CHECK(p.path == "/");
  CHECK(p.query.empty());
  CHECK_FALSE(split_url("nonsense", p));
}
