// link_collector.cpp — which elements and attributes are links, and how they resolve.
#include "audit/link_collector.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "audit/css_urls.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::audit {
namespace {

// The HTML standard's ASCII whitespace (no \v).
constexpr std::string_view kHtmlSpace = " \t\n\f\r";

// is_html_space() runs per character of link text: comparisons, not a search.
bool is_html_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

// attribute() is the value of the first attribute named `name`; the first of a duplicated
// attribute wins, as in browsers.
const HtmlAttribute* attribute(std::span<const HtmlAttribute> attributes,
                               std::string_view name) noexcept {
  for (const HtmlAttribute& a : attributes)
    if (a.name == name) return &a;
  return nullptr;
}

// has_token() is true when the space-separated `list` holds `token` (ASCII case-insensitive).
bool has_token(std::string_view list, std::string_view token) noexcept {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_html_space(list[i])) ++i;
    const std::size_t start = i;
    while (i < list.size() && !is_html_space(list[i])) ++i;
    if (i > start && net::iequals(list.substr(start, i - start), token)) return true;
  }
  return false;
}

LinkScheme scheme_of(std::string_view url) noexcept;

// url_for_parsing() is what the URL parser reads, as the URL standard's basic URL parser
// reads it: leading and trailing C0 controls and spaces stripped, tabs and newlines removed
// anywhere, and in an http(s) URL (a relative one resolves against the page's) each backslash
// before the query read as a slash, so that <a href="images\photo.jpg"> is the image browsers
// load. Nearly every link has none of those: it is then `url` itself, and `buffer` is left
// alone.
std::string_view url_for_parsing(std::string_view url, std::string& buffer) {
  std::size_t first = 0, last = url.size();
  while (first < last && static_cast<unsigned char>(url[first]) <= 0x20) ++first;
  while (last > first && static_cast<unsigned char>(url[last - 1]) <= 0x20) --last;
  const std::string_view trimmed = url.substr(first, last - first);
  // A loop, not find_first_of(): that calls memchr on the four characters for each byte.
  bool clean = true;
  for (const char c : trimmed) clean = clean && c != '\t' && c != '\n' && c != '\r' && c != '\\';
  if (clean) return trimmed;
  buffer.clear();
  for (char c : trimmed)
    if (c != '\t' && c != '\n' && c != '\r') buffer += c;
  if (scheme_of(buffer) == LinkScheme::http) {
    const std::size_t query = std::min(buffer.find_first_of("?#"), buffer.size());
    std::replace(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(query), '\\', '/');
  }
  return buffer;
}

// is_plain_fragment() is true for a fragment of the characters RFC 3986 allows in one
// unescaped (unreserved, sub-delims, ':', '@', '/', '?'): curl keeps such a fragment as it is,
// and normalisation drops it.
bool is_plain_fragment(std::string_view fragment) noexcept {
  for (const char c : fragment) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '!' || c == '$' ||
                       c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' ||
                       c == ',' || c == ';' || c == '=' || c == ':' || c == '@' || c == '/' ||
                       c == '?';
    if (!plain) return false;
  }
  return true;
}

// has_scheme_colon() is true when a ':' comes before the first '/' or '?' of `reference`
// ("mailto:x", "a:b"): it may name a scheme, so it is no plain relative path.
bool has_scheme_colon(std::string_view reference) noexcept {
  for (const char c : reference) {
    if (c == ':') return true;
    if (c == '/' || c == '?') return false;
  }
  return false;
}

// scheme_of() classifies a URL cleaned by url_for_parsing() by its scheme; relative URLs are
// http (they resolve against an http(s) base).
LinkScheme scheme_of(std::string_view url) noexcept {
  const std::size_t length = net::scheme_length(url);
  if (length == 0) return LinkScheme::http;  // "a/b:c" is a path
  const std::string_view scheme = url.substr(0, length);
  if (net::iequals(scheme, "http") || net::iequals(scheme, "https")) return LinkScheme::http;
  if (net::iequals(scheme, "mailto")) return LinkScheme::mailto;
  if (net::iequals(scheme, "tel")) return LinkScheme::tel;
  if (net::iequals(scheme, "javascript")) return LinkScheme::javascript;
  if (net::iequals(scheme, "data")) return LinkScheme::data;
  return LinkScheme::other;
}

// link_element() says which attributes of an HTML element (other than link, meta and base,
// which need more than their name) are links, and of what kind.
struct LinkAttributes {
  std::string_view element;
  LinkKind kind;
  std::string_view attributes[2];  // src-like attributes; srcset is handled by name below
  bool srcset = false;
};
constexpr LinkAttributes kLinkElements[] = {
    {"a", LinkKind::navigation, {"href", {}}},
    {"area", LinkKind::navigation, {"href", {}}},
    {"img", LinkKind::resource, {"src", {}}, true},
    {"source", LinkKind::resource, {"src", {}}, true},
    {"script", LinkKind::resource, {"src", {}}},
    {"iframe", LinkKind::frame, {"src", {}}},
    {"frame", LinkKind::frame, {"src", {}}},
    {"video", LinkKind::resource, {"src", "poster"}},
    {"audio", LinkKind::resource, {"src", "poster"}},
    {"track", LinkKind::resource, {"src", {}}},
    {"object", LinkKind::resource, {"data", {}}},
    {"embed", LinkKind::resource, {"src", {}}},
};

// Link rel types that make a resource link: what a browser or the system fetches for the page
// ("modulepreload": the script modules a bundler's page loads up front; the touch and mask
// icons: what phones and Safari show for the site).
constexpr std::string_view kResourceRels[] = {"icon",
                                              "preload",
                                              "manifest",
                                              "modulepreload",
                                              "apple-touch-icon",
                                              "mask-icon",
                                              "apple-touch-icon-precomposed"};

}  // namespace

void LinkText::append(std::string_view text) {
  for (char c : text) {
    if (text_.size() >= kLinkTextLimit) return;
    if (is_html_space(c)) {
      space_ = !text_.empty();
      continue;
    }
    if (space_) {
      text_ += ' ';
      space_ = false;
      if (text_.size() >= kLinkTextLimit) break;
    }
    text_ += c;
  }
  if (text_.size() > kLinkTextLimit) text_.resize(kLinkTextLimit);
}

void LinkText::image_alt(std::string_view alt) {
  if (has_alt_) return;
  has_alt_ = true;
  LinkText collapsed;
  collapsed.append(alt);
  alt_ = collapsed.take();
}

std::string LinkText::take() {
  std::string text = text_.empty() ? std::move(alt_) : std::move(text_);
  if (text.size() >= kLinkTextLimit) {
    // append() stopped at the limit, perhaps inside a character: drop an incomplete last
    // sequence (its lead byte and the continuation bytes that made it).
    std::size_t lead = text.size();
    while (lead > 0 && text.size() - lead < 3 &&
           (static_cast<unsigned char>(text[lead - 1]) & 0xC0) == 0x80)
      --lead;
    if (lead > 0) {
      const auto byte = static_cast<unsigned char>(text[lead - 1]);
      const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
      if (text.size() - (lead - 1) < length) text.resize(lead - 1);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  return text;
}

LinkResolver::LinkResolver(std::string base)
    : base_(std::move(base)), scheme_end_(base_.find(':')) {
  std::size_t path_start = 0;
  if (!net::is_normal_url(base_, &path_start)) return;
  origin_end_ = path_start;
  const std::string_view path = std::string_view(base_).substr(0, base_.find('?'));
  directory_end_ = path.rfind('/') + 1;
}

net::UrlResult LinkResolver::resolve(std::string_view reference, bool* normal) const {
  std::string out;
  if (resolve_into(reference, out, normal)) return {std::move(out), {}};
  return net::resolve_url(base_, reference);  // the failure, with its message
}

bool LinkResolver::resolve_into(std::string_view written, std::string& out, bool* normal) const {
  if (normal != nullptr) *normal = false;
  // "http:/x" or "http:x" on an http page is relative, as browsers read it (the URL standard
  // reads a special scheme equal to the base's as relative unless "//" follows; RFC 3986
  // §5.2.2's non-strict parsers do the same). curl would take "x" for a host.
  if (scheme_end_ != std::string::npos && written.size() > scheme_end_ &&
      written[scheme_end_] == ':' &&
      net::iequals(written.substr(0, scheme_end_),
                   std::string_view(base_).substr(0, scheme_end_)) &&
      !written.substr(scheme_end_ + 1).starts_with("//")) {
    written.remove_prefix(scheme_end_ + 1);
  }
  if (origin_end_ != 0) {
    std::string_view reference = written;
    // The base is normal, so what resolve_url() answers for an empty or fragment-only
    // reference (normalize_url(base)) is the base itself.
    if (reference.empty() || reference[0] == '#') {
      if (normal != nullptr) *normal = true;
      out.append(base_);
      return true;
    }
    // A fragment is dropped by normalisation, and it cannot change how the rest resolves (a
    // reference's fragment starts at its first '#'): a plain one is cut here, so that
    // "/page#section" takes the shortcut too. Anything in it that curl might reject or
    // escape leaves the whole reference to curl.
    bool shortcut = true;
    if (const std::size_t hash = reference.find('#'); hash != std::string_view::npos) {
      shortcut = is_plain_fragment(reference.substr(hash + 1));
      reference = reference.substr(0, hash);
    }
    const char first = reference[0];
    std::size_t keep = 0;
    if (shortcut && first == '/') {
      if (reference.size() < 2 || reference[1] != '/') keep = origin_end_;  // not "//host"
    } else if (shortcut && first != '.' && first != '?' && !has_scheme_colon(reference)) {
      keep = directory_end_;  // a path relative to the base's directory
    }
    if (keep != 0) {
      // Joined in place: taken back when it is not a normal URL.
      // The base is normal and `keep` ends its origin or a '/' of its path: only what the
      // reference adds needs a look.
      if (net::is_normal_path(reference)) {
        out.append(base_, 0, keep).append(reference);
        if (normal != nullptr) *normal = true;
        return true;
      }
    }
  }
  net::UrlResult resolved = net::resolve_url(base_, written);
  if (!resolved.ok()) return false;
  out.append(resolved.url);
  return true;
}

// kPlainAscii marks the bytes input_stream() keeps as they are without a second look: NUL,
// the ASCII whitespace the standard keeps (\t \n \f \r) and printable ASCII.
constexpr auto kPlainAscii = [] {
  std::array<bool, 256> plain{};
  for (int b = 0x20; b < 0x7F; ++b) plain[static_cast<std::size_t>(b)] = true;
  for (const int b : {0x00, 0x09, 0x0A, 0x0C, 0x0D}) plain[static_cast<std::size_t>(b)] = true;
  return plain;
}();

// is_printable_ascii8() is true when each of the 8 bytes at `p` is in 0x20-0x7E.
bool is_printable_ascii8(const char* p) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  // A byte below 0x20 borrows when 0x20 is taken from it; one at 0x7F or above carries into
  // its high bit when 0x01 is added (or has it set already). Either sets a high bit here.
  const std::uint64_t below = (v - 0x20 * kOnes) & ~v;
  const std::uint64_t above = (v + kOnes) | v;
  return ((below | above) & kHigh) == 0;
}

std::string_view input_stream(std::string_view html, std::string& buffer) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::size_t copied = 0;  // html[0, copied) is in `buffer` already (when it is used)
  bool replaced = false;
  auto replace = [&](std::size_t from, std::size_t to) {
    if (!replaced) {
      buffer.clear();
      buffer.reserve(html.size() + 16);
      replaced = true;
    }
    buffer.append(html.substr(copied, from - copied));
    buffer.append(kReplacement);
    copied = to;
  };
  const std::size_t n = html.size();
  std::size_t i = 0;
  while (i < n) {
    // Nearly every byte of a page is printable ASCII or whitespace: skip eight printable
    // ASCII bytes at a time (no byte below 0x20, none at 0x7F or above), and the bytes of a
    // chunk with whitespace in it with one table look-up each, before looking at the byte
    // that may need a decision.
    for (;;) {
      while (i + 8 <= n && is_printable_ascii8(html.data() + i)) i += 8;
      const std::size_t chunk_end = std::min(n, i + 8);
      while (i < chunk_end && kPlainAscii[static_cast<unsigned char>(html[i])]) ++i;
      if (i < chunk_end || i == n) break;
    }
    if (i == n) break;
    const auto byte = static_cast<unsigned char>(html[i]);
    if (byte < 0x80) {
      const bool control = (byte >= 0x01 && byte <= 0x08) || byte == 0x0B ||
                           (byte >= 0x0E && byte <= 0x1F) || byte == 0x7F;
      if (control) replace(i, i + 1);
      ++i;
      continue;
    }
    // The Encoding Standard's UTF-8 decoder: the bounds of the second byte exclude overlong
    // forms, surrogates and code points above U+10FFFF; a sequence cut short is replaced once
    // and the byte that cut it is read again.
    std::size_t needed = 0;
    unsigned char lower = 0x80, upper = 0xBF;
    if (byte >= 0xC2 && byte <= 0xDF) {
      needed = 1;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      needed = 2;
      if (byte == 0xE0) lower = 0xA0;
      if (byte == 0xED) upper = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      needed = 3;
      if (byte == 0xF0) lower = 0x90;
      if (byte == 0xF4) upper = 0x8F;
    } else {
      replace(i, i + 1);
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::size_t seen = 0;
    while (seen < needed && j < n) {
      const auto next = static_cast<unsigned char>(html[j]);
      if (next < lower || next > upper) break;
      lower = 0x80;
      upper = 0xBF;
      ++seen;
      ++j;
    }
    if (seen < needed) {
      replace(i, j);
      i = j;
      continue;
    }
    // C1 controls: U+0080-009F, encoded C2 80 - C2 9F.
    if (byte == 0xC2 && static_cast<unsigned char>(html[i + 1]) <= 0x9F) replace(i, j);
    i = j;
  }
  if (!replaced) return html;
  buffer.append(html.substr(copied));
  return buffer;
}

bool meta_refresh_url(std::string_view content, std::string_view& url) {
  // HTML standard, "shared declarative refresh steps".
  std::size_t i = 0;
  const std::size_t n = content.size();
  auto skip_space = [&] {
    while (i < n && is_html_space(content[i])) ++i;
  };
  skip_space();
  const std::size_t digits = i;
  while (i < n && content[i] >= '0' && content[i] <= '9') ++i;
  if (i == digits && (i >= n || content[i] != '.')) return false;
  while (i < n && ((content[i] >= '0' && content[i] <= '9') || content[i] == '.')) ++i;
  if (i >= n) return false;
  if (content[i] != ';' && content[i] != ',' && !is_html_space(content[i])) return false;
  skip_space();
  if (i < n && (content[i] == ';' || content[i] == ',')) ++i;
  skip_space();
  if (i >= n) return false;
  const std::size_t url_start = i;
  if (net::istarts_with(content.substr(i), "url")) {
    i += 3;
    skip_space();
    if (i < n && content[i] == '=') {
      ++i;
      skip_space();
    } else {
      i = url_start;
    }
  }
  char quote = 0;
  if (i < n && (content[i] == '"' || content[i] == '\'')) quote = content[i++];
  url = content.substr(i);
  if (quote != 0) url = url.substr(0, url.find(quote));
  return true;
}

void srcset_urls(std::string_view srcset, std::vector<std::string_view>& urls) {
  // HTML standard, "parse a srcset attribute": only the URLs are needed, so the descriptors
  // are skipped up to the comma that ends them (commas inside parentheses do not).
  std::size_t i = 0;
  const std::size_t n = srcset.size();
  while (i < n) {
    while (i < n && (is_html_space(srcset[i]) || srcset[i] == ',')) ++i;
    if (i >= n) break;
    const std::size_t start = i;
    while (i < n && !is_html_space(srcset[i])) ++i;
    std::string_view url = srcset.substr(start, i - start);
    if (url.back() == ',') {
      while (!url.empty() && url.back() == ',') url.remove_suffix(1);
    } else {
      bool in_parens = false;
      for (; i < n; ++i) {
        if (srcset[i] == '(')
          in_parens = true;
        else if (srcset[i] == ')')
          in_parens = false;
        else if (srcset[i] == ',' && !in_parens)
          break;
      }
    }
    if (!url.empty()) urls.push_back(url);
  }
}

LinkCollector::LinkCollector(std::string_view page_url) : page_url_(page_url) {
  result_.links.reserve(32);  // a typical page's links, without five reallocations on the way
  written_spans_.reserve(32);
}

void LinkCollector::add(std::string_view element, std::string_view attribute, std::string_view url,
                        std::uint32_t line, LinkKind kind) {
  // The parser's text lives as long as its tree: the URL is copied (Link::url views it once
  // finish() is done).
  written_spans_.push_back(Span{.offset = static_cast<std::uint32_t>(written_.size()),
                                .size = static_cast<std::uint32_t>(url.size())});
  written_.append(url);
  Link link;
  link.line = line;
  link.element = element;
  link.attribute = attribute;
  link.kind = kind;
  result_.links.push_back(std::move(link));
}

void LinkCollector::css(std::string_view text, std::uint32_t first_line, std::string_view element,
                        std::string_view attribute) {
  for (const CssUrl& url : css_urls(text, first_line)) {
    // url(#clip) names an element of the document that uses the style (an SVG mask, filter,
    // clip path): nothing is fetched.
    if (net::trim(url.url, kHtmlSpace).starts_with('#')) continue;
    const LinkKind kind = url.import ? LinkKind::stylesheet : LinkKind::resource;
    if (!element.empty()) {
      add(element, attribute, url.url, url.line, kind);
    } else {
      add(url.import ? "@import" : "url()", "", url.url, url.line, kind);
    }
  }
}

void LinkCollector::svg_element(std::string_view name, std::uint32_t line,
                                std::span<const HtmlAttribute> attributes, std::string text) {
  const HtmlAttribute* href = nullptr;
  for (const HtmlAttribute& a : attributes) {
    if (a.name != "href") continue;
    if (!a.xlink) {
      href = &a;
      break;
    }
    if (href == nullptr) href = &a;
  }
  if (const HtmlAttribute* id = attribute(attributes, "id")) anchor(id->value);
  if (href == nullptr || net::trim(href->value, kHtmlSpace).starts_with('#')) return;
  const bool link = name == "a";
  add(name, href->xlink ? "xlink:href" : "href", href->value, line,
      link ? LinkKind::navigation : LinkKind::resource);
  if (link) result_.links.back().text = std::move(text);
}

std::string_view style_text(std::string_view html, std::size_t start_tag_end) {
  const std::string_view text = html.substr(std::min(start_tag_end, html.size()));
  for (std::size_t at = text.find("</"); at != std::string_view::npos;
       at = text.find("</", at + 2)) {
    const std::string_view rest = text.substr(at + 2);
    if (rest.size() < 6 || !net::iequals(rest.substr(0, 5), "style")) continue;
    const char after = rest[5];
    if (after == '\t' || after == '\n' || after == '\f' || after == '\r' || after == ' ' ||
        after == '/' || after == '>')
      return text.substr(0, at);
  }
  return text;
}

bool LinkCollector::reads_element(std::string_view name) noexcept {
  if (name == "base" || name == "link" || name == "meta" || name == "input") return true;
  for (const LinkAttributes& rule : kLinkElements) {
    if (rule.element == name) return true;
  }
  return false;
}

void LinkCollector::anchor(std::string_view id) {
  if (!id.empty()) result_.page.anchors.emplace_back(id);
}

void LinkCollector::element(std::string_view name, bool html, std::uint32_t line,
                            std::span<const HtmlAttribute> attributes, std::string text) {
  if (const HtmlAttribute* id = attribute(attributes, "id")) anchor(id->value);
  if (!html) return;
  if (const HtmlAttribute* style = attribute(attributes, "style"))
    css(style->value, line, name, "style");

  if (name == "base") {
    if (const HtmlAttribute* href = attribute(attributes, "href"); href && !has_base_) {
      has_base_ = true;
      base_href_ = href->value;
    }
    return;
  }
  if (name == "link") {
    const HtmlAttribute* href = attribute(attributes, "href");
    const HtmlAttribute* rel = attribute(attributes, "rel");
    if (!href || !rel) return;
    if (has_token(rel->value, "canonical")) {
      add(name, "href", href->value, line, LinkKind::canonical);
    } else if (const HtmlAttribute* lang = attribute(attributes, "hreflang");
               lang && has_token(rel->value, "alternate")) {
      add(name, "href", href->value, line, LinkKind::alternate);
      result_.links.back().hreflang = lang->value;
    } else {
      if (has_token(rel->value, "stylesheet")) {
        add(name, "href", href->value, line, LinkKind::stylesheet);
        return;
      }
      for (std::string_view type : kResourceRels) {
        if (has_token(rel->value, type)) {
          add(name, "href", href->value, line, LinkKind::resource);
          break;
        }
      }
    }
    return;
  }
  if (name == "meta") {
    const HtmlAttribute* content = attribute(attributes, "content");
    if (!content) return;
    if (const HtmlAttribute* equiv = attribute(attributes, "http-equiv");
        equiv && net::iequals(net::trim(equiv->value, kHtmlSpace), "refresh")) {
      std::string_view url;
      if (meta_refresh_url(content->value, url)) add(name, "content", url, line, LinkKind::refresh);
    } else if (const HtmlAttribute* meta_name = attribute(attributes, "name");
               meta_name && net::iequals(net::trim(meta_name->value, kHtmlSpace), "robots")) {
      std::string_view rest = content->value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view token = net::trim(rest.substr(0, comma), kHtmlSpace);
        const bool none = net::iequals(token, "none");
        if (none || net::iequals(token, "noindex")) result_.page.noindex = true;
        if (none || net::iequals(token, "nofollow")) result_.page.nofollow = true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    return;
  }
  if (name == "input") {
    // An image button loads its src; no other input type reads it.
    const HtmlAttribute* type = attribute(attributes, "type");
    const HtmlAttribute* src = attribute(attributes, "src");
    if (type && src && net::iequals(net::trim(type->value, kHtmlSpace), "image"))
      add(name, "src", src->value, line, LinkKind::resource);
    return;
  }
  if (name == "a") {
    if (const HtmlAttribute* anchor = attribute(attributes, "name");
        anchor && !anchor->value.empty())
      result_.page.anchors.emplace_back(anchor->value);
  }
  for (const LinkAttributes& rule : kLinkElements) {
    if (rule.element != name) continue;
    for (std::string_view attr : rule.attributes) {
      if (attr.empty()) continue;
      if (const HtmlAttribute* value = attribute(attributes, attr)) {
        add(name, attr, value->value, line, rule.kind);
        if (name == "a") result_.links.back().text = std::move(text);
        if (name == "area") {
          if (const HtmlAttribute* alt = attribute(attributes, "alt")) {
            LinkText area_text;
            area_text.append(alt->value);
            result_.links.back().text = area_text.take();
          }
        }
      }
    }
    if (rule.srcset) {
      if (const HtmlAttribute* srcset = attribute(attributes, "srcset")) {
        std::vector<std::string_view> urls;
        srcset_urls(srcset->value, urls);
        for (std::string_view url : urls) add(name, "srcset", url, line, rule.kind);
      }
    }
    return;
  }
}

ExtractResult LinkCollector::finish() && {
  // The document base URL is the first <base href>, wherever it is, resolved against the
  // page; links before it resolve against it too. An unusable one leaves the page URL.
  std::string& base = result_.page.base;
  base = page_url_;
  if (has_base_) {
    std::string buffer;
    const std::string_view href = url_for_parsing(base_href_, buffer);
    if (scheme_of(href) == LinkScheme::http) {
      if (net::UrlResult resolved = net::resolve_url(page_url_, href); resolved.ok())
        base = std::move(resolved.url);
    }
  }
  const LinkResolver resolver(base);
  if (written_.size() > 0xFFFFFFFFu) rt::fatal("LinkCollector: a page's links exceed 4 GiB");
  std::string buffer;
  auto storage = std::make_unique<LinkStorage>();
  std::string& resolved = storage->resolved;
  resolved.reserve(written_.size() + 48 * result_.links.size());  // about the base's origin more
  std::vector<Span> resolved_spans(result_.links.size());
  for (std::size_t i = 0; i < result_.links.size(); ++i) {
    Link& link = result_.links[i];
    const Span written = written_spans_[i];
    const std::string_view url =
        url_for_parsing(std::string_view(written_).substr(written.offset, written.size), buffer);
    link.scheme = scheme_of(url);
    if (link.scheme != LinkScheme::http) continue;
    const std::size_t start = resolved.size();
    if (!resolver.resolve_into(url, resolved, &link.normal)) {
      link.scheme = LinkScheme::invalid;
      continue;
    }
    if (resolved.size() > 0xFFFFFFFFu) rt::fatal("LinkCollector: a page's links exceed 4 GiB");
    resolved_spans[i] = Span{.offset = static_cast<std::uint32_t>(start),
                             .size = static_cast<std::uint32_t>(resolved.size() - start)};
    if (link.kind == LinkKind::canonical && !has_canonical_) {
      has_canonical_ = true;
      result_.page.canonical = resolved.substr(start);
    }
  }
  // The buffers stay where they are from now on (behind the pointer): the views are made last.
  storage->written = std::move(written_);
  for (std::size_t i = 0; i < result_.links.size(); ++i) {
    Link& link = result_.links[i];
    link.url =
        std::string_view(storage->written).substr(written_spans_[i].offset, written_spans_[i].size);
    if (resolved_spans[i].size != 0)
      link.resolved = std::string_view(storage->resolved)
                          .substr(resolved_spans[i].offset, resolved_spans[i].size);
  }
  if (!result_.links.empty()) result_.storage = std::move(storage);
  return std::move(result_);
}

}  // namespace siteaudit::audit
