// sitemap_parser.cpp — the one file that includes pugixml.
//
// pugixml builds a DOM, and keeps the partial tree of a damaged document, which is how entries
// before a truncation survive. A <urlset> or <sitemapindex> larger than a window is parsed in
// windows of complete children (see WindowScanner and Parser::run), so the DOM held at once
// does not grow with the document. Namespaces are matched by prefix: an element is ours when
// its prefix is empty or the root element's (so `<sm:urlset><sm:url>` works), and extension
// elements (image:loc, xhtml:link) never are.
#include "siteaudit/audit/sitemap_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <pugixml.hpp>
#include <unordered_set>

#include "siteaudit/audit/line_counter.hpp"
#include "siteaudit/audit/sitemap_lint.hpp"
#include "siteaudit/audit/utf8.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {

namespace {

std::string_view local_name(std::string_view qname) {
  auto colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view prefix_of(std::string_view qname) {
  auto colon = qname.rfind(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// reference_at() decodes the character or entity reference at the start of `text` ("&amp;",
// "&#38;", "&#x26;") into `out` and returns its length, or 0 when it is not a known, well-formed
// one (it is then kept as written, as pugixml keeps it).
std::size_t reference_at(std::string_view text, std::string& out) {
  const std::size_t semi = text.find(';', 1);
  if (semi == std::string_view::npos || semi > 12) return 0;
  const std::string_view name = text.substr(1, semi - 1);
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out += c;
      return semi + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  const bool hex = name[1] == 'x';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  std::uint32_t cp = 0;
  for (char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    if (cp > 0x10FFFF) return 0;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  append_utf8(out, static_cast<char32_t>(cp));
  return semi + 1;
}

// as_written() is how a reference that is none begins, for a message: up to its ';', at most
// ten characters more, and only ASCII ones.
std::string as_written(std::string_view text) {
  std::size_t end = 1;
  while (end < text.size() && end <= 10 && text[end - 1] != ';' &&
         static_cast<unsigned char>(text[end]) > 0x20 &&
         static_cast<unsigned char>(text[end]) < 0x80)
    ++end;
  return std::string(text.substr(0, end));
}

// append_decoded() appends character data with its references decoded. pugixml's own decoding
// (parse_escapes) is off: it writes &#0; as a NUL into its zero-terminated strings, which would
// cut "https://a/x&#0;y" to "https://a/x", a different URL that would then be requested. Here
// the NUL stays in the text, and the lint reports it. A '&' that starts no reference is kept
// as written, and the first one is put in `bare` ("&b=2", "&nbsp;"), which the lint reports.
void append_decoded(std::string& out, std::string_view text, std::string* bare = nullptr) {
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    out.append(text.substr(0, amp));
    if (amp == std::string_view::npos) return;
    text.remove_prefix(amp);
    std::size_t used = reference_at(text, out);
    if (used == 0) {
      if (bare != nullptr && bare->empty()) *bare = as_written(text);
      out += '&';
      used = 1;
    }
    text.remove_prefix(used);
  }
}

std::string decoded(std::string_view text, std::string* bare = nullptr) {
  std::string out;
  append_decoded(out, text, bare);
  return out;
}

// text_of() concatenates the character data of an element (pcdata and CDATA pieces; a comment
// may split them). Parsed with parse_embed_pcdata, the first pcdata piece is the element's own
// value rather than a child node.
std::string text_of(pugi::xml_node element, std::string* bare = nullptr) {
  std::string out = decoded(element.value(), bare);
  for (pugi::xml_node c : element.children()) {
    if (c.type() == pugi::node_pcdata) append_decoded(out, c.value(), bare);
    if (c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

// start_tag_end() is the offset of the '>' that ends the start tag whose name begins at
// `from`, skipping '>' inside quoted attribute values; npos when the text ends first or a '<'
// outside quotes shows the tag is not well-formed.
std::size_t start_tag_end(std::string_view bytes, std::size_t from) {
  char quote = 0;
  for (std::size_t i = from; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    } else if (c == '<') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Damage describes a document pugixml could not parse to its end. The elements still open at
// the error are exactly those on the tree's rightmost path whose end tag was never consumed;
// their content is incomplete (a <loc> cut to "/page_"), so they must not be reported.
// `bytes` is the whole document and offsets are in it; the tree may be of the document's last
// window, whose node at `offset` is at `offset + shift` in the document, and which begins at
// `window_start` (its copy of the root's start tag holds no '<' but the first, so starting the
// search there instead finds the same end tags).
class Damage {
 public:
  Damage(pugi::xml_document& doc, std::string_view bytes, std::size_t error_offset,
         std::ptrdiff_t shift, std::size_t window_start) {
    std::vector<pugi::xml_node> chain;
    pugi::xml_node deepest = doc;
    for (pugi::xml_node n = doc.last_child(); n; n = n.last_child()) {
      deepest = n;
      if (n.type() == pugi::node_element) chain.push_back(n);
    }
    // Walk the chain from the innermost element outwards, looking for each one's end tag after
    // the last thing parsed. Once one is open, all its ancestors are open too.
    std::size_t cursor = window_start;
    bool in_document = false;  // deepest's start tag is the document's, not the window's copy
    if (const std::ptrdiff_t at = deepest.offset_debug(); at >= 0) {
      if (at + shift >= static_cast<std::ptrdiff_t>(window_start)) {
        cursor = static_cast<std::size_t>(at + shift);
        in_document = true;
      } else if (*deepest.value() != 0) {
        // The window's copy of the root keeps the text before its first child as its own
        // value (parse_embed_pcdata), where the whole document has a text node after the
        // previous child: start where that text starts, as the whole document's parse would.
        const char* buffer = deepest.name() - at;
        cursor = std::max(cursor, static_cast<std::size_t>(deepest.value() - buffer + shift));
      }
    }
    std::size_t limit = std::min(error_offset + 1, bytes.size());
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      // An empty element written `<xhtml:link .../>` has no end tag: it is closed by its own
      // start tag (only the innermost one can be, having no children).
      std::size_t end = *it == deepest && in_document ? self_closed_end(bytes, cursor, limit)
                                                      : std::string_view::npos;
      if (end == std::string_view::npos) end = find_end_tag(bytes, it->name(), cursor, limit);
      if (end == std::string_view::npos) {
        for (auto open = chain.begin(); open != it.base(); ++open) {
          open_.insert(open->internal_object());
        }
        innermost_open_ = *it;
        break;
      }
      cursor = end;
    }
  }

  // is_open() is asked for every entry: a set, since a truncated document may leave
  // thousands of elements open (a list scan made that quadratic).
  bool is_open(pugi::xml_node node) const { return open_.contains(node.internal_object()); }
  pugi::xml_node innermost_open() const { return innermost_open_; }

 private:
  // self_closed_end() is the offset past the start tag at `from` (an element's name) when it
  // ends in "/>" before `limit`, else npos.
  static std::size_t self_closed_end(std::string_view bytes, std::size_t from, std::size_t limit) {
    const std::size_t gt = start_tag_end(bytes.substr(0, limit), from);
    return gt != std::string_view::npos && gt > from && bytes[gt - 1] == '/'
               ? gt + 1
               : std::string_view::npos;
  }

  static std::size_t find_end_tag(std::string_view bytes, std::string_view name, std::size_t from,
                                  std::size_t limit) {
    std::string needle = "</" + std::string(name);
    while (from < limit) {
      auto at = bytes.substr(0, limit).find(needle, from);
      if (at == std::string_view::npos) return at;
      std::size_t after = at + needle.size();
      if (after < bytes.size() &&
          (bytes[after] == '>' || bytes[after] == ' ' || bytes[after] == '\t' ||
           bytes[after] == '\r' || bytes[after] == '\n')) {
        return after;
      }
      from = after;
    }
    return std::string_view::npos;
  }

  std::unordered_set<const pugi::xml_node_struct*> open_;
  pugi::xml_node innermost_open_;
};

// parse_embed_pcdata keeps an element's text in the element's node instead of a child node of
// its own: 64 bytes less per <loc> and per <lastmod>, a third or more of the DOM of a sitemap
// (20,000 <url><loc> entries: 40,000 nodes instead of 60,000). References are decoded by
// append_decoded(), not by pugixml (see there).
constexpr unsigned kParseOptions =
    (pugi::parse_default & ~pugi::parse_escapes) | pugi::parse_embed_pcdata;

// WindowScanner finds where a large list document can be cut: after the end of a child of
// the root element. It knows only as much XML as it needs to skip (comments, CDATA, processing
// instructions, quoted attribute values, a DOCTYPE before the root) and never decides
// anything on its own: Parser::run() parses each window with pugixml, and a window that does
// not parse ends the windowing (the rest is parsed in one piece), so a place it misjudged
// costs memory, never a different result.
class WindowScanner {
 public:
  explicit WindowScanner(std::string_view bytes) : bytes_(bytes) {}

  // find_root() reads the prolog up to the root element's start tag. False when there is no
  // root start tag it can read, or the root is empty (`<urlset/>`).
  bool find_root() {
    std::size_t pos = 0;
    while (true) {
      pos = bytes_.find('<', pos);
      if (pos == npos) return false;
      std::string_view rest = bytes_.substr(pos);
      if (rest.starts_with("<?")) {
        pos = after(pos + 2, "?>");
      } else if (rest.starts_with("<!--")) {
        pos = after(pos + 4, "-->");
      } else if (rest.starts_with("<!DOCTYPE")) {
        pos = after_doctype(pos);
      } else if (rest.starts_with("<!") || rest.starts_with("</")) {
        return false;
      } else {
        break;
      }
      if (pos == npos) return false;
    }
    root_start_ = pos;
    std::size_t name_end = pos + 1;
    while (name_end < bytes_.size() && !is_space(bytes_[name_end]) && bytes_[name_end] != '/' &&
           bytes_[name_end] != '>') {
      ++name_end;
    }
    root_name_ = bytes_.substr(pos + 1, name_end - pos - 1);
    const std::size_t gt = start_tag_end(bytes_, name_end);
    if (gt == npos || root_name_.empty() || bytes_[gt - 1] == '/') return false;
    pos_ = root_end_ = gt + 1;
    return true;
  }

  // next_cut() returns the offset just after the first child of the root that ends at or
  // after `target`, or npos when the root's content ends first (its end tag, the end of the
  // input, or markup the scanner does not skip).
  std::size_t next_cut(std::size_t target) {
    while (true) {
      const std::size_t lt = bytes_.find('<', pos_);
      if (lt == npos) return npos;
      std::string_view rest = bytes_.substr(lt);
      std::size_t next = npos;
      bool closed_child = false;
      if (rest.starts_with("<!--")) {
        next = after(lt + 4, "-->");
      } else if (rest.starts_with("<![CDATA[")) {
        next = after(lt + 9, "]]>");
      } else if (rest.starts_with("<?")) {
        next = after(lt + 2, "?>");
      } else if (rest.starts_with("<!")) {
        return npos;
      } else if (rest.starts_with("</")) {
        if (depth_ == 0) return npos;  // the root's end tag
        const std::size_t gt = bytes_.find('>', lt);
        if (gt != npos) next = gt + 1;
        closed_child = --depth_ == 0;
      } else {
        const std::size_t gt = start_tag_end(bytes_, lt + 1);
        if (gt != npos) {
          next = gt + 1;
          if (bytes_[gt - 1] == '/') {
            closed_child = depth_ == 0;
          } else {
            ++depth_;
          }
        }
      }
      if (next == npos) return npos;
      pos_ = next;
      if (closed_child && pos_ >= target) return pos_;
    }
  }

  std::size_t root_start() const noexcept { return root_start_; }
  // root_tag() is the root's start tag as written: the head of every window after the first.
  std::string_view root_tag() const { return bytes_.substr(root_start_, root_end_ - root_start_); }
  std::string_view root_name() const noexcept { return root_name_; }

  static constexpr std::size_t npos = std::string_view::npos;

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  // after() is the offset just past the first `end` at or after `from`, or npos.
  std::size_t after(std::size_t from, std::string_view end) const {
    const std::size_t at = bytes_.find(end, from);
    return at == npos ? npos : at + end.size();
  }

  // after_doctype() skips <!DOCTYPE ...>, with its internal subset in brackets.
  std::size_t after_doctype(std::size_t from) const {
    char quote = 0;
    int brackets = 0;
    for (std::size_t i = from + 9; i < bytes_.size(); ++i) {
      const char c = bytes_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '>' && brackets <= 0) {
        return i + 1;
      }
    }
    return npos;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::size_t root_start_ = 0;
  std::size_t root_end_ = 0;  // just past the root's start tag
  std::string_view root_name_;
  int depth_ = 0;  // open children of the root
};

// is_list() is true for the roots whose children are the document's entries, the roots a large
// document is parsed in windows of.
bool is_list(std::string_view root_name) {
  return root_name == "urlset" || root_name == "sitemapindex";
}

class Parser {
 public:
  Parser(std::string_view bytes, std::string_view url, const EntryCallback& on_url,
         const Cancellation& cancel, std::size_t window_bytes, const WindowCallback& on_window)
      : bytes_(bytes),
        url_(url),
        on_url_(on_url),
        cancel_(cancel),
        on_window_(on_window),
        window_bytes_(std::max<std::size_t>(window_bytes, 1)),
        lines_(bytes),
        lint_(url) {}

  // run() parses windows of complete children while the scanner finds a place to cut and
  // each window parses, then the rest of the document in one piece. Each window is the
  // root's start tag, the children and a made-up end tag for the root; it parses only when
  // pugixml was, at the cut, in the root's content with nothing else open (any other state
  // fails on the made-up end tag or the end of the input), so it starts each window in the
  // same state as the whole document's parse would be there. Whatever a whole-document parse
  // would report (entries, lines, findings, the error and its place) is reported the same.
  SitemapDocument run() {
    WindowScanner scanner(bytes_);
    const bool windowed = window_bytes_ < bytes_.size() && scanner.find_root() &&
                          is_list(local_name(scanner.root_name())) &&
                          scanner.root_tag().find('<', 1) == std::string_view::npos;
    std::size_t start = 0;
    // After a cancellation the walks report nothing more, but the windows are still parsed,
    // as the whole document would have been, so that a damaged document says where.
    while (windowed) {
      const std::size_t target =
          window_bytes_ >= bytes_.size() - start ? bytes_.size() : start + window_bytes_;
      const std::size_t cut = scanner.next_cut(target);
      if (cut == WindowScanner::npos || !parse_window(scanner, start, cut)) break;
      start = cut;
      if (on_window_) on_window_(start);
    }
    parse_rest(scanner, start);
    return finish();
  }

 private:
  // parse_window() parses and walks the complete children in [start, cut); false, with
  // nothing reported, when that piece does not parse as such.
  bool parse_window(const WindowScanner& scanner, std::size_t start, std::size_t cut) {
    buffer_.clear();
    if (start > 0) buffer_ += scanner.root_tag();
    buffer_ += bytes_.substr(start, cut - start);
    buffer_ += "</";
    buffer_ += scanner.root_name();
    buffer_ += '>';
    pugi::xml_document doc;
    const pugi::xml_parse_result result =
        doc.load_buffer_inplace(buffer_.data(), buffer_.size(), kParseOptions,
                                start == 0 ? pugi::encoding_auto : pugi::encoding_utf8);
    const pugi::xml_node root = doc.document_element();
    // Another encoding (UTF-16, or Latin-1 by its declaration) is converted by pugixml, and
    // a made-up end tag in UTF-8 would not be one: such a document is parsed whole. pugixml
    // places an element at its name, one past the '<'.
    if (!result || result.encoding != pugi::encoding_utf8 || !root ||
        std::string_view(root.name()) != scanner.root_name() ||
        (start == 0 &&
         root.offset_debug() != static_cast<std::ptrdiff_t>(scanner.root_start()) + 1)) {
      return false;
    }
    enter_window(start, start == 0 ? 0 : scanner.root_tag().size());
    if (start == 0) classify(root);
    walk(root);
    return true;
  }

  // parse_rest() parses the document from `start` to its end in one piece: all of it when
  // it was not windowed, else its last window, or the rest from a window that did not parse.
  void parse_rest(const WindowScanner& scanner, std::size_t start) {
    pugi::xml_document doc;
    pugi::xml_parse_result result;
    if (start == 0) {
      result = doc.load_buffer(bytes_.data(), bytes_.size(), kParseOptions, pugi::encoding_auto);
      enter_window(0, 0);
      check_encoding(result.encoding);
    } else {
      // Copied by pugixml, as the whole document would be: parsing in place, pugixml takes
      // the last byte away to stop on, which changes where a truncated document stops.
      buffer_.assign(scanner.root_tag());
      buffer_ += bytes_.substr(start);
      result = doc.load_buffer(buffer_.data(), buffer_.size(), kParseOptions, pugi::encoding_utf8);
      enter_window(start, scanner.root_tag().size());
    }
    if (!result) {
      const auto at =
          static_cast<std::size_t>(std::max<std::ptrdiff_t>(document_offset(result.offset), 0));
      damage_.emplace(doc, bytes_, at, shift_, start);
    }
    pugi::xml_node root = doc.document_element();
    if (!root) {
      out_.error = location(result ? 0 : document_offset(result.offset)) +
                   (result ? "no root element" : describe(result));
    } else if (start == 0 && !classify(root)) {
      out_.error = location(document_offset(root.offset_debug())) +
                   fmt::format("expected <urlset>, <sitemapindex>, <rss> or <feed>, found <{}>",
                               root.name());
    } else {
      walk(root);
      if (!result) out_.error = location(error_offset(result)) + describe(result);
    }
    damage_.reset();
    std::string().swap(buffer_);
  }

  // enter_window() says where the window to be parsed begins in the document and how long
  // its copy of the root's start tag is: offsets in the window become document offsets.
  void enter_window(std::size_t start, std::size_t head) {
    window_start_ = start;
    shift_ = static_cast<std::ptrdiff_t>(start) - static_cast<std::ptrdiff_t>(head);
  }

  // document_offset() is a window offset in the document (the copy of the root's start tag
  // counts as the window's start; a negative "unknown" stays negative).
  std::ptrdiff_t document_offset(std::ptrdiff_t offset) const {
    if (offset < 0) return offset;
    return std::max(offset + shift_, static_cast<std::ptrdiff_t>(window_start_));
  }

  // classify() takes the document's kind from its root element; false for an unknown root.
  bool classify(pugi::xml_node root) {
    ns_prefix_ = prefix_of(root.name());
    const std::string_view name = local_name(root.name());
    if (name == "urlset") {
      out_.kind = SourceKind::urlset;
    } else if (name == "sitemapindex") {
      out_.kind = SourceKind::sitemap_index;
    } else if (name == "rss" || name == "RDF") {
      out_.kind = SourceKind::rss;
    } else if (name == "feed") {
      out_.kind = SourceKind::atom;
    } else {
      return false;
    }
    return true;
  }

  // walk() reports the entries under `root` (the document's, or a window's copy of it).
  void walk(pugi::xml_node root) {
    switch (out_.kind) {
      case SourceKind::urlset:
        walk_urlset(root);
        break;
      case SourceKind::sitemap_index:
        walk_index(root);
        break;
      case SourceKind::rss:
        if (local_name(root.name()) == "RDF") {
          // RSS 1.0: <item>s are siblings of <channel> under rdf:RDF, in the RSS 1.0 namespace.
          walk_items(root);
        } else {
          for (pugi::xml_node channel : root.children()) {
            if (is_ours(channel, "channel")) walk_items(channel);
          }
        }
        break;
      case SourceKind::atom:
        walk_atom(root);
        break;
      default:
        break;
    }
  }

 private:
  // is_ours() is true for an element named `name` in the document's own namespace.
  bool is_ours(pugi::xml_node node, std::string_view name) const {
    if (node.type() != pugi::node_element) return false;
    std::string_view qname = node.name();
    if (local_name(qname) != name) return false;
    std::string_view prefix = prefix_of(qname);
    return prefix.empty() || prefix == ns_prefix_;
  }

  bool is_complete(pugi::xml_node node) const { return !damage_ || !damage_->is_open(node); }

  // keep_going() is asked before each element of a list: false once the run was cancelled and
  // the grace after it is spent (see Cancellation).
  bool keep_going(pugi::xml_node next) {
    if (out_.cancelled) return false;
    if (!cancelled_) {
      if (!cancel_.is_cancelled || !cancel_.is_cancelled()) return true;
      cancelled_ = true;
    }
    if (grace_used_ < cancel_.grace) {
      ++grace_used_;
      return true;
    }
    out_.cancelled = true;
    out_.cancelled_line = line_of(next);
    return false;
  }

  std::uint32_t line_of(pugi::xml_node node) {
    return lines_.at(document_offset(node.offset_debug())).first;
  }

  pugi::xml_node child(pugi::xml_node parent, std::string_view name) const {
    for (pugi::xml_node c : parent.children()) {
      if (is_ours(c, name)) return c;
    }
    return {};
  }

  void walk_urlset(pugi::xml_node root) {
    for (pugi::xml_node url : root.children()) {
      if (url.type() != pugi::node_element) continue;
      if (!is_complete(url) || !keep_going(url)) break;
      if (!is_ours(url, "url")) {
        unexpected(url, "url");
        continue;
      }
      SitemapEntry entry;
      if (!read_loc(url, "url", entry)) continue;
      pugi::xml_node lastmod = child(url, "lastmod");
      entry.lastmod = std::string(trim(text_of(lastmod)));
      lint_.check_lastmod(entry.lastmod, line_of(lastmod));
      pugi::xml_node changefreq = child(url, "changefreq");
      lint_.check_changefreq(trim(text_of(changefreq)), line_of(changefreq));
      pugi::xml_node priority = child(url, "priority");
      lint_.check_priority(trim(text_of(priority)), line_of(priority));
      deliver(std::move(entry));
    }
  }

  void walk_index(pugi::xml_node root) {
    for (pugi::xml_node sitemap : root.children()) {
      if (sitemap.type() != pugi::node_element) continue;
      if (!is_complete(sitemap) || !keep_going(sitemap)) break;
      if (!is_ours(sitemap, "sitemap")) {
        unexpected(sitemap, "sitemap");
        continue;
      }
      SitemapEntry entry;
      if (!read_loc(sitemap, "sitemap", entry)) continue;
      pugi::xml_node lastmod = child(sitemap, "lastmod");
      entry.lastmod = std::string(trim(text_of(lastmod)));
      lint_.check_lastmod(entry.lastmod, line_of(lastmod));
      out_.children.push_back(std::move(entry));
      ++out_.entries;
    }
  }

  void walk_items(pugi::xml_node parent) {
    for (pugi::xml_node item : parent.children()) {
      if (!is_ours(item, "item")) continue;
      if (!is_complete(item) || !keep_going(item)) break;
      pugi::xml_node link = child(item, "link");
      if (!link) {
        lint_.add(FindingCode::missing_link, "<item> without <link>", line_of(item));
        continue;
      }
      SitemapEntry entry;
      std::string bare;
      entry.loc = std::string(trim(text_of(link, &bare)));
      entry.line = line_of(link);
      check_references(bare, entry);
      entry.url = lint_.check_loc(entry.loc, entry.line);
      if (!entry.url.empty()) deliver(std::move(entry));
    }
  }

  void walk_atom(pugi::xml_node feed) {
    for (pugi::xml_node item : feed.children()) {
      if (!is_ours(item, "entry")) continue;
      if (!is_complete(item) || !keep_going(item)) break;
      // Atom 1.0: a link without rel is rel="alternate" (RFC 4287 §4.2.7.2), the entry's page;
      // "self", "edit", "enclosure" links are not pages. Atom 0.3 always spells rel out.
      pugi::xml_node page;
      for (pugi::xml_node link : item.children()) {
        if (!is_ours(link, "link")) continue;
        pugi::xml_attribute rel = link.attribute("rel");
        if (!rel) {
          page = link;
          break;
        }
        if (!page && decoded(rel.value()) == "alternate") page = link;
      }
      if (!page) {
        lint_.add(FindingCode::missing_link, "<entry> without an alternate <link>", line_of(item));
        continue;
      }
      SitemapEntry entry;
      std::string bare;
      entry.loc = std::string(trim(decoded(page.attribute("href").value(), &bare)));
      entry.line = line_of(page);
      check_references(bare, entry);
      entry.url = lint_.check_loc(entry.loc, entry.line);
      if (!entry.url.empty()) deliver(std::move(entry));
    }
  }

  bool read_loc(pugi::xml_node parent, std::string_view parent_name, SitemapEntry& entry) {
    pugi::xml_node loc = child(parent, "loc");
    if (!loc) {
      lint_.add(FindingCode::missing_loc, fmt::format("<{}> without <loc>", parent_name),
                line_of(parent));
      return false;
    }
    std::string bare;
    entry.loc = std::string(trim(text_of(loc, &bare)));
    entry.line = line_of(loc);
    check_references(bare, entry);
    entry.url = parent_name == "sitemap" ? lint_.check_sitemap_loc(entry.loc, entry.line)
                                         : lint_.check_loc(entry.loc, entry.line);
    return !entry.url.empty();
  }

  // check_encoding() reports a document pugixml read in another encoding than UTF-8: by its
  // declaration (ISO-8859-1), or by its byte order mark or first bytes (UTF-16, UTF-32).
  void check_encoding(pugi::xml_encoding encoding) {
    std::string_view name;
    switch (encoding) {
      case pugi::encoding_latin1:
        name = "ISO-8859-1";
        break;
      case pugi::encoding_utf16_le:
      case pugi::encoding_utf16_be:
        name = "UTF-16";
        break;
      case pugi::encoding_utf32_le:
      case pugi::encoding_utf32_be:
        name = "UTF-32";
        break;
      default:
        return;
    }
    lint_.add(
        FindingCode::not_utf8,
        fmt::format("the sitemap is in {}; sitemaps.org requires UTF-8 (read as {})", name, name),
        1);
  }

  // check_references() reports the '&' of a listed URL that starts no reference (`bare`, from
  // text_of()). pugixml, like a browser, keeps it as written; search engines' parsers are
  // strict XML ones and may reject the whole sitemap.
  void check_references(std::string_view bare, const SitemapEntry& entry) {
    if (bare.empty()) return;
    lint_.add(FindingCode::unescaped_ampersand,
              bare.ends_with(';')
                  ? fmt::format("{} in {} is an entity XML does not define (only &amp; &lt; &gt; "
                                "&quot; &apos; and numeric references; siteaudit expands no DTD); "
                                "read as written",
                                bare, entry.loc)
                  : fmt::format("a bare '&' in {} ({}): write it as &amp; (a sitemap that is "
                                "not well-formed XML may be rejected whole); read as written",
                                entry.loc, bare),
              entry.line);
  }

  void unexpected(pugi::xml_node node, std::string_view expected) {
    lint_.add(FindingCode::unexpected_element,
              fmt::format("expected <{}>, found <{}> (ignored)", expected, node.name()),
              line_of(node));
  }

  void deliver(SitemapEntry&& entry) {
    ++out_.entries;
    on_url_(std::move(entry));
  }

  // location() names the place of document offset `offset` ("URL:line:col: ").
  std::string location(std::ptrdiff_t offset) {
    auto [line, col] = lines_.at(offset);
    return fmt::format("{}:{}:{}: ", url_, line, col);
  }

  // at_end() is true when pugixml stopped because the input ran out; it then points at the
  // last byte, not past it.
  bool at_end(const pugi::xml_parse_result& result) const {
    return result.offset < 0 ||
           static_cast<std::size_t>(document_offset(result.offset)) + 1 >= bytes_.size();
  }

  // error_offset() is where to point the user, in the document: the end of the input when it
  // ran out.
  std::ptrdiff_t error_offset(const pugi::xml_parse_result& result) const {
    return at_end(result) ? static_cast<std::ptrdiff_t>(bytes_.size())
                          : document_offset(result.offset);
  }

  std::string describe(const pugi::xml_parse_result& result) const {
    const auto offset =
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(document_offset(result.offset), 0));
    pugi::xml_node open = damage_ ? damage_->innermost_open() : pugi::xml_node();
    if (result.status == pugi::status_end_element_mismatch) {
      if (at_end(result) && open) {
        return fmt::format("unexpected end of document: <{}> is not closed", open.name());
      }
      // pugixml points at the mismatched end tag's name.
      std::size_t end = offset;
      while (end < bytes_.size() && bytes_[end] != '>' && bytes_[end] != ' ' &&
             bytes_[end] != '\n' && end - offset < 100) {
        ++end;
      }
      std::string found(bytes_.substr(offset, end - offset));
      if (open) return fmt::format("expected </{}>, found </{}>", open.name(), found);
      return fmt::format("unexpected end tag </{}>", found);
    }
    if (at_end(result)) {
      return open ? fmt::format("unexpected end of document: <{}> is not closed", open.name())
                  : std::string("unexpected end of document");
    }
    std::string what = result.description();
    if (!what.empty()) what[0] = net::to_lower(what[0]);
    return what;
  }

  SitemapDocument finish() {
    out_.findings =
        lint_.finish(out_.kind == SourceKind::sitemap_index ? 0 : out_.entries, bytes_.size());
    if (out_.kind == SourceKind::sitemap_index && out_.entries > kMaxUrlsPerSitemap) {
      out_.findings.push_back(
          Finding{.code = FindingCode::too_many_sitemaps,
                  .message = fmt::format("{} sitemaps in one index; the protocol allows at most {}",
                                         out_.entries, kMaxUrlsPerSitemap),
                  .where = std::string(url_),
                  .line = 0,
                  .severity = Severity::warning});
    }
    return std::move(out_);
  }

  std::string_view bytes_;
  std::string_view url_;
  const EntryCallback& on_url_;
  const Cancellation& cancel_;
  const WindowCallback& on_window_;
  const std::size_t window_bytes_;
  bool cancelled_ = false;
  std::uint64_t grace_used_ = 0;
  LineCounter lines_;
  SitemapLint lint_;
  // buffer_ holds the window pugixml parses in place; the window's tree dies before the next.
  std::string buffer_;
  std::size_t window_start_ = 0;  // where the window being walked begins in the document
  std::ptrdiff_t shift_ = 0;      // a window offset plus shift_ is a document offset
  std::optional<Damage> damage_;  // set while the last window of a damaged document is walked
  std::string ns_prefix_;
  SitemapDocument out_;
};

}  // namespace

SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                              const EntryCallback& on_url, const Cancellation& cancel,
                              const WindowCallback& on_window) {
  return Parser(bytes, document_url, on_url, cancel, kSitemapWindowBytes, on_window).run();
}

SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                              const EntryCallback& on_url, const Cancellation& cancel,
                              std::size_t window_bytes) {
  return Parser(bytes, document_url, on_url, cancel, window_bytes, {}).run();
}

}  // namespace siteaudit::audit
