// url_test.cpp — normalisation, resolution and splitting of URLs through curl_url.
#include "siteaudit/net/url.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string_view>

using siteaudit::net::after_authority;
using siteaudit::net::has_userinfo;
using siteaudit::net::is_absolute_http_url;
using siteaudit::net::is_normal_url;
using siteaudit::net::normalize_url;
using siteaudit::net::resolve_url;
using siteaudit::net::split_url;
using siteaudit::net::UrlParts;
using siteaudit::net::without_userinfo;

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

TEST_CASE("normalize_url removes the dot segments that decoding escapes makes", "[net][url]") {
  // "%2e" is an escaped unreserved '.', decoded by normalisation: as RFC 3986 §6.2.2 orders
  // it and as browsers read it, the segments it spells are dot segments.
  CHECK(normalize_url("http://a.test/docs/%2e%2e/admin/").url == "http://a.test/admin/");
  CHECK(normalize_url("http://a.test/a/b/%2E%2e/%2e/c").url == "http://a.test/a/c");
  CHECK(normalize_url("http://a.test/x/y/../../%2e%2e/z.html").url == "http://a.test/z.html");
  CHECK(normalize_url("http://a.test/a/.%2e").url == "http://a.test/");
  CHECK(normalize_url("http://a.test/a/b/%2e").url == "http://a.test/a/b/");
  CHECK(normalize_url("http://a.test/a/%2e%2e?q=/%2e%2e/").url == "http://a.test/?q=/../");
  // Dots that are part of a name stay.
  CHECK(normalize_url("http://a.test/a/%2e%2ex/.%2ey").url == "http://a.test/a/..x/..y");
  CHECK(resolve_url("http://a.test/docs/page", "%2e%2e/admin").url == "http://a.test/admin");
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

TEST_CASE("normalize_url escapes what a browser escapes in a path and a query", "[net][url]") {
  // The URL standard's path and query percent-encode sets: a strict server answers 400 to
  // these characters unescaped, while the browser's request (escaped) works.
  CHECK(normalize_url("http://a.test/a{b}\"c<d>`e?q=<x>\"{y}`|^").url ==
        "http://a.test/a%7bb%7d%22c%3cd%3e%60e?q=%3cx%3e%22{y}`|^");
  // '|' and '^' stay in a path, as browsers send them.
  CHECK(normalize_url("http://a.test/a|b^c").url == "http://a.test/a|b^c");
  // Both spellings of one link name one URL.
  CHECK(normalize_url("http://a.test/%7Bid%7D?q=%3C").url ==
        normalize_url("http://a.test/{id}?q=<").url);
  CHECK(resolve_url("http://a.test/dir/", "x y/{id}.html").url ==
        "http://a.test/dir/x%20y/%7bid%7d.html");
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
  // The base document itself (RFC 3986 §5.2.2), not its directory as libcurl 7.88 has it.
  CHECK(resolve_url(base, "").url == "http://a.test/b/c/d?q");
  CHECK(resolve_url(base, "#top").url == "http://a.test/b/c/d?q");
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

// The URLs below probe every rule of is_normal_url(): for each, the shortcut must give what
// curl_url gives. resolve_url(u, u) is curl's answer: it never takes the shortcut. (Dot
// segments count only in the path, not in the query.)
const char* const kShortcutProbes[] = {"http://a.test/",
                                       "https://a.test/x/y?k=v&l=w",
                                       "http://a.test:8080/p",
                                       "http://a.test:80/p",
                                       "https://a.test:443/",
                                       "http://a.test:0/",
                                       "http://a.test:65535/",
                                       "http://a.test:65536/",
                                       "http://a.test:99999/",
                                       "http://a.test:08080/",
                                       "http://A.test/",
                                       "HTTP://a.test/",
                                       "http://a.test",
                                       "http://a.test?q",
                                       "http://a.test/p?",
                                       "http://a.test/p??",
                                       "http://a.test/p?x?y",
                                       "http://a.test/./p",
                                       "http://a.test/p/.",
                                       "http://a.test/p/..",
                                       "http://a.test/p/../q",
                                       "http://a.test/.well-known/x",
                                       "http://a.test/..p/q.",
                                       "http://a.test//double//slash",
                                       "http://a.test/p#frag",
                                       "http://a.test/%7Ex",
                                       "http://a.test/a b",
                                       "http://a.test/\xc3\xa4",
                                       "http://127.0.0.1/",
                                       "http://127.0.0.1:18092/x",
                                       "http://127.1/",
                                       "http://0x7f.0.0.1/",
                                       "http://0177.0.0.1/",
                                       "http://256.1.1.1/",
                                       "http://1.2.3.4.5/",
                                       "http://1.2.3/",
                                       "http://1password.test/",
                                       "http://a..test/",
                                       "http://-a.test/",
                                       "http://a.test./",
                                       "http://.a.test/",
                                       "http://user@a.test/",
                                       "http://a.test/p;q=1,2*(x)!$'",
                                       "http://a.test/@:~+",
                                       "http://[::1]/",
                                       "http://xn--d1a.test/",
                                       "http://a_b.test/",
                                       "http://a.test/p?q=%41",
                                       "http://a.test/p?x=/./y",
                                       "http://a.test/p?x=/..",
                                       "http://a.test/p/./?x",
                                       "http://a.test/p/..?x",
                                       "http://a.test/p/.q/..r",
                                       "http://a.test/?/../"};

TEST_CASE("is_normal_url's shortcut gives what curl_url gives", "[net][url]") {
  for (const char* url : kShortcutProbes) {
    INFO(url);
    const auto fast = normalize_url(url);
    const auto curl = resolve_url(url, url);
    CHECK(fast.ok() == curl.ok());
    CHECK(fast.url == curl.url);
    if (is_normal_url(url)) CHECK(curl.url == url);
    UrlParts quick, parsed;
    // A fragment keeps split_url off the shortcut without changing the parts.
    const bool split_fast = split_url(url, quick);
    const bool split_curl = split_url(std::string(url) + "#f", parsed);
    CHECK(split_fast == split_curl);
    CHECK(quick.scheme == parsed.scheme);
    CHECK(quick.host == parsed.host);
    CHECK(quick.port == parsed.port);
    CHECK(quick.path == parsed.path);
    CHECK(quick.query == parsed.query);
  }
}

TEST_CASE("is_normal_url takes the common URL and leaves the rest to curl", "[net][url]") {
  std::size_t path_start = 0;
  CHECK(is_normal_url("https://a.test/x?y", &path_start));
  CHECK(path_start == 14);
  CHECK(is_normal_url("http://127.0.0.1:18092/page/1.html"));
  CHECK_FALSE(is_normal_url("http://127.1/"));         // curl rewrites the address
  CHECK_FALSE(is_normal_url("http://a.test:80/"));     // default port
  CHECK_FALSE(is_normal_url("http://A.test/"));        // upper-case host
  CHECK_FALSE(is_normal_url("http://a.test/%7e"));     // an escape to make canonical
  CHECK_FALSE(is_normal_url("http://a.test/a/../b"));  // a dot segment
  CHECK_FALSE(is_normal_url("http://a.test/#top"));    // a fragment
  CHECK_FALSE(is_normal_url("http://a.test"));         // no path
  CHECK_FALSE(is_normal_url("http://a.test:70000/"));  // no such port
}

TEST_CASE("userinfo is found in the authority only, and cut from it", "[net][url]") {
  CHECK(has_userinfo("https://user:secret@a.test/x"));
  CHECK(has_userinfo("http://user@a.test:8080"));
  CHECK_FALSE(has_userinfo("https://a.test/x@y"));
  CHECK_FALSE(has_userinfo("https://a.test/?mail=a@b"));
  CHECK_FALSE(has_userinfo("https://a.test"));
  CHECK(without_userinfo("https://user:p%40ss@a.test:8443/x?y") == "https://a.test:8443/x?y");
  CHECK(without_userinfo("https://a.test/x@y") == "https://a.test/x@y");
}

TEST_CASE("after_authority cuts an absolute URL after its host and leaves paths alone",
          "[net][url]") {
  using Rest = std::optional<std::string_view>;
  CHECK(after_authority("https://a.test/x/y?q=1#f") == Rest("/x/y?q=1#f"));
  CHECK(after_authority("http://a.test:8080?q") == Rest("?q"));
  CHECK(after_authority("http://a.test#top") == Rest("#top"));
  CHECK(after_authority("http://a.test") == Rest(""));
  CHECK(after_authority("/docs/a.html") == std::nullopt);
  CHECK(after_authority("/go?to=https://b.test/") == std::nullopt);  // a path with a URL in it
  CHECK(after_authority("?next=http://b.test") == std::nullopt);
  CHECK(after_authority("relative.html") == std::nullopt);
}

TEST_CASE("is_normal_path: what follows a normal origin or a '/' of its path", "[net]") {
  using siteaudit::net::is_normal_path;
  CHECK(is_normal_path("/p/0/5.html"));
  CHECK(is_normal_path("x.html?a=1&b=2"));
  CHECK(is_normal_path("a/.b/..c"));
  CHECK(is_normal_path("/a?x=/../"));  // dots in the query are no segments
  CHECK_FALSE(is_normal_path(""));
  CHECK_FALSE(is_normal_path("/x?"));
  CHECK_FALSE(is_normal_path("/a b"));
  CHECK_FALSE(is_normal_path("/%41"));
  for (const char* dotted : {"/a/./b", "/a/../b", "/a/.", "/a/..", "./x", "../x", ".", "..", "a/."})
    CHECK_FALSE(is_normal_path(dotted));
}

TEST_CASE("scheme_length: a scheme only when a ':' follows it", "[net][url]") {
  using siteaudit::net::scheme_length;
  CHECK(scheme_length("https://e.com/") == 5);
  CHECK(scheme_length("MailTo:a@b") == 6);
  CHECK(scheme_length("web+coap.x-1:x") == 12);
  CHECK(scheme_length("a/b:c") == 0);  // a path
  CHECK(scheme_length("1ab:c") == 0);  // a scheme starts with a letter
  CHECK(scheme_length(":x") == 0);
  CHECK(scheme_length("http") == 0);  // no ':'
  CHECK(scheme_length("") == 0);
}
