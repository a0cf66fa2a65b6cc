// link_collector.hpp — the link rules of the HTML standard, shared by both link extractors.
//
// Each extractor walks its parser's tree in document order and hands every element (outside
// template contents) to a LinkCollector, which decides what is a link, applies <base href>,
// resolves, and gathers the page facts. Keeping the rules here means the differential test
// compares the two parsers, not two copies of the rules.
//
// Example:
//   LinkCollector links(page_url);
//   links.element("a", true, 3, attributes, text.take());   // for each element, in tree order
//   ExtractResult result = std::move(links).finish();
//
// Thread safety: none; one collector per page.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/link_extractor.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

// HtmlAttribute is one attribute as the parser gives it: lower-case name, decoded value.
struct HtmlAttribute {
  std::string_view name;
  std::string_view value;
  bool xlink = false;  // in the XLink namespace: an SVG element's xlink:href is "href" here
};

// LinkText builds a link's text: text nodes appended in order, ASCII whitespace collapsed,
// trimmed, capped at kLinkTextLimit bytes on a UTF-8 boundary; the alt of the first img
// inside stands in when there is no text.
class LinkText {
 public:
  // append() adds the text of one text node.
  void append(std::string_view text);
  // image_alt() offers the alt of an img inside the link; the first one counts.
  void image_alt(std::string_view alt);
  // full() is true once more text would be cut anyway (the walk may stop early).
  bool full() const noexcept { return text_.size() >= kLinkTextLimit && has_alt_; }
  // take() returns the text, or the image alt when the text is empty.
  std::string take();

 private:
  std::string text_;
  std::string alt_;
  bool has_alt_ = false;
  bool space_ = false;  // whitespace seen since the last character kept
};

class LinkCollector {
 public:
  explicit LinkCollector(std::string_view page_url);

  // wants_text() is true for the elements whose text element() needs (HTML a); an SVG a's
  // text goes to svg_element().
  static bool wants_text(std::string_view name, bool html) noexcept { return html && name == "a"; }
  // skips_text() is true for the elements whose text is no link text (script, style, template).
  static bool skips_text(std::string_view name) noexcept {
    return name == "script" || name == "style" || name == "template";
  }

  // reads_element() is true for the HTML elements element() reads more of than their id: the
  // link elements, base, link and meta. An extractor may give every other element, and every
  // SVG or MathML one, to anchor() instead, without its attributes or its line.
  static bool reads_element(std::string_view name) noexcept;
  // anchor() records the id of an element element() would only read the id of: the value of
  // its first `id` attribute (empty ones are not anchors).
  void anchor(std::string_view id);

  // element() takes one element in tree order. `html` is false for SVG and MathML elements
  // (only their ids count). On a duplicated attribute name the first occurrence wins. The
  // URLs in an HTML element's `style` attribute are links too: an extractor gives every
  // element that has one to element(), whatever reads_element() says.
  // `text` is the link text of an `a` (LinkText::take()), moved into its link.
  void element(std::string_view name, bool html, std::uint32_t line,
               std::span<const HtmlAttribute> attributes, std::string text = {});

  // style() takes the text of an HTML <style> element, which starts on `first_line`.
  void style(std::string_view text, std::uint32_t first_line) { css(text, first_line, "style"); }
  // svg_element() takes an SVG `use` or `image` element, which loads the resource its href
  // names (an icon sprite, an image), or an SVG `a`, a link a browser follows as it follows an
  // HTML one (a diagram's or a map's regions), with its `text` (the text of its descendants).
  // `href` wins over `xlink:href`, as SVG 2 says, and a fragment-only one names an element of
  // the page, which loads nothing. Its id counts as an anchor, as element() would have
  // counted it.
  void svg_element(std::string_view name, std::uint32_t line,
                   std::span<const HtmlAttribute> attributes, std::string text = {});
  // is_svg_link() is true for the names of the SVG elements svg_element() takes.
  static bool is_svg_link(std::string_view name) noexcept {
    return name == "use" || name == "image" || name == "a";
  }

  // css() takes CSS text: a stylesheet's own (the collector's URL is then the stylesheet's),
  // or a <style> element's or style attribute's on the page. Each URL it loads (css_urls())
  // is a link: an @import a stylesheet, any other a resource. Their element and attribute are
  // `element` and `attribute`, or, when `element` is empty (a stylesheet's own text), the
  // construct that holds the URL: "@import" or "url()", with no attribute.
  void css(std::string_view text, std::uint32_t first_line, std::string_view element = {},
           std::string_view attribute = {});

  // finish() resolves every link against the document's base URL and returns the page.
  ExtractResult finish() &&;

 private:
  void add(std::string_view element, std::string_view attribute, std::string_view url,
           std::uint32_t line, LinkKind kind);

  // Span is where a link's text lies in a buffer (Link views it once finish() is done).
  struct Span {
    std::uint32_t offset = 0, size = 0;
  };

  std::string page_url_;
  std::string base_href_;
  bool has_base_ = false;
  bool has_canonical_ = false;
  ExtractResult result_;
  std::string written_;              // each link's URL as written, one after another
  std::vector<Span> written_spans_;  // per link, in written_
};

// LinkResolver resolves a page's links against its base URL: net::resolve_url(), without
// curl for the common reference. A page links to dozens of URLs and curl_url costs microseconds
// per URL (more than parsing the page with MyHTML), while most links are a plain root-relative
// or same-directory path: joined to the base's origin or directory, the result is the URL
// resolve_url() would return exactly when net::is_normal_url() accepts it (RFC 3986 §5.2 merges
// such paths by concatenation; is_normal_url rules out dot segments, fragments and escapes).
// Anything else goes to resolve_url(). Tests hold the two to the same answers.
class LinkResolver {
 public:
  explicit LinkResolver(std::string base);
  // resolve() is net::resolve_url(base, reference), except that an empty or fragment-only
  // reference is the base URL (as RFC 3986 says; libcurl 7.88 answers the base's directory),
  // and that a reference naming the base's scheme without "//" after it ("http:/x") is
  // relative, as browsers read it (libcurl takes "x" for a host).
  // `normal`, when given, is set to whether the URL is known to pass net::is_normal_url().
  net::UrlResult resolve(std::string_view reference, bool* normal = nullptr) const;
  // resolve_into() appends what resolve() answers to `out` and returns true, or returns false
  // (and leaves `out` as it was) when resolve() fails: a page's URLs go into one buffer.
  bool resolve_into(std::string_view reference, std::string& out, bool* normal = nullptr) const;

 private:
  std::string base_;
  std::size_t scheme_end_ = 0;     // base_[scheme_end_] is the ':' after its scheme; npos: none
  std::size_t origin_end_ = 0;     // base_[0, origin_end_) is "scheme://authority"; 0: no shortcut
  std::size_t directory_end_ = 0;  // base_[0, directory_end_) ends with the path's last '/'
};

// input_stream() is what both parsers read: `html` with each invalid UTF-8 sequence replaced by
// U+FFFD as the Encoding Standard's UTF-8 decoder does, and each control character other than
// NUL and ASCII whitespace (U+0001-0008, U+000B, U+000E-001F, U+007F-009F) replaced by U+FFFD.
// The standard keeps those controls; gumbo replaces them and MyHTML drops some, so one rule for
// both keeps the differential test about tree building. Newlines are untouched, so lines stay
// where they were. Returns `html` itself (no copy) when nothing is replaced, else `buffer`.
std::string_view input_stream(std::string_view html, std::string& buffer);

// style_text() is the text of the <style> element whose start tag ends just before
// `html[start_tag_end]`: the input up to the first "</style" (ASCII case-insensitive) followed
// by whitespace, '/' or '>', which ends the element as the standard's RAWTEXT state reads it,
// or up to the end of the input. Both extractors read a style's text here rather than from
// their trees: MyHTML drops the whole text of an unclosed style whose input ends in "<" or
// "</" after an end tag of another name. CR and NUL are left as they are; the CSS tokenizer
// reads them as the standard's preprocessing would have left them.
std::string_view style_text(std::string_view html, std::size_t start_tag_end);

// meta_refresh_url() is the URL of a meta refresh `content` per the HTML standard's shared
// declarative refresh steps; false when it names none (a plain delay refreshes the page).
bool meta_refresh_url(std::string_view content, std::string_view& url);
// srcset_urls() appends the URL of each image candidate of a srcset attribute.
void srcset_urls(std::string_view srcset, std::vector<std::string_view>& urls);

}  // namespace siteaudit::audit
