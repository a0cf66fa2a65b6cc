// sitemap_parser.cpp — the one file that includes pugixml.
//
// pugixml builds a DOM of the whole document; that is the "one document" the loader's memory
// bound allows, and it keeps the partial tree of a damaged document, which is how entries
// before a truncation survive. Namespaces are matched by prefix: an element is ours when its
// prefix is empty or the root element's (so `<sm:urlset><sm:url>` works), and extension
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

// append_code_point() appends `cp` as UTF-8.
void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
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
  append_code_point(out, cp);
  return semi + 1;
}

// append_decoded() appends character data with its references decoded. pugixml's own decoding
// (parse_escapes) is off: it writes &#0; as a NUL into its zero-terminated strings, which would
// cut "https://a/x&#0;y" to "https://a/x", a different URL that would then be requested. Here
// the NUL stays in the text, and the lint reports it.
void append_decoded(std::string& out, std::string_view text) {
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    out.append(text.substr(0, amp));
    if (amp == std::string_view::npos) return;
    text.remove_prefix(amp);
    std::size_t used = reference_at(text, out);
    if (used == 0) {
      out += '&';
      used = 1;
    }
    text.remove_prefix(used);
  }
}

std::string decoded(std::string_view text) {
  std::string out;
  append_decoded(out, text);
  return out;
}

// text_of() concatenates the character data of an element (pcdata and CDATA pieces; a comment
// may split them). Parsed with parse_embed_pcdata, the first pcdata piece is the element's own
// value rather than a child node.
std::string text_of(pugi::xml_node element) {
  std::string out = decoded(element.value());
  for (pugi::xml_node c : element.children()) {
    if (c.type() == pugi::node_pcdata) append_decoded(out, c.value());
    if (c.type() == pugi::node_cdata) out += c.value();
  }
  return out;
}

// Damage describes a document pugixml could not parse to its end. The elements still open at
// the error are exactly those on the tree's rightmost path whose end tag was never consumed;
// their content is incomplete (a <loc> cut to "/page_"), so they must not be reported.
class Damage {
 public:
  Damage(pugi::xml_document& doc, std::string_view bytes, std::size_t error_offset) {
    std::vector<pugi::xml_node> chain;
    pugi::xml_node deepest = doc;
    for (pugi::xml_node n = doc.last_child(); n; n = n.last_child()) {
      deepest = n;
      if (n.type() == pugi::node_element) chain.push_back(n);
    }
    // Walk the chain from the innermost element outwards, looking for each one's end tag after
    // the last thing parsed. Once one is open, all its ancestors are open too.
    std::ptrdiff_t start = deepest.offset_debug();
    std::size_t cursor = start < 0 ? 0 : static_cast<std::size_t>(start);
    std::size_t limit = std::min(error_offset + 1, bytes.size());
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      std::size_t end = find_end_tag(bytes, it->name(), cursor, limit);
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

class Parser {
 public:
  Parser(std::string_view bytes, std::string_view url, const EntryCallback& on_url,
         const Cancellation& cancel)
      : bytes_(bytes), url_(url), on_url_(on_url), cancel_(cancel), lines_(bytes), lint_(url) {}

  SitemapDocument run() {
    pugi::xml_parse_result result =
        doc_.load_buffer(bytes_.data(), bytes_.size(), kParseOptions, pugi::encoding_auto);
    if (!result) {
      damage_.emplace(doc_, bytes_,
                      static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)));
    }
    pugi::xml_node root = doc_.document_element();
    if (!root) {
      out_.error =
          location(result ? 0 : result.offset) + (result ? "no root element" : describe(result));
      return finish();
    }
    ns_prefix_ = prefix_of(root.name());
    std::string_view name = local_name(root.name());
    if (name == "urlset") {
      out_.kind = SourceKind::urlset;
      walk_urlset(root);
    } else if (name == "sitemapindex") {
      out_.kind = SourceKind::sitemap_index;
      walk_index(root);
    } else if (name == "rss") {
      out_.kind = SourceKind::rss;
      for (pugi::xml_node channel : root.children()) {
        if (is_ours(channel, "channel")) walk_items(channel);
      }
    } else if (name == "RDF") {
      // RSS 1.0: <item>s are siblings of <channel> under rdf:RDF, in the RSS 1.0 namespace.
      out_.kind = SourceKind::rss;
      walk_items(root);
    } else if (name == "feed") {
      out_.kind = SourceKind::atom;
      walk_atom(root);
    } else {
      out_.error = location(root.offset_debug()) +
                   fmt::format("expected <urlset>, <sitemapindex>, <rss> or <feed>, found <{}>",
                               root.name());
      return finish();
    }
    if (!result) out_.error = location(error_offset(result)) + describe(result);
    return finish();
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

  std::uint32_t line_of(pugi::xml_node node) { return lines_.at(node.offset_debug()).first; }

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
      entry.loc = std::string(trim(text_of(link)));
      entry.line = line_of(link);
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
      entry.loc = std::string(trim(decoded(page.attribute("href").value())));
      entry.line = line_of(page);
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
    entry.loc = std::string(trim(text_of(loc)));
    entry.line = line_of(loc);
    entry.url = parent_name == "sitemap" ? lint_.check_sitemap_loc(entry.loc, entry.line)
                                         : lint_.check_loc(entry.loc, entry.line);
    return !entry.url.empty();
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

  std::string location(std::ptrdiff_t offset) {
    auto [line, col] = lines_.at(offset);
    return fmt::format("{}:{}:{}: ", url_, line, col);
  }

  // at_end() is true when pugixml stopped because the input ran out; it then points at the
  // last byte, not past it.
  bool at_end(const pugi::xml_parse_result& result) const {
    return result.offset < 0 || static_cast<std::size_t>(result.offset) + 1 >= bytes_.size();
  }

  // error_offset() is where to point the user: the end of the input when it ran out.
  std::ptrdiff_t error_offset(const pugi::xml_parse_result& result) const {
    return at_end(result) ? static_cast<std::ptrdiff_t>(bytes_.size()) : result.offset;
  }

  std::string describe(const pugi::xml_parse_result& result) const {
    std::size_t offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
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
  bool cancelled_ = false;
  std::uint64_t grace_used_ = 0;
  LineCounter lines_;
  SitemapLint lint_;
  pugi::xml_document doc_;
  std::optional<Damage> damage_;
  std::string_view ns_prefix_;
  SitemapDocument out_;
};

}  // namespace

SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                              const EntryCallback& on_url, const Cancellation& cancel) {
  return Parser(bytes, document_url, on_url, cancel).run();
}

}  // namespace siteaudit::audit
