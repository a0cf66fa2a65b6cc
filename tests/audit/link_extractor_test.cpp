// link_extractor_test.cpp — the link rules on small snippets, for both extractors, and the
// differential test: MyHTML finds the same links as gumbo on every fixture page and on
// thousands of mutations of them.
#include "siteaudit/audit/link_extractor.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "audit/gumbo_link_extractor.hpp"
#include "audit/sitemap_test_support.hpp"

using namespace siteaudit::audit;
using siteaudit::testing::read_file;

// Gumbo 0.10.1 leaks the attribute strings of a tag it abandons in some tokenizer states
// (the mutations below reach them); LeakSanitizer (asan preset) calls this hook for the
// suppressions of the whole audit_tests binary. Leaks elsewhere still fail the run.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgumbo.so\n";
}

namespace {

constexpr std::string_view kPage = "https://example.com/dir/page.html";

std::unique_ptr<LinkExtractor> make(int which) {
  return which == 0 ? make_myhtml_link_extractor() : make_gumbo_link_extractor();
}

// extractor() is each extractor in turn (a GENERATE section per parser); each test case says
// INFO(parser->name()) so that a failure names the parser.
std::unique_ptr<LinkExtractor> extractor() {
  return make(GENERATE(0, 1));
}

ExtractResult parse(LinkExtractor& parser, std::string_view html) {
  ExtractResult result = parser.extract(html, kPage);
  REQUIRE(result.ok());
  return result;
}

// urls() is each link as "element attribute url".
std::vector<std::string> urls(const ExtractResult& result) {
  std::vector<std::string> out;
  for (const Link& link : result.links)
    out.push_back(link.element + " " + link.attribute + " " + std::string(link.url));
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("Link extraction: a and area href, with text, line and kind", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<p>one\n<a href=\"/x\">  The   <b>X</b>\n page </a>\n"
                          "<map><area href=\"b.html\" alt=\" Area  B \"></map>");
  REQUIRE(page.links.size() == 2);
  CHECK(page.links[0].url == "/x");
  CHECK(page.links[0].resolved == "https://example.com/x");
  CHECK(page.links[0].line == 2);
  CHECK(page.links[0].element == "a");
  CHECK(page.links[0].attribute == "href");
  CHECK(page.links[0].text == "The X page");
  CHECK(page.links[0].kind == LinkKind::navigation);
  CHECK(page.links[0].scheme == LinkScheme::http);
  CHECK(page.links[1].resolved == "https://example.com/dir/b.html");
  CHECK(page.links[1].text == "Area B");
  CHECK(page.links[1].line == 4);
  CHECK(page.page.base == kPage);
}

TEST_CASE("Link extraction: link rel types", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<link rel=stylesheet href=/s.css><link rel='shortcut icon' href=/i.ico>"
                          "<link rel=CANONICAL href=https://example.com/c>"
                          "<link rel=alternate hreflang=de href=/de>"
                          "<link rel=alternate type=application/rss+xml href=/feed>"
                          "<link rel=preload as=image href=/p.png><link rel=manifest href=/m.json>"
                          "<link rel=next href=/next><link rel=stylesheet>");
  CHECK(urls(page) == Strings{"link href /s.css", "link href /i.ico",
                              "link href https://example.com/c", "link href /de",
                              "link href /p.png", "link href /m.json"});
  CHECK(page.links[0].kind == LinkKind::stylesheet);
  CHECK(page.links[1].kind == LinkKind::resource);
  CHECK(page.links[2].kind == LinkKind::canonical);
  CHECK(page.links[3].kind == LinkKind::alternate);
  CHECK(page.links[3].hreflang == "de");
  CHECK(page.page.canonical == "https://example.com/c");
}

TEST_CASE("Link extraction: embedded resources, srcset with descriptors", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page =
      parse(*parser,
            "<img src=a.png srcset='b.png 2x,c.png   3x , d,e.png 100w, f.png (x, y) 2x,g.png'>"
            "<picture><source srcset=' s1.webp 1x,, s2.webp,' src=s0.webp></picture>"
            "<script src=app.js></script><iframe src=/if></iframe>"
            "<video src=v.mp4 poster=v.jpg><track src=t.vtt></video><audio src=a.mp3></audio>"
            "<object data=o.bin></object><embed src=e.swf>"
            "<input type=' Image ' src=go.png><input type=text src=no.png><input src=no2.png>");
  CHECK(urls(page) ==
        Strings{"img src a.png", "img srcset b.png", "img srcset c.png", "img srcset d,e.png",
                "img srcset f.png", "img srcset g.png", "source src s0.webp",
                "source srcset s1.webp", "source srcset s2.webp", "script src app.js",
                "iframe src /if", "video src v.mp4", "video poster v.jpg", "track src t.vtt",
                "audio src a.mp3", "object data o.bin", "embed src e.swf", "input src go.png"});
  CHECK(page.links[0].kind == LinkKind::resource);
  CHECK(page.links[10].kind == LinkKind::frame);
  CHECK(page.links[3].resolved == "https://example.com/dir/d,e.png");
}

TEST_CASE("Link extraction: frames of a frameset", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page =
      parse(*parser, "<frameset><frame src=left.html><frame src=right.html></frameset>");
  CHECK(urls(page) == Strings{"frame src left.html", "frame src right.html"});
  CHECK(page.links[0].kind == LinkKind::frame);
}

TEST_CASE("Link extraction: meta refresh forms", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<meta http-equiv=refresh content='5; url=/a'>"
                          "<meta http-equiv=Refresh content=\"0;URL='/b?x=1'\">"
                          "<meta http-equiv=refresh content='3,/c'>"
                          "<meta http-equiv=refresh content='1.5 ; URL = \"/d\" trailing'>"
                          "<meta http-equiv=refresh content='0; urlx'>"
                          "<meta http-equiv=refresh content='10'>"
                          "<meta http-equiv=refresh content='url=/none'>"
                          "<meta http-equiv=refresh content='x; url=/none'>"
                          "<meta name=refresh content='0; url=/none'>");
  CHECK(urls(page) == Strings{"meta content /a", "meta content /b?x=1", "meta content /c",
                              "meta content /d", "meta content urlx"});
  CHECK(page.links[0].kind == LinkKind::refresh);
}

TEST_CASE("Link extraction: the first <base href> applies to every link", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page =
      parse(*parser,
            "<link rel=stylesheet href=s.css><base href='../static/'>"
            "<base href='https://other.test/'><a href=p.html>p</a><a href=//cdn.test/x>x</a>");
  CHECK(page.page.base == "https://example.com/static/");
  REQUIRE(page.links.size() == 3);
  CHECK(page.links[0].resolved == "https://example.com/static/s.css");
  CHECK(page.links[1].resolved == "https://example.com/static/p.html");
  CHECK(page.links[2].resolved == "https://cdn.test/x");
  // An unusable base leaves the page URL.
  const auto bad = parse(*parser, "<base href='mailto:x@y'><a href=p.html>p</a>");
  CHECK(bad.page.base == kPage);
  CHECK(bad.links.at(0).resolved == "https://example.com/dir/p.html");
}

TEST_CASE("Link extraction: nothing in comments, raw text, RCDATA, template or plaintext",
          "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<title><a href=/t>t</a></title>"
                          "<style>/* <a href=/s> */</style>"
                          "<script>'<a href=/j>'</script>"
                          "<!-- <a href=/c> --><!--> <a href=/after-abrupt-comment>a</a>"
                          "<textarea><a href=/ta></textarea>"
                          "<template><a href=/tpl><img src=/tpl.png></template>"
                          "<iframe><a href=/iframe-text></iframe>"
                          "<noscript><a href=/ns>ns</a></noscript>"
                          "<xmp><a href=/xmp></xmp><noembed><a href=/ne></noembed>"
                          "<plaintext><a href=/pt>");
  CHECK(urls(page) == Strings{"a href /after-abrupt-comment", "a href /ns"});
}

TEST_CASE("Link extraction: CSS URLs of style elements and style attributes", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<!DOCTYPE html>\n<style>\n@import 'print.css' print;\n"
                          "body { background: url(/bg.png) } /* url(/c.png) */\n"
                          ".x { mask: url(#m); content: 'url(/s.png)' }\n</style>\n"
                          "<div style=\"background-image: url( &quot;d.png&quot; )\">d</div>\n"
                          "<svg><rect style=\"fill: url(/svg.png)\"/></svg>\n"
                          "<a href=/a style=\"cursor: url(hand.cur), auto\">a</a>\n"
                          "<template><p style=\"background: url(/tpl.png)\"></template>\n"
                          "<noscript><style>i { background: url(/ns.png) }</style></noscript>");
  CHECK(urls(page) == Strings{"style  print.css", "style  /bg.png", "div style d.png",
                              "a style hand.cur", "a href /a", "style  /ns.png"});
  REQUIRE(page.links.size() == 6);
  CHECK(page.links[0].kind == LinkKind::stylesheet);
  CHECK(page.links[0].line == 3);
  CHECK(page.links[1].kind == LinkKind::resource);
  CHECK(page.links[1].line == 4);
  CHECK(page.links[2].line == 7);
  CHECK(page.links[2].resolved == "https://example.com/dir/d.png");
  CHECK(page.links[5].line == 11);
}

TEST_CASE("Link extraction: an unknown element with a style attribute is named as written",
          "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  // gumbo's text of a start tag after a dropped </> begins with the </>.
  const auto page = parse(*parser, "<p></><X-Y style='cursor:url(d.cur)'>x</X-Y>");
  CHECK(urls(page) == Strings{"x-y style d.cur"});
}

TEST_CASE("Link extraction: SVG use and image load what their href names", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page =
      parse(*parser,
            "<!DOCTYPE html>\n<svg><use href=\"#menu\"/><use xlink:href='/s.svg#a'/>\n"
            "<USE href=/t.svg#b xlink:href=/ignored.svg></USE>"
            "<image xlink:href=i.png id=pic /><a href=/svg-a>x</a></svg>\n"
            "<math><use href=/math.svg></use></math><image src=/html.png>");
  CHECK(urls(page) == Strings{"use xlink:href /s.svg#a", "use href /t.svg#b",
                              "image xlink:href i.png", "a href /svg-a", "img src /html.png"});
  REQUIRE(page.links.size() == 5);
  CHECK(page.links[0].kind == LinkKind::resource);
  CHECK(page.links[0].line == 2);
  CHECK(page.links[2].line == 3);
  CHECK(page.links[2].resolved == "https://example.com/dir/i.png");
  CHECK(page.page.anchors == std::vector<std::string>{"pic"});
}

TEST_CASE("Link extraction: an SVG a is a link with its text", "[audit]") {
  // A browser follows an SVG a as it follows an HTML one: the regions of a diagram or a map.
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<svg viewBox='0 0 10 10'>\n<a href='/s2.html' xlink:href='/no.html'>"
                          "<rect/><text>Sales <tspan>2026</tspan></text></a>\n"
                          "<a xlink:href=/s1.html id=one><text>  old\n style </text></a>"
                          "<a href='#one'><text>here</text></a><a><text>none</text></a></svg>");
  CHECK(urls(page) == Strings{"a href /s2.html", "a xlink:href /s1.html"});
  REQUIRE(page.links.size() == 2);
  CHECK(page.links[0].kind == LinkKind::navigation);
  CHECK(page.links[0].text == "Sales 2026");
  CHECK(page.links[0].line == 2);
  CHECK(page.links[1].kind == LinkKind::navigation);
  CHECK(page.links[1].text == "old style");
  CHECK(page.links[1].line == 3);
  CHECK(page.page.anchors == std::vector<std::string>{"one"});
}

TEST_CASE("Link extraction: the link rels a browser or a phone fetches", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<link rel=modulepreload href=/m.js><link rel=apple-touch-icon "
                          "href=/t.png><link rel='mask-icon' href=/mask.svg color=red>"
                          "<link rel=apple-touch-icon-precomposed href=/tp.png>"
                          "<link rel='shortcut icon' href=/f.ico><link rel=prefetch href=/p.html>"
                          "<link rel=preconnect href=//cdn.test><link rel=author href=/a.html>");
  CHECK(urls(page) == Strings{"link href /m.js", "link href /t.png", "link href /mask.svg",
                              "link href /tp.png", "link href /f.ico"});
  for (const Link& link : page.links) CHECK(link.kind == LinkKind::resource);
}

TEST_CASE("Link extraction: entities in attributes as the HTML standard decodes them", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<a href='/q?a=1&copy=2'>1</a><a href='/q?a=1&amp;b=2'>2</a>"
                          "<a href='/q?c=&copy;'>3</a><a href='/q?x=&copyx'>4</a>"
                          "<a href='/&#x41;&#66;'>5</a><a href='/q?lt&lt=1'>6</a>");
  CHECK(urls(page) == Strings{"a href /q?a=1&copy=2", "a href /q?a=1&b=2", "a href /q?c=\xC2\xA9",
                              "a href /q?x=&copyx", "a href /AB", "a href /q?lt&lt=1"});
}

TEST_CASE("Link extraction: a duplicated attribute counts once, the first wins", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<a href=/first href=/second HREF=/third>d</a>"
                          "<img src=/a.png SRC=/b.png srcset='/c.png 2x' srcset='/d.png'>");
  CHECK(urls(page) == Strings{"a href /first", "img src /a.png", "img srcset /c.png"});
}

TEST_CASE("Link extraction: end of file inside a tag drops the tag", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  CHECK(urls(parse(*parser, "<a href=/ok>ok</a><a href=/eof")) == Strings{"a href /ok"});
  CHECK(urls(parse(*parser, "<a href=/ok>ok</a><img src=\"/eof")).size() == 1);
  CHECK(urls(parse(*parser, "<a href=/ok>ok</a><img src=/x ")).size() == 1);
  CHECK(urls(parse(*parser, "")).empty());
  // MyHTML acted on the cut <img>: it reopened the closed link (a second "a href /x").
  CHECK(urls(parse(*parser, "<p><a href=/x>x</p><img src")) == Strings{"a href /x"});
  CHECK(urls(parse(*parser, "<p><a href=/x>x</p><img src=/y>")) ==
        Strings{"a href /x", "a href /x", "img src /y"});
  // Cut inside the tag name: MyHTML made the name text, which reopened the link.
  CHECK(urls(parse(*parser, "<p><a href=/x>x</p><img")) == Strings{"a href /x"});
  // A lone '<' at the end is text, which reopens the link; MyHTML dropped it.
  CHECK(urls(parse(*parser, "<p><a href=/x>x</p><")) == Strings{"a href /x", "a href /x"});
  CHECK(urls(parse(*parser, "<p><a href=/x>x</p></")) == Strings{"a href /x", "a href /x"});
}

TEST_CASE("Link extraction: other schemes are counted, never resolved", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<a href='mailto:a@b.test'>m</a><a href='tel:+4930'>t</a>"
                          "<a href=' JavaScript:void(0)'>j</a><img src='data:image/png;base64,AA'>"
                          "<a href='ftp://f.test/x'>f</a><a href='http://[::1'>bad</a>"
                          "<a href=' /a\tb\n '>ws</a>");
  REQUIRE(page.links.size() == 7);
  CHECK(page.links[0].scheme == LinkScheme::mailto);
  CHECK(page.links[1].scheme == LinkScheme::tel);
  CHECK(page.links[2].scheme == LinkScheme::javascript);
  CHECK(page.links[3].scheme == LinkScheme::data);
  CHECK(page.links[4].scheme == LinkScheme::other);
  CHECK(page.links[5].scheme == LinkScheme::invalid);
  for (int i = 0; i < 6; ++i) CHECK(page.links[i].resolved.empty());
  CHECK(page.links[6].scheme == LinkScheme::http);
  CHECK(page.links[6].url == " /a\tb\n ");
  CHECK(page.links[6].resolved == "https://example.com/ab");
}

TEST_CASE("Link extraction: backslashes and the page's own scheme read as browsers read them",
          "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  // The URL standard: in an http(s) URL a backslash before the query is a slash; the page's
  // scheme without "//" is a relative reference. Another scheme's URL keeps its backslashes.
  const auto page =
      parse(*parser,
            "<a href='images\\photo.jpg'>1</a><a href='\\\\cdn.test\\x'>2</a>"
            "<a href='/a\\b?q=c\\d#e\\f'>3</a><a href='https:/same'>4</a>"
            "<a href='HTTPS:rel.html'>5</a><a href='http:/other'>6</a>"
            "<a href='https:\\\\host.test\\y'>7</a><a href='mailto:a\\b@c.test'>8</a>");
  REQUIRE(page.links.size() == 8);
  CHECK(page.links[0].url == "images\\photo.jpg");  // as written
  CHECK(page.links[0].resolved == "https://example.com/dir/images/photo.jpg");
  CHECK(page.links[1].resolved == "https://cdn.test/x");
  CHECK(page.links[2].resolved.starts_with("https://example.com/a/b?q=c"));
  CHECK(page.links[2].resolved != "https://example.com/a/b?q=c/d");  // the query keeps its own
  CHECK(page.links[3].resolved == "https://example.com/same");
  CHECK(page.links[4].resolved == "https://example.com/dir/rel.html");
  // Another scheme than the page's is absolute: "http:/other" names the host "other".
  CHECK(page.links[5].resolved == "http://other/");
  CHECK(page.links[6].resolved == "https://host.test/y");
  CHECK(page.links[7].scheme == LinkScheme::mailto);
}

TEST_CASE("Link extraction: page facts (robots, canonical, anchors)", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser,
                          "<meta name=ROBOTS content='NoIndex , follow'>"
                          "<link rel=canonical href=/c1><link rel=canonical href=/c2>"
                          "<h1 id=top>t</h1><a name=legacy></a><a id=both name=both2>x</a>"
                          "<svg id=icon></svg><template><p id=hidden></p></template>");
  CHECK(page.page.noindex);
  CHECK_FALSE(page.page.nofollow);
  CHECK(page.page.canonical == "https://example.com/c1");
  CHECK(page.page.anchors == Strings{"top", "legacy", "both", "both2", "icon"});
  const auto none = parse(*parser, "<meta name=robots content=none>");
  CHECK(none.page.noindex);
  CHECK(none.page.nofollow);
  const auto plain = parse(*parser, "<meta name=description content=nofollow>");
  CHECK_FALSE(plain.page.nofollow);
}

TEST_CASE("Link extraction: link text falls back to an image's alt and is capped", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "\xC3\xA9";  // 'é', two bytes each
  const auto page = parse(*parser, "<a href=/i><img src=/i.png alt=' Logo '></a><a href=/l>" +
                                       long_text + "</a><a href=/s>x<script>y</script></a>");
  REQUIRE(page.links.size() == 4);
  CHECK(page.links[0].text == "Logo");
  CHECK(page.links[2].text.size() == kLinkTextLimit);
  CHECK(page.links[2].text == long_text.substr(0, kLinkTextLimit));
  CHECK(page.links[3].text == "x");
  // The cap falls inside the 60th 'é': it is left out whole.
  const auto odd = parse(*parser, "<a href=/o>x" + long_text + "</a>");
  CHECK(odd.links.at(0).text == "x" + long_text.substr(0, kLinkTextLimit - 2));
}

TEST_CASE("Link extraction: deeply nested markup does not exhaust the stack", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  // 4,000 levels: deeper than a fiber stack could take recursively, within kMaxNesting.
  std::string html;
  for (int i = 0; i < 4000; ++i) html += "<div>";
  html += "<a href=/deep>deep</a>";
  const auto page = parse(*parser, html);
  CHECK(urls(page) == Strings{"a href /deep"});
}

namespace {

// Key is what the differential test compares: the link as written, where it was found.
using Key = std::tuple<std::string, std::string, std::string>;

std::vector<Key> keys(const ExtractResult& result) {
  std::vector<Key> out;
  for (const Link& link : result.links) out.emplace_back(link.url, link.element, link.attribute);
  return out;
}

std::set<Key> distinct_keys(const ExtractResult& result) {
  const std::vector<Key> all = keys(result);
  return std::set<Key>(all.begin(), all.end());
}

// fixture_pages() reads every HTML fixture, in path order: the mutations depend on the order,
// and a directory's listing order is the file system's, not the same on every machine.
std::vector<std::string> fixture_pages() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(SITEAUDIT_SOURCE_DIR) / "fixtures")) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".html" || ext == ".htm")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> pages;
  for (const auto& path : paths) pages.push_back(read_file(path.string()));
  return pages;
}

// mutate() changes `html` the way a fuzzer would: cuts, repeats, and markup fragments that
// switch the tokenizer's and the tree builder's states.
std::string mutate(std::string html, std::mt19937& random) {
  static const char* const kFragments[] = {"<",
                                           ">",
                                           "\"",
                                           "'",
                                           "=",
                                           "&",
                                           "&amp;",
                                           "&copy",
                                           "<!--",
                                           "-->",
                                           "<!",
                                           "</",
                                           "/>",
                                           "<a href=/m>",
                                           "</a>",
                                           "<script>",
                                           "</script>",
                                           "<style>",
                                           "<style>a{background:url(/st.png)}</style>",
                                           "<p style='background:url(/sa.png)'>",
                                           "<svg><use href='/u.svg#i'/><image xlink:href=/i.png>",
                                           "<svg><a href=/sa><text>t</text></a>",
                                           "url(",
                                           "@import '/i.css';",
                                           "<textarea>",
                                           "<title>",
                                           "<template>",
                                           "</template>",
                                           "<plaintext>",
                                           "<base href=/b/>",
                                           "<table>",
                                           "<svg>",
                                           "<math>",
                                           "<noscript>",
                                           "<select>",
                                           "<frameset>",
                                           "<img src=x srcset='y 1x, z 2x'>",
                                           "<meta http-equiv=refresh content='0;url=/r'>",
                                           "<![CDATA[",
                                           "]]>",
                                           "\n",
                                           " ",
                                           "<p>",
                                           "<form>",
                                           "<body>",
                                           "<head>",
                                           "<html>",
                                           "<iframe>",
                                           "<xmp>",
                                           "<object>"};
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = html.empty() ? 0 : random() % (html.size() + 1);
    switch (random() % 4) {
      case 0:  // cut
        html.erase(at, random() % 64);
        break;
      case 1: {  // repeat a piece
        const std::size_t from = html.empty() ? 0 : random() % html.size();
        html.insert(at, html.substr(from, random() % 64));
        break;
      }
      case 2:  // a fragment of markup
        html.insert(at, kFragments[random() % std::size(kFragments)]);
        break;
      default:  // a random byte (ASCII, so both parsers read the same characters)
        html.insert(at, 1, static_cast<char>(0x20 + random() % 0x5F));
        break;
    }
  }
  return html;
}

}  // namespace

TEST_CASE("Link extraction: MyHTML finds gumbo's links on the fixture pages and mutations",
          "[audit]") {
  auto product = make_myhtml_link_extractor();
  auto oracle = make_gumbo_link_extractor();
  const auto pages = fixture_pages();
  REQUIRE(pages.size() >= 10);
  std::mt19937 random(20261206);
  std::size_t links = 0, compared = 0;
  for (std::size_t i = 0; i < pages.size() * 300; ++i) {
    const std::string html = i < pages.size() ? pages[i] : mutate(pages[i % pages.size()], random);
    if (gumbo_misreads(html)) continue;
    ++compared;
    const auto expected = oracle->extract(html, kPage);
    const auto actual = product->extract(html, kPage);
    links += expected.links.size();
    // Compared as sets: where misnested formatting elements are reconstructed (an <a> cut by
    // a <table> or a <p>), the parsers may clone an <a> a different number of times. A clone
    // repeats a link the page already has, which changes nothing the crawl checks.
    if (distinct_keys(actual) != distinct_keys(expected)) {
      FAIL_CHECK("the parsers disagree on input " << i << ":\n" << html);
      break;
    }
  }
  CHECK(compared > 3000);
  CHECK(links > 10000);
}

TEST_CASE("Link extraction: gumbo's known misreading is recognised, and MyHTML's answer is right",
          "[audit]") {
  // Gumbo 0.10.1 closes the unknown <f> at </d> and reopens the link for the text: two links.
  const std::string html = "<f><a href=/x></d>i";
  CHECK(gumbo_misreads(html));
  CHECK(make_myhtml_link_extractor()->extract(html, kPage).links.size() == 1);
  CHECK(make_gumbo_link_extractor()->extract(html, kPage).links.size() == 2);
  CHECK_FALSE(gumbo_misreads("<div><a href=/x></a></DIV ></p><//x></1>"));
  CHECK(gumbo_misreads("<p>x</Custom-Element>"));
  CHECK(gumbo_misreads(std::string("<a>x</a\0>", 9)));
  // Gumbo drops the NUL that starts an attribute name; the standard's name is "\uFFFDhref".
  const std::string nul("<link rel=\"canonical\"\0href=/c>", 30);
  CHECK(gumbo_misreads(nul));
  CHECK(make_myhtml_link_extractor()->extract(nul, kPage).links.empty());
  CHECK(make_gumbo_link_extractor()->extract(nul, kPage).links.size() == 1);
  // Gumbo glues a repeated attribute without a value to the next name: no href for it.
  for (const std::string repeated : {"<a x x href=/y>", "<a/de/de href>", "<a x=1 X href=/y>"}) {
    INFO(repeated);
    CHECK(gumbo_misreads(repeated));
    CHECK(make_myhtml_link_extractor()->extract(repeated, kPage).links.size() == 1);
    CHECK(make_gumbo_link_extractor()->extract(repeated, kPage).links.empty());
  }
  CHECK(gumbo_misreads("<p><link rel=canonical href=/a rel=x>"));
  // Different invalid bytes make the same name of U+FFFDs: a repeated attribute for gumbo.
  const std::string replaced = "<a \xFF\xFF \xFF\xFC href=/x>";
  CHECK(gumbo_misreads(replaced));
  CHECK(make_myhtml_link_extractor()->extract(replaced, kPage).links.size() == 1);
  CHECK(make_gumbo_link_extractor()->extract(replaced, kPage).links.empty());
  CHECK_FALSE(gumbo_misreads("<a x='x x' y=\"y y\" x-y href=/y>x x</a><b x></b x>"));
  // Gumbo replaces a noncharacter by U+FFFD; the standard, and MyHTML, keep it in the URL.
  for (const std::string nonchar : {"<a href=/x\xEF\xBF\xBF>", "<a href=/x\xF1\xBF\xBF\xBF>",
                                    "<a href=/x\xEF\xB7\x90>", "<a href=/x\xF4\x8F\xBF\xBE>"}) {
    INFO(nonchar);
    CHECK(gumbo_misreads(nonchar));
    CHECK(make_myhtml_link_extractor()->extract(nonchar, kPage).links.at(0).url ==
          nonchar.substr(8, nonchar.size() - 9));
  }
  CHECK_FALSE(gumbo_misreads("<a href=/x\xF0\x9F\x98\x80\xEF\xBF\xBD\xEF\xB7\xB0>"));
  // After a </> in SVG, gumbo ignores the </svg>: the MathML <use> stays an SVG one for it.
  const std::string foreign = "<svg></></svg><math><use href=/m></use></math>";
  CHECK(gumbo_misreads(foreign));
  CHECK(make_myhtml_link_extractor()->extract(foreign, kPage).links.empty());
  CHECK(make_gumbo_link_extractor()->extract(foreign, kPage).links.size() == 1);
  CHECK_FALSE(gumbo_misreads("<p>a</>b</p><svgx></>"));
  CHECK(gumbo_misreads("<MATH/></>"));
  const std::string slash = "<svg></svg/><use href=/u.svg>";
  CHECK(gumbo_misreads(slash));
  CHECK(make_myhtml_link_extractor()->extract(slash, kPage).links.empty());
  // `</math >` is `</math>`: the <image> after it is an HTML <img>, for gumbo a MathML one.
  const std::string spaced = "<math></math ><image src=/i.png>";
  CHECK(gumbo_misreads(spaced));
  CHECK(make_myhtml_link_extractor()->extract(spaced, kPage).links.size() == 1);
  CHECK_FALSE(gumbo_misreads("<p>a</p ></p/></>"));  // no foreign content: gumbo is right
  CHECK(gumbo_misreads("<svg></svg><p>a</p >"));     // a false alarm, which only skips the input
}

TEST_CASE("Link extraction: invalid UTF-8 and control characters read as U+FFFD", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page = parse(*parser, "<a href='/a\xE2\x80?x=\x01'>\xFF</a>");
  REQUIRE(page.links.size() == 1);
  CHECK(page.links[0].url == "/a\xEF\xBF\xBD?x=\xEF\xBF\xBD");
  CHECK(page.links[0].text == "\xEF\xBF\xBD");
}

TEST_CASE("Link extraction: the tricky fixture page", "[audit]") {
  auto parser = extractor();
  INFO(parser->name());
  const auto page =
      parse(*parser, read_file(std::string(SITEAUDIT_SOURCE_DIR) + "/fixtures/html/tricky.html"));
  // Only the noscript and SVG links of the "/in-..." ones are real: the others are in a title,
  // style, script, comment, iframe text, textarea, template or after plaintext.
  Strings inside;
  for (const Link& link : page.links)
    if (link.url.starts_with("/in-")) inside.emplace_back(link.url);
  CHECK(inside == Strings{"/in-noscript", "/in-svg"});
  Strings resolved;
  for (const Link& link : page.links) resolved.emplace_back(link.resolved);
  CHECK(resolved == Strings{"https://example.com/refreshed?from=tricky",
                            "https://example.com/css/site.css",
                            "https://example.com/favicon.ico",
                            "https://example.com/tricky",
                            "https://example.com/de/tricky",
                            "https://example.com/fonts/a.woff2",
                            "https://example.com/site.webmanifest",
                            "https://example.com/css/noscript.css",
                            "https://example.com/docs/?a=1&copy=2&b=3",
                            "",
                            "",
                            "",
                            "https://example.com/first",
                            "https://example.com/pic",
                            "https://example.com/img/a.png",
                            "https://example.com/img/a-2x.png",
                            "https://example.com/img/a,3x.png",
                            "https://example.com/img/b.webp",
                            "https://example.com/img/b-big.webp",
                            "https://example.com/img/b.jpg",
                            "https://example.com/area",
                            "https://example.com/frame.html",
                            "https://example.com/v.mp4",
                            "https://example.com/v.jpg",
                            "https://example.com/v.vtt",
                            "https://example.com/a.mp3",
                            "https://example.com/o.swf",
                            "https://example.com/e.swf",
                            "https://example.com/js/app.js",
                            "https://example.com/in-noscript",
                            "https://example.com/in-svg",
                            "https://example.com/foster-parented",
                            "https://example.com/cell",
                            "",
                            "https://example.com/spacedpath",
                            "https://example.com/dir/page.html"});
  CHECK(page.links[8].text == "the docs page");
  CHECK(page.links[13].text == "A picture");
  CHECK(page.page.canonical == "https://example.com/tricky");
  CHECK(page.page.anchors == Strings{"top", "legacy", "footer"});
  CHECK_FALSE(page.page.nofollow);
}

TEST_CASE("Link extraction: a large page, then small ones, on the same extractor", "[audit]") {
  // After a page of more than 4 MiB MyHTML's extractor makes its tree anew, to give back the
  // pools that page took; the next pages parse as on a new extractor.
  auto parser = make_myhtml_link_extractor();
  std::string large = "<!DOCTYPE html><title>large</title>\n<a href=\"/first\">first</a>\n";
  while (large.size() <= 4 * kLargePageBytes) large += "<p><span>padding</span> text</p>\n";
  large += "<a href=\"/last\">last</a>\n";
  for (int round = 0; round < 2; ++round) {
    const auto big = parse(*parser, large);
    CHECK(urls(big) == Strings{"a href /first", "a href /last"});
    CHECK(big.links[1].line ==
          static_cast<std::uint32_t>(std::count(large.begin(), large.end(), '\n')));
    const auto small = parse(*parser, "<p id=top><a href=\"b.html#top\">b</a>");
    CHECK(urls(small) == Strings{"a href b.html#top"});
    CHECK(small.links[0].text == "b");
    CHECK(small.page.anchors == Strings{"top"});
  }
}

TEST_CASE("Link extraction: markup nested deeper than kMaxNesting is refused, quickly", "[audit]") {
  auto parser = make_myhtml_link_extractor();
  auto nested = [](std::size_t depth) {
    std::string html = "<!DOCTYPE html>";
    for (std::size_t i = 0; i < depth; ++i) html += "<div>";
    return html + "<a href=/deep>deep</a>";
  };
  // Within the limit: read as usual (too few start tags to be measured at all).
  const auto fine = parser->extract(nested(kMaxNesting - 10), kPage);
  REQUIRE(fine.ok());
  REQUIRE(fine.links.size() == 1);
  CHECK(fine.links[0].url == "/deep");
  // One level past it: the page's count of '<' calls for the guard pass, which refuses it.
  CHECK_FALSE(parser->extract(nested(kMaxNesting + 1), kPage).ok());
  // 200,000 levels: refused with a reason (the whole parse would take over a minute).
  const auto deep = parser->extract(nested(200'000), kPage);
  CHECK_FALSE(deep.ok());
  CHECK(deep.error.find("nest more than 4096 deep") != std::string::npos);
  // Many elements side by side are not deep: the guard lets them through.
  std::string wide = "<!DOCTYPE html>";
  for (std::size_t i = 0; i < 3 * kMaxNesting; ++i) wide += "<p><a href=/w>w</a></p>";
  const auto flat = parser->extract(wide, kPage);
  REQUIRE(flat.ok());
  CHECK(flat.links.size() == 3 * kMaxNesting);
  // And the lines still come from the whole parse.
  CHECK(parser->extract("<!DOCTYPE html>\n\n" + wide, kPage).links[0].line == 3);
}
