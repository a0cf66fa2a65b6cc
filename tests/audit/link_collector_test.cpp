// link_collector_test.cpp — the input stream both parsers read, and the attribute grammars
// (meta refresh, srcset) on their own; the element rules are tested through both extractors
// in link_extractor_test.cpp.
#include "audit/link_collector.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace siteaudit::audit;

TEST_CASE("input_stream: valid UTF-8 is read in place", "[audit]") {
  std::string buffer;
  const std::string_view html =
      "<a href=/\xC3\xA9t\xC3\xA9>\xE2\x80\x94 \xF0\x9F\x99\x82</a>\t\r\n";
  CHECK(input_stream(html, buffer).data() == html.data());
  CHECK(input_stream("", buffer).empty());
}

TEST_CASE("input_stream: the Encoding Standard's replacements", "[audit]") {
  std::string buffer;
  const std::string r = "\xEF\xBF\xBD";
  // A sequence cut short is one U+FFFD; the byte that cut it is read again.
  CHECK(input_stream("a\xE2\x80"
                     "b",
                     buffer) == "a" + r + "b");
  CHECK(input_stream("a\xE2\x80", buffer) == "a" + r);
  CHECK(input_stream("\xE2<", buffer) == r + "<");
  // Bytes that never start a sequence, overlong forms, surrogates: one U+FFFD per byte.
  CHECK(input_stream("\xFF\xFE", buffer) == r + r);
  CHECK(input_stream("\xC0\xAF", buffer) == r + r);
  CHECK(input_stream("\xED\xA0\x80", buffer) == r + r + r);
  CHECK(input_stream("\xF4\x90\x80\x80", buffer) == r + r + r + r);
  // Control characters other than NUL and whitespace, as gumbo replaces them.
  CHECK(input_stream(std::string_view("\x01\x0B\x7F\xC2\x80\xC2\x9F\xC2\xA0\0\t\f", 12), buffer) ==
        r + r + r + r + r + "\xC2\xA0" + std::string(1, '\0') + "\t\f");
}

TEST_CASE("input_stream: every byte value at every place of an eight-byte chunk", "[audit]") {
  // input_stream() skips printable ASCII eight bytes at a time: a byte that needs a look must
  // be seen wherever it stands, and whitespace must not end the fast path for good.
  const std::string r = "\xEF\xBF\xBD";
  std::string buffer;
  for (int value = 0; value < 256; ++value) {
    const char byte = static_cast<char>(value);
    const bool kept = (value >= 0x20 && value < 0x7F) || value == 0 || value == '\t' ||
                      value == '\n' || value == '\f' || value == '\r';
    for (std::size_t at = 0; at < 24; ++at) {
      std::string html(40, 'x');
      html[5] = '\n';  // whitespace before: the chunked pass resumes after it
      html[at + 8] = byte;
      std::string expected =
          html.substr(0, at + 8) + (kept ? std::string(1, byte) : r) + html.substr(at + 9);
      INFO("byte " << value << " at " << at + 8);
      CHECK(input_stream(html, buffer) == expected);
    }
  }
}

TEST_CASE("meta_refresh_url: the shared declarative refresh steps", "[audit]") {
  std::string_view url;
  REQUIRE(meta_refresh_url("0; url=/a", url));
  CHECK(url == "/a");
  REQUIRE(meta_refresh_url(" 2.5,URL = '/b' x", url));
  CHECK(url == "/b");
  REQUIRE(meta_refresh_url("1 /c d", url));
  CHECK(url == "/c d");
  REQUIRE(meta_refresh_url(".5;\"/d", url));
  CHECK(url == "/d");
  CHECK_FALSE(meta_refresh_url("5", url));
  CHECK_FALSE(meta_refresh_url("5 ; ", url));
  CHECK_FALSE(meta_refresh_url("url=/e", url));
  CHECK_FALSE(meta_refresh_url("5x;url=/e", url));
}

TEST_CASE("srcset_urls: image candidates, descriptors skipped", "[audit]") {
  std::vector<std::string_view> urls;
  srcset_urls(" a.png 1x, b.png 2x,c,d.png 100w , e.png (1, 2) 3x,,f.png,,, g.png", urls);
  CHECK(urls ==
        std::vector<std::string_view>{"a.png", "b.png", "c,d.png", "e.png", "f.png", "g.png"});
  urls.clear();
  srcset_urls(" , ,", urls);
  CHECK(urls.empty());
}

TEST_CASE("LinkResolver: the same answers as net::resolve_url, with or without curl", "[audit]") {
  const std::vector<std::string> bases = {
      "https://example.com/dir/page.html", "https://example.com/",
      "http://a.test:8080/x/y/?q=1",       "https://example.com/dir/",
      "https://EXAMPLE.com/a/../b/c.html", "https://example.com/a%20b/c"};
  const std::vector<std::string> references = {
      "/x", "/p/0/5.html", "x.html", "sub/x.html?a=1&b=2", "x.html#frag", "/a/./b", "/a/../b",
      "../up.html", "./here", ".hidden", "?q=2", "#top", "//cdn.test/", "/", "/a b", "/%7Euser",
      "/%41", "\xC3\xA9.html", "1a:b", "a/b:c", "/x?", "/x?y=1/2", "x\\y", "/{}", "~tilde/x",
      "https://other.test/A/./b",
      // Dot segments inside a directory-relative reference, and dots that are none.
      "a/./b", "a/../b", "a/.", "a/..", "a/.b", "a/..b/c", "x.", "x..y/z", "a?b/../c", "a/b?",
      // Fragments: a plain one is cut before the shortcut; any other leaves it to curl.
      "/p/1.html#details", "/p/1.html#a/b?c=d:e@f", "/p/1.html#", "/p/1.html##x", "/p/1.html#a b",
      "/p/1.html#%41", "/p/1.html#\xC3\xA9", "/p/1.html#{x}", "/p/1.html?#x", "/a/./b#x",
      "x.html#x#y", "a:b#x", "?q=1#x", "/x#!$&'()*+,;=-._~", "", "#"};
  for (const auto& base : bases) {
    const LinkResolver resolver(base);
    for (const auto& reference : references) {
      INFO(base << " + " << reference);
      const auto expected = reference.empty() || reference[0] == '#'
                                ? siteaudit::net::normalize_url(base)
                                : siteaudit::net::resolve_url(base, reference);
      bool normal = false;
      const auto actual = resolver.resolve(reference, &normal);
      CHECK(actual.url == expected.url);
      CHECK(actual.ok() == expected.ok());
      // The crawl offers a link flagged normal without another look: it must be.
      if (normal) CHECK(siteaudit::net::is_normal_url(actual.url));
    }
  }
}

TEST_CASE("LinkResolver: an empty or fragment-only reference is the page itself", "[audit]") {
  // libcurl 7.88 resolves both to the page's directory ("https://example.com/dir/").
  const LinkResolver resolver("https://example.com/dir/page.html?x=1");
  CHECK(resolver.resolve("#top").url == "https://example.com/dir/page.html?x=1");
  CHECK(resolver.resolve("").url == "https://example.com/dir/page.html?x=1");
  CHECK(resolver.resolve("?y=2#top").url == "https://example.com/dir/page.html?y=2");
}
