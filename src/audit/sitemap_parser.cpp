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

#include "siteaudit/audit/sitemap_lint.hpp"

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

// LineCounter maps byte offsets to line:col. Offsets asked for mostly move forward a little
// (the tree is walked in document order; a <lastmod> may precede its <loc>), so it moves a
// cursor from the last answer in either direction and needs no index of every newline.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}

  std::pair<std::uint32_t, std::uint32_t> at(std::ptrdiff_t offset) {
    if (offset < 0) return {0, 0};
    std::size_t target = std::min(static_cast<std::size_t>(offset), text_.size());
    if (target < pos_) {
      line_ -= static_cast<std::uint32_t>(
          std::count(text_.begin() + static_cast<std::ptrdiff_t>(target),
                     text_.begin() + static_cast<std::ptrdiff_t>(pos_), '\n'));
      auto nl = text_.substr(0, target).rfind('\n');
      line_start_ = nl == std::string_view::npos ? 0 : nl + 1;
      pos_ = target;
    }
    while (pos_ < target) {
      const void* nl = std::memchr(text_.data() + pos_, '\n', target - pos_);
      if (nl == nullptr) {
        pos_ = target;
        break;
      }
      pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - text_.data()) + 1;
      ++line_;
      line_start_ = pos_;
    }
    return {line_, static_cast<std::uint32_t>(target - line_start_ + 1)};
  }

  std::uint32_t line(pugi::xml_node node) { return at(node.offset_debug()).first; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
};

// text_of() concatenates the character data of an element (pcdata and CDATA pieces; a comment
// may split them). Parsed with parse_embed_pcdata, the first pcdata piece is the element's own
// value rather than a child node.
std::string text_of(pugi::xml_node element) {
  std::string out = element.value();
  for (pugi::xml_node c : element.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
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
        open_.assign(chain.begin(), it.base());
        innermost_open_ = *it;
        break;
      }
      cursor = end;
    }
  }

  bool is_open(pugi::xml_node node) const {
    return std::find(open_.begin(), open_.end(), node) != open_.end();
  }
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

  std::vector<pugi::xml_node> open_;
  pugi::xml_node innermost_open_;
};

// parse_embed_pcdata keeps an element's text in the element's node instead of a child node of
// its own: 64 bytes less per <loc> and per <lastmod>, a third or more of the DOM of a sitemap
// (20,000 <url><loc> entries: 40,000 nodes instead of 60,000).
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_embed_pcdata;

class Parser {
 public:
  Parser(std::string_view bytes, std::string_view url, const EntryCallback& on_url)
      : bytes_(bytes), url_(url), on_url_(on_url), lines_(bytes), lint_(url) {}

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

  pugi::xml_node child(pugi::xml_node parent, std::string_view name) const {
    for (pugi::xml_node c : parent.children()) {
      if (is_ours(c, name)) return c;
    }
    return {};
  }

  void walk_urlset(pugi::xml_node root) {
    for (pugi::xml_node url : root.children()) {
      if (url.type() != pugi::node_element) continue;
      if (!is_complete(url)) break;
      if (!is_ours(url, "url")) {
        unexpected(url, "url");
        continue;
      }
      SitemapEntry entry;
      if (!read_loc(url, "url", entry)) continue;
      pugi::xml_node lastmod = child(url, "lastmod");
      entry.lastmod = std::string(trim(text_of(lastmod)));
      lint_.check_lastmod(entry.lastmod, lines_.line(lastmod));
      pugi::xml_node changefreq = child(url, "changefreq");
      lint_.check_changefreq(trim(text_of(changefreq)), lines_.line(changefreq));
      pugi::xml_node priority = child(url, "priority");
      lint_.check_priority(trim(text_of(priority)), lines_.line(priority));
      deliver(std::move(entry));
    }
  }

  void walk_index(pugi::xml_node root) {
    for (pugi::xml_node sitemap : root.children()) {
      if (sitemap.type() != pugi::node_element) continue;
      if (!is_complete(sitemap)) break;
      if (!is_ours(sitemap, "sitemap")) {
        unexpected(sitemap, "sitemap");
        continue;
      }
      SitemapEntry entry;
      if (!read_loc(sitemap, "sitemap", entry)) continue;
      pugi::xml_node lastmod = child(sitemap, "lastmod");
      entry.lastmod = std::string(trim(text_of(lastmod)));
      lint_.check_lastmod(entry.lastmod, lines_.line(lastmod));
      out_.children.push_back(std::move(entry));
      ++out_.entries;
    }
  }

  void walk_items(pugi::xml_node parent) {
    for (pugi::xml_node item : parent.children()) {
      if (!is_ours(item, "item")) continue;
      if (!is_complete(item)) break;
      pugi::xml_node link = child(item, "link");
      if (!link) {
        lint_.add("missing_link", "<item> without <link>", lines_.line(item));
        continue;
      }
      SitemapEntry entry;
      entry.loc = std::string(trim(text_of(link)));
      entry.line = lines_.line(link);
      entry.url = lint_.check_loc(entry.loc, entry.line);
      if (!entry.url.empty()) deliver(std::move(entry));
    }
  }

  void walk_atom(pugi::xml_node feed) {
    for (pugi::xml_node item : feed.children()) {
      if (!is_ours(item, "entry")) continue;
      if (!is_complete(item)) break;
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
        if (!page && std::string_view(rel.value()) == "alternate") page = link;
      }
      if (!page) {
        lint_.add("missing_link", "<entry> without an alternate <link>", lines_.line(item));
        continue;
      }
      SitemapEntry entry;
      entry.loc = std::string(trim(page.attribute("href").value()));
      entry.line = lines_.line(page);
      entry.url = lint_.check_loc(entry.loc, entry.line);
      if (!entry.url.empty()) deliver(std::move(entry));
    }
  }

  bool read_loc(pugi::xml_node parent, std::string_view parent_name, SitemapEntry& entry) {
    pugi::xml_node loc = child(parent, "loc");
    if (!loc) {
      lint_.add("missing_loc", fmt::format("<{}> without <loc>", parent_name), lines_.line(parent));
      return false;
    }
    entry.loc = std::string(trim(text_of(loc)));
    entry.line = lines_.line(loc);
    entry.url = lint_.check_loc(entry.loc, entry.line);
    return !entry.url.empty();
  }

  void unexpected(pugi::xml_node node, std::string_view expected) {
    lint_.add("unexpected_element",
              fmt::format("expected <{}>, found <{}> (ignored)", expected, node.name()),
              lines_.line(node));
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
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(what[0]));
    return what;
  }

  SitemapDocument finish() {
    out_.findings =
        lint_.finish(out_.kind == SourceKind::sitemap_index ? 0 : out_.entries, bytes_.size());
    if (out_.kind == SourceKind::sitemap_index && out_.entries > kMaxUrlsPerSitemap) {
      out_.findings.push_back(
          Finding{.code = "too_many_sitemaps",
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
  LineCounter lines_;
  SitemapLint lint_;
  pugi::xml_document doc_;
  std::optional<Damage> damage_;
  std::string_view ns_prefix_;
  SitemapDocument out_;
};

}  // namespace

SitemapDocument parse_sitemap(std::string_view bytes, std::string_view document_url,
                              const EntryCallback& on_url) {
  return Parser(bytes, document_url, on_url).run();
}

}  // namespace siteaudit::audit
