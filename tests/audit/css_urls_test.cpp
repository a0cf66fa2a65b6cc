// css_urls_test.cpp — the URLs of a stylesheet as CSS Syntax Level 3 tokenizes it: url tokens,
// url( with a string, @import, image-set(); escapes, bad tokens, comments, lines, size.
#include "audit/css_urls.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace siteaudit::audit;

namespace {

// values() is the URLs alone, for the tests that are not about lines or @import.
std::vector<std::string> values(std::string_view css) {
  std::vector<std::string> out;
  for (const CssUrl& u : css_urls(css)) out.push_back(u.url);
  return out;
}

using Urls = std::vector<std::string>;

// lines() is the line of each URL.
std::vector<std::uint32_t> lines(std::string_view css, std::uint32_t first_line = 1) {
  std::vector<std::uint32_t> out;
  for (const CssUrl& u : css_urls(css, first_line)) out.push_back(u.line);
  return out;
}

using Lines = std::vector<std::uint32_t>;

}  // namespace

TEST_CASE("css_urls: the header's example", "[audit]") {
  const auto urls = css_urls("@import 'a.css';\nbody{background:url(b.png)}");
  REQUIRE(urls.size() == 2);
  CHECK(urls[0].url == "a.css");
  CHECK(urls[0].line == 1);
  CHECK(urls[0].import);
  CHECK(urls[1].url == "b.png");
  CHECK(urls[1].line == 2);
  CHECK_FALSE(urls[1].import);
}

TEST_CASE("css_urls: url tokens and url( with a string", "[audit]") {
  CHECK(values("a{background:url(a.png)}") == Urls{"a.png"});
  CHECK(values("a{background:URL( \"a.png\" )}") == Urls{"a.png"});
  CHECK(values("a{background:url('a b.png')}") == Urls{"a b.png"});
  CHECK(values("a{background:Url(  a.png  )}") == Urls{"a.png"});
  CHECK(values("a{background:url(\n\ta.png\r\n)}") == Urls{"a.png"});
  CHECK(values("url(http://example.com/a?b=c&d#e)") == Urls{"http://example.com/a?b=c&d#e"});
  // Non-ASCII is kept as it is.
  CHECK(values("url(\xC3\xA9t\xC3\xA9.png) url('\xF0\x9F\x99\x82')") ==
        Urls{"\xC3\xA9t\xC3\xA9.png", "\xF0\x9F\x99\x82"});
  // Several on a declaration, in document order.
  CHECK(values("a{background:url(a.png),url(\"b.png\");cursor:url(c.cur),auto}") ==
        Urls{"a.png", "b.png", "c.cur"});
}

TEST_CASE("css_urls: url written with escapes is still url", "[audit]") {
  CHECK(values("a{background:u\\72l(x.png)}") == Urls{"x.png"});
  CHECK(values("a{background:\\75rl(x)}") == Urls{"x"});
  CHECK(values("a{background:\\75 rl(x)}") == Urls{"x"});
  CHECK(values("a{background:\\000055RL(x)}") == Urls{"x"});
  CHECK(values("a{background:u\\72l( 'x' )}") == Urls{"x"});
  // url with something more is another function, and `url (` is an ident and a parenthesis.
  CHECK(values("a{background:urls(x) url2(y) url (z)}").empty());
  // `\` before a newline escapes nothing: `u\` then a newline is no ident `url`.
  CHECK(values("u\\\nrl(x)").empty());
}

TEST_CASE("css_urls: escapes in url tokens and strings", "[audit]") {
  CHECK(values("url(a\\)b.png)") == Urls{"a)b.png"});
  CHECK(values("url(\"\\61 .png\")") == Urls{"a.png"});
  CHECK(values("url(\\61 .png)") == Urls{"a.png"});
  // Up to six hex digits, then one whitespace (CR LF being one) is part of the escape.
  CHECK(values("url(\\000061b)") == Urls{"ab"});
  CHECK(values("url('\\0000611')") == Urls{"a1"});
  CHECK(values("url('\\61\r\nb')") == Urls{"ab"});
  CHECK(values("url('\\61  b')") == Urls{"a b"});
  CHECK(values("url('\\E9 t\\E9')") == Urls{"\xC3\xA9t\xC3\xA9"});
  CHECK(values("url('\\1F642')") == Urls{"\xF0\x9F\x99\x82"});
  // Zero, a surrogate or beyond U+10FFFF is U+FFFD.
  CHECK(values("url(\\0 a) url('\\D800') url(\\110000)") == Urls{"\xEF\xBF\xBD"
                                                                 "a",
                                                                 "\xEF\xBF\xBD", "\xEF\xBF\xBD"});
  // Any other code point is itself; in a string, a backslash before a newline continues the
  // string, and one at EOF is nothing.
  CHECK(values("url('a\\'b\\\"c\\\\d')") == Urls{"a'b\"c\\d"});
  CHECK(values("url(a\\ b\\(c)") == Urls{"a b(c"});
  CHECK(values("url(\\\xC3\xA9)") == Urls{"\xC3\xA9"});
  CHECK(values("url('a\\\nb\\\r\nc\\\rd\\\fe')") == Urls{"abcde"});
  CHECK(values("@import 'a.css\\") == Urls{"a.css"});
  // In a url token a backslash at EOF escapes to U+FFFD; one before a newline makes it bad.
  CHECK(values("url(a\\") == Urls{"a\xEF\xBF\xBD"});
  CHECK(values("url(a\\\nb) url(c)") == Urls{"c"});
}

TEST_CASE("css_urls: a bad url token references nothing, and the next url is found", "[audit]") {
  CHECK(values("a{background:url(a b)} b{background:url(ok1)}") == Urls{"ok1"});
  CHECK(values("a{background:url(a\"b)} b{background:url(ok2)}") == Urls{"ok2"});
  CHECK(values("a{background:url(a'b)} b{background:url(ok3)}") == Urls{"ok3"});
  CHECK(values("a{background:url(a(b)} b{background:url(ok4)}") == Urls{"ok4"});
  CHECK(values("a{background:url(a\x01z)} b{background:url(ok5)}") == Urls{"ok5"});
  CHECK(values("a{background:url(a\x7Fz)} b{background:url(ok6)}") == Urls{"ok6"});
  // The remnants run to the first unescaped `)`, past quotes and an escaped `)`.
  CHECK(values("url(a b\\) \"c) url(ok7)") == Urls{"ok7"});
  CHECK(values("url(a b 'c\\)x) url(ok8)") == Urls{"ok8"});
  // Remnants to EOF.
  CHECK(values("url(a b url(c)").empty());
}

TEST_CASE("css_urls: a bad string ends at its newline", "[audit]") {
  // The newline ends the string token, which is no URL; tokenizing goes on after it.
  CHECK(values("@import 'a.css\nb{background:url(b.png)}") == Urls{"b.png"});
  CHECK(values("a{background:url('a.png\n);b:url(c.png)}") == Urls{"c.png"});
  // The next line is tokenized afresh: here its quote opens a string that holds the url(.
  CHECK(values("a{content:\"x\n\"url(d.png)\"}") == Urls{});
  CHECK(values("image-set(\"a.png\r\n'b.png')") == Urls{"b.png"});
}

TEST_CASE("css_urls: comments and other strings hide urls", "[audit]") {
  CHECK(values("/* url(a.png) */ b{background:url(b.png)}") == Urls{"b.png"});
  CHECK(values("a{background:/**/url(c.png)/*url(d.png)*/}") == Urls{"c.png"});
  CHECK(values("a{} /* url(a.png) unterminated").empty());
  CHECK(values("a{content:\"url(x)\"}").empty());
  CHECK(values("a{content:'url(x)'} b{content:\"'url(y)'\"}").empty());
  CHECK(values("a{content:\"a\\\"url(x)\"}").empty());
  // A comment inside a url token is part of its value, as in a browser.
  CHECK(values("url(/*x*/a)") == Urls{"/*x*/a"});
  // And a comment cannot start inside a string.
  CHECK(values("a{content:\"/*\"} b{background:url(e.png)} /* */") == Urls{"e.png"});
}

TEST_CASE("css_urls: @import", "[audit]") {
  auto check_import = [](std::string_view css, std::string_view url) {
    INFO(css);
    const auto urls = css_urls(css);
    REQUIRE(urls.size() == 1);
    CHECK(urls[0].url == url);
    CHECK(urls[0].import);
  };
  check_import("@import \"a.css\";", "a.css");
  check_import("@import url(a.css) screen;", "a.css");
  check_import("@import url( 'a.css' ) layer(x) supports(display:grid);", "a.css");
  check_import("@IMPORT 'a.css'", "a.css");
  check_import("@\\69mport 'a.css'", "a.css");
  check_import("@import /*c*/ \"a.css\"", "a.css");
  check_import("@import\n\t/* a */ /* b */\r\n'a.css' print", "a.css");
  check_import("@import 'a.css", "a.css");  // EOF ends the string token
  check_import("@charset \"utf-8\"; @import 'a.css';", "a.css");

  // Only the token right after @import is imported.
  {
    const auto urls = css_urls("@import foo url(b.png) 'c.css';");
    REQUIRE(urls.size() == 1);
    CHECK(urls[0].url == "b.png");
    CHECK_FALSE(urls[0].import);
  }
  CHECK(values("@import; 'a.css'").empty());
  CHECK(values("@imports 'a.css'").empty());
  CHECK(values("@media print { @page 'a.css' }").empty());
  CHECK(values("@import @ 'a.css'").empty());
  CHECK(values("@import url(a b) 'c.css'").empty());
  CHECK(values("@import 'a.css\n' 'b.css'").empty());
  {
    // An empty @import is skipped, and does not make the next string an import.
    const auto urls = css_urls("@import ''; a{background:url(b.png)}");
    REQUIRE(urls.size() == 1);
    CHECK_FALSE(urls[0].import);
  }
}

TEST_CASE("css_urls: image-set() and -webkit-image-set() strings", "[audit]") {
  CHECK(values("a{background:image-set(\"a.png\" 1x, \"a-2x.png\" 2x)}") ==
        Urls{"a.png", "a-2x.png"});
  CHECK(values("a{background:image-set(url(a.png) 1x, url('b.png') 2x)}") ==
        Urls{"a.png", "b.png"});
  CHECK(values("a{background:-webkit-image-set('a.png' 1x, 'b.png' 2x)}") ==
        Urls{"a.png", "b.png"});
  CHECK(values("a{background:Image-Set('a.png' 1x) -WEBKIT-IMAGE-SET('b.png' 1x)}") ==
        Urls{"a.png", "b.png"});
  CHECK(values("a{background:image-s\\65t('a.png' 1x)}") == Urls{"a.png"});
  // Strings of a function or a parenthesis inside image-set( are not its arguments.
  CHECK(values("a{background:image-set(\"a.avif\" type(\"image/avif\"), \"a.png\" 1x)}") ==
        Urls{"a.avif", "a.png"});
  CHECK(values("a{background:image-set(attr(\"x\") 1x, ('y') 2x, 'z.png')}") == Urls{"z.png"});
  CHECK(values("a{background:image-set(image-set('in.png'), 'out.png')}") ==
        Urls{"in.png", "out.png"});
  // After its `)`, strings are strings again; an unmatched `)` changes nothing.
  CHECK(values("a{background:image-set('a.png' 1x);content:'no'} ) b{content:'no'}") ==
        Urls{"a.png"});
  CHECK(values(") ) image-set('a.png') 'no'") == Urls{"a.png"});
  // Other functions' strings are not URLs; a url( in one is.
  CHECK(values("a{background:linear-gradient(red, blue), cross-fade('x', url(y.png))}") ==
        Urls{"y.png"});
  CHECK(values("a{background:imageset('a.png') webkit-image-set('b.png')}").empty());
  // Unclosed at EOF: still inside.
  CHECK(values("a{background:image-set('a.png' 1x, 'b.png'") == Urls{"a.png", "b.png"});
}

TEST_CASE("css_urls: @font-face src", "[audit]") {
  CHECK(values("@font-face{font-family:F;src:url(a.woff2) format(\"woff2\"),"
               "url('a.woff') format('woff'),local(\"F\")}") == Urls{"a.woff2", "a.woff"});
}

TEST_CASE("css_urls: numbers, dimensions, hashes and CDO/CDC", "[audit]") {
  // The ident after a number is its unit: no url token.
  CHECK(values("a{x:10url(x)}").empty());
  CHECK(values("a{x:1.5e3url(x) -.5url(x) +2url(x) 1e-2url(x)}").empty());
  // `e` not followed by digits starts the unit, which runs to the end of the ident.
  CHECK(values("a{x:1eurl(x)}").empty());
  CHECK(values("a{x:1e+url(x)}") == Urls{"x"});
  // A percentage or a delim ends the number; a url after it is a url.
  CHECK(values("a{x:10%url(y) 1.url(z) 5 url(w)}") == Urls{"y", "z", "w"});
  CHECK(values("a{x:10 url(x)}") == Urls{"x"});
  CHECK(values("a{x:-url(x) --url(x) a-url(x) _url(x)}").empty());
  CHECK(values("a{x:+url(x) .url(y)}") == Urls{"x", "y"});
  // A hash's name consumes its escapes: `#\"` opens no string.
  CHECK(values("#\\\" url(a)") == Urls{"a"});
  CHECK(values("#\\\"url(a)").empty());  // the name goes on: `"url`
  CHECK(values("a{color:#\\\"} b{background:url(b.png)}") == Urls{"b.png"});
  CHECK(values("#url(a)").empty());
  CHECK(values("# url(a)") == Urls{"a"});
  CHECK(values("a{color:#fff;background:url(c.png)}") == Urls{"c.png"});
  // CDO and CDC are tokens of their own: `<!--url(` is still a url token.
  CHECK(values("<!--url(a.png)-->url(b.png)<!-- -->") == Urls{"a.png", "b.png"});
  CHECK(values("<!-url(a.png) <url(b.png)") == Urls{"b.png"});
  // An @ alone, a backslash before a newline and other delims are single code points.
  CHECK(values("@ url(a) @;url(b) \\\nurl(c) ~url(d) $url(e)") == Urls{"a", "b", "c", "d", "e"});
  CHECK(values("@1url(b)").empty());  // a delim, then the dimension 1url
}

TEST_CASE("css_urls: empty URLs are skipped, url tokens run to EOF", "[audit]") {
  CHECK(values("a{background:url()}").empty());
  CHECK(values("a{background:url(  )}").empty());
  CHECK(values("a{background:url('')} b{background:url(\"\")}").empty());
  CHECK(values("image-set('' 1x, 'a.png' 2x)") == Urls{"a.png"});
  CHECK(values("a{background:url(abc") == Urls{"abc"});
  CHECK(values("a{background:url(abc  ") == Urls{"abc"});
  CHECK(values("a{background:url(") == Urls{});
  CHECK(values("a{background:url(\"abc") == Urls{"abc"});
  CHECK(values("url").empty());
  CHECK(values("").empty());
}

TEST_CASE("css_urls: NUL and invalid UTF-8 become U+FFFD", "[audit]") {
  using namespace std::string_literals;
  CHECK(values("url(a\0b)"s) == Urls{"a\xEF\xBF\xBD"
                                     "b"});
  CHECK(values("url('a\0b')"s) == Urls{"a\xEF\xBF\xBD"
                                       "b"});
  // NUL is an ident code point: `u\0rl` is no url.
  CHECK(values("u\0rl(a) \0url(b)"s).empty());
  // The Encoding Standard's decoder: a cut sequence is one U+FFFD, and each byte of an
  // encoded surrogate is one.
  CHECK(values("url(a\xE2\x82) url(\xED\xA0\x80) url(\xFF)") ==
        Urls{"a\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "\xEF\xBF\xBD"});
  // An invalid byte is non-ASCII, so an ident code point.
  CHECK(values("\xFFurl(a) -\x80url(b)").empty());
}

TEST_CASE("css_urls: lines, with LF, CR LF, CR and FF, from first_line", "[audit]") {
  CHECK(lines("url(a)\nurl(b)\r\nurl(c)\rurl(d)\furl(e)") == Lines{1, 2, 3, 4, 5});
  CHECK(lines("url(a)\n\nurl(b)\r\n\r\nurl(c)\r\r\nurl(d)", 10) == Lines{10, 12, 14, 16});
  // A url token's line is that of `url(`, a url( function's that of its string.
  CHECK(lines("\n  url(\n a.png\n)\nurl(\n'b.png')") == Lines{2, 6});
  CHECK(lines("@import\n'a.css';\nimage-set(\n'b.png'\n,\n\"c.png\")", 3) == Lines{4, 6, 8});
  // Newlines in comments, continued strings and escapes count too.
  CHECK(lines("/*\n\r\n*/'x\\\r\ny' url(a) \\61\r\n url(b)") == Lines{4, 5});
  CHECK(lines("@import 'a\\\nb' url(c)") == Lines{1, 2});
  // The line saturates rather than wraps.
  CHECK(lines("\n\nurl(a)", 0xFFFFFFFEu) == Lines{0xFFFFFFFFu});
}

TEST_CASE("css_urls: a 10 MB stylesheet", "[audit]") {
  const std::string rule =
      "/* card */ .card-1>a:hover{background:url(img/a.png) no-repeat 10px 1.5em;"
      "font:12px/1.2 \"Helvetica Neue\",sans-serif;content:'\\201C';"
      "background-image:image-set('b.png' 1x,url(c.png) 2x)}\n";
  std::string css;
  css.reserve(10u << 20);
  std::size_t rules = 0;
  while (css.size() + rule.size() <= (10u << 20)) {
    css += rule;
    ++rules;
  }
  const auto urls = css_urls(css);
  REQUIRE(urls.size() == 3 * rules);
  CHECK(urls.back().url == "c.png");
  CHECK(urls.back().line == rules);
}

TEST_CASE("css_urls: deep nesting and long tokens are read without recursion", "[audit]") {
  const std::string open(1u << 20, '(');
  CHECK(values(open + "'a' url(b)") == Urls{"b"});
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "image-set(";
  CHECK(values(nested + "'a'" + std::string(100000, ')') + "'b'") == Urls{"a"});
  const std::string long_url(1u << 20, 'x');
  CHECK(values("url(" + long_url + ")") == Urls{long_url});
  CHECK(values(std::string(1u << 20, '\\') + " url(c)").size() == 1);
}
