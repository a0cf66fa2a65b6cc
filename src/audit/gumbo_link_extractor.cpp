// gumbo_link_extractor.cpp — the oracle LinkExtractor, on gumbo (the one gumbo user).
//
// Gumbo (libgumbo-dev) is Google's HTML5 parser, written to pass html5lib's tests and slower
// than MyHTML by an order of magnitude; the differential test and the fuzzer hold MyHTML's
// links to it. The tree is walked without recursion, as in the MyHTML extractor.
#include "audit/gumbo_link_extractor.hpp"

#include <gumbo.h>

#include <string>
#include <utility>
#include <vector>

#include "audit/link_collector.hpp"
#include "siteaudit/audit/line_counter.hpp"
#include "siteaudit/audit/link_extractor.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {
namespace {

const GumboVector* children_of(const GumboNode* node) {
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
    return &node->v.element.children;
  return nullptr;
}

// next_in_tree() is the node after `node` in tree order, not below `root`; children are
// skipped when `descend` is false.
const GumboNode* next_in_tree(const GumboNode* node, const GumboNode* root, bool descend) {
  if (descend) {
    const GumboVector* children = children_of(node);
    if (children != nullptr && children->length > 0)
      return static_cast<const GumboNode*>(children->data[0]);
  }
  while (node != nullptr && node != root) {
    const GumboNode* parent = node->parent;
    if (parent == nullptr) return nullptr;
    const GumboVector* siblings = children_of(parent);
    const unsigned next = static_cast<unsigned>(node->index_within_parent) + 1;
    if (next < siblings->length) return static_cast<const GumboNode*>(siblings->data[next]);
    node = parent;
  }
  return nullptr;
}

bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

std::string_view tag_name(const GumboNode* node) {
  const char* name = gumbo_normalized_tagname(node->v.element.tag);
  return name ? std::string_view(name) : std::string_view();
}

// element_name() is tag_name(), or for an element gumbo does not know (GUMBO_TAG_UNKNOWN,
// whose normalized name is empty) the name as the standard's tokenizer makes it and MyHTML
// reports it: from the start tag's text, ASCII lower-cased, a NUL as U+FFFD. Such an element
// gives a link under its name when it has a style attribute, or is an SVG use.
std::string_view element_name(const GumboNode* node, std::string& buffer) {
  if (node->v.element.tag != GUMBO_TAG_UNKNOWN) return tag_name(node);
  GumboStringPiece piece = node->v.element.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  // After a dropped `</>` gumbo's original text starts with it: the start tag is at the first
  // '<' that a letter follows.
  const std::string_view text(piece.data, piece.length);
  std::size_t open = 0;
  while (open + 1 < text.size() && !(text[open] == '<' && net::is_letter(text[open + 1]))) ++open;
  if (open + 1 >= text.size()) return {};
  piece.data += open;
  piece.length -= open;
  gumbo_tag_from_original_text(&piece);
  buffer.clear();
  for (std::size_t i = 0; i < piece.length; ++i) {
    const char c = piece.data[i];
    if (c == '\0') {
      buffer += "\xEF\xBF\xBD";
    } else {
      buffer += net::to_lower(c);
    }
  }
  return buffer;
}

// text_of() is the link text of the element `link`.
std::string text_of(const GumboNode* link) {
  LinkText text;
  const GumboNode* node = next_in_tree(link, link, true);
  if (node == link) node = nullptr;
  while (node != nullptr && !text.full()) {
    bool descend = true;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
        node->type == GUMBO_NODE_CDATA) {
      text.append(node->v.text.text);
    } else if (is_element(node)) {
      descend = !LinkCollector::skips_text(tag_name(node));
      if (node->v.element.tag == GUMBO_TAG_IMG &&
          node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
        if (const GumboAttribute* alt = gumbo_get_attribute(&node->v.element.attributes, "alt"))
          text.image_alt(alt->value);
      }
    }
    node = next_in_tree(node, link, descend);
  }
  return text.take();
}

class GumboLinkExtractor final : public LinkExtractor {
 public:
  std::string_view name() const noexcept override { return "gumbo"; }

  ExtractResult extract(std::string_view page, std::string_view page_url) override {
    const std::string_view html = input_stream(page, input_);
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;  // the parse errors are not needed; recording them costs time
    GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
    LinkCollector links(page_url);
    LineCounter lines(html);
    const GumboNode* root = output->document;
    for (const GumboNode* node = next_in_tree(root, root, true); node != nullptr;) {
      bool descend = true;
      if (is_element(node)) {
        const GumboElement& element = node->v.element;
        const bool html_ns = element.tag_namespace == GUMBO_NAMESPACE_HTML;
        const std::string_view tag = element_name(node, name_);
        attributes_.clear();
        for (unsigned i = 0; i < element.attributes.length; ++i) {
          const auto* a = static_cast<const GumboAttribute*>(element.attributes.data[i]);
          attributes_.push_back(
              {a->name, a->value, a->attr_namespace == GUMBO_ATTR_NAMESPACE_XLINK});
        }
        if (html_ns && element.tag == GUMBO_TAG_STYLE) read_style(node, html, lines, links);
        const auto line = lines.at(static_cast<std::ptrdiff_t>(element.start_pos.offset)).first;
        std::string text;
        if (LinkCollector::wants_text(tag, html_ns)) text = text_of(node);
        if (element.tag_namespace == GUMBO_NAMESPACE_SVG && LinkCollector::is_svg_link(tag)) {
          links.svg_element(tag, line, attributes_, tag == "a" ? text_of(node) : std::string());
        } else {
          links.element(tag, html_ns, line, attributes_, std::move(text));
        }
        descend = node->type != GUMBO_NODE_TEMPLATE;
      }
      node = next_in_tree(node, root, descend);
    }
    ExtractResult result = std::move(links).finish();
    gumbo_destroy_output(&options, output);
    return result;
  }

 private:
  // read_style() gives the text of the <style> element `style` to the collector, with the
  // line it starts on.
  static void read_style(const GumboNode* style, std::string_view html, LineCounter& lines,
                         LinkCollector& links) {
    const GumboStringPiece& tag = style->v.element.original_tag;
    if (tag.data == nullptr) return;
    const auto end = static_cast<std::size_t>(tag.data - html.data()) + tag.length;
    const std::string_view css = style_text(html, end);
    if (css.empty()) return;
    links.style(css, lines.at(static_cast<std::ptrdiff_t>(end)).first);
  }

  std::vector<HtmlAttribute> attributes_;
  std::string name_;   // an unknown element's name (element_name())
  std::string input_;  // the page after input_stream(), when it had to change
};

}  // namespace

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// has_tag() is true when `html` has a start tag named `name` (lower case; any case in `html`).
bool has_tag(std::string_view html, std::string_view name) {
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    std::size_t i = at + 1;
    std::size_t k = 0;
    while (k < name.size() && i < html.size() && net::to_lower(html[i]) == name[k]) ++i, ++k;
    if (k == name.size() &&
        (i == html.size() || is_space(html[i]) || html[i] == '/' || html[i] == '>'))
      return true;
  }
  return false;
}

// has_odd_end_tag() is true when an end tag of `html` has no name (`</>`), or has more than
// its name (`</svg/>`, `</math >`): the standard drops the first and reads the others as the
// bare end tag, while gumbo loses its place in SVG and MathML after any of them.
bool has_odd_end_tag(std::string_view html) {
  for (std::size_t at = html.find("</"); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    std::size_t i = at + 2;
    if (i < html.size() && html[i] == '>') return true;
    if (i >= html.size() || !net::is_letter(html[i])) continue;
    while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>') ++i;
    if (i < html.size() && html[i] != '>') return true;
  }
  return false;
}

// repeats_attribute() is true when the start tag at `html[at]` (just after its '<') names an
// attribute twice. It follows the standard's tokenizer states for a tag's attributes, so its
// names are the ones both parsers see; a tag cut by the end of input stops the scan.
bool repeats_attribute(std::string_view html, std::size_t at, std::vector<std::string>& names) {
  names.clear();
  std::size_t i = at;
  while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>') ++i;
  while (i < html.size()) {
    while (i < html.size() && (is_space(html[i]) || html[i] == '/')) ++i;
    if (i >= html.size() || html[i] == '>') return false;
    std::string name(1, net::to_lower(html[i++]));  // a leading '=' belongs to the name
    while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>' &&
           html[i] != '=')
      name += net::to_lower(html[i++]);
    for (const auto& seen : names)
      if (seen == name) return true;
    names.push_back(std::move(name));
    while (i < html.size() && is_space(html[i])) ++i;
    if (i >= html.size() || html[i] != '=') continue;
    ++i;
    while (i < html.size() && is_space(html[i])) ++i;
    if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
      const std::size_t close = html.find(html[i], i + 1);
      if (close == std::string_view::npos) return false;
      i = close + 1;
    } else {
      while (i < html.size() && !is_space(html[i]) && html[i] != '>') ++i;
    }
  }
  return false;
}

// has_noncharacter() is true when UTF-8 `html` holds a noncharacter (U+FDD0-FDEF, or the
// last two code points of a plane: U+FFFE, U+1FFFF, ...). Gumbo replaces each by U+FFFD; the
// standard keeps them (a parse error only), as MyHTML does, so a link that holds one is
// another URL for gumbo.
bool has_noncharacter(std::string_view html) {
  for (std::size_t i = 0; i + 2 < html.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(html[i]);
    const auto b1 = static_cast<unsigned char>(html[i + 1]);
    const auto b2 = static_cast<unsigned char>(html[i + 2]);
    if (b0 == 0xEF &&
        ((b1 == 0xB7 && b2 >= 0x90 && b2 <= 0xAF) || (b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))) {
      return true;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4 && i + 3 < html.size() && (b1 & 0x0F) == 0x0F && b2 == 0xBF) {
      const auto b3 = static_cast<unsigned char>(html[i + 3]);
      if (b3 == 0xBE || b3 == 0xBF) return true;
    }
  }
  return false;
}

}  // namespace

bool gumbo_misreads(std::string_view page) {
  // Judged on what both parsers read: two attribute names of different invalid bytes are the
  // same name of U+FFFDs there.
  std::string buffer;
  const std::string_view html = input_stream(page, buffer);
  if (html.find('\0') != std::string_view::npos || has_noncharacter(html)) return true;
  if (has_odd_end_tag(html) && (has_tag(html, "svg") || has_tag(html, "math"))) return true;
  std::vector<std::string> names;
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1))
    if (at + 1 < html.size() && net::is_letter(html[at + 1]) &&
        repeats_attribute(html, at + 1, names))
      return true;
  std::string name;
  for (std::size_t at = html.find("</"); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    std::size_t i = at + 2;
    if (i >= html.size() || !net::is_letter(html[i])) continue;
    name.clear();
    for (; i < html.size(); ++i) {
      const char c = html[i];
      if (is_space(c) || c == '/' || c == '>') break;
      name += net::to_lower(c);
    }
    if (gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size())) == GUMBO_TAG_UNKNOWN)
      return true;
  }
  return false;
}

std::unique_ptr<LinkExtractor> make_gumbo_link_extractor() {
  return std::make_unique<GumboLinkExtractor>();
}

}  // namespace siteaudit::audit
