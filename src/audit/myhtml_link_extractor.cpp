// myhtml_link_extractor.cpp — the product's LinkExtractor, on MyHTML (the one MyHTML user).
//
// MyHTML (libmodest-dev) is the fastest HTML5 parser Debian ships (scripts/bench/RESULTS.md,
// "Link extraction"). One parser and one tree are kept per extractor and cleaned between
// pages, so a page costs no setup. The tree is walked without recursion (deeply nested
// markup must not exhaust a fiber's stack), and a page that may nest deeper than kMaxNesting
// is first measured by a guard pass that stops as soon as it does (nesting_exceeds()).
#include <fmt/format.h>
#include <malloc.h>
#include <myhtml/api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/link_collector.hpp"
#include "siteaudit/audit/line_counter.hpp"
#include "siteaudit/audit/link_extractor.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::audit {
namespace {

bool is_html(myhtml_tree_node_t* node) {
  return myhtml_node_namespace(node) == MyHTML_NAMESPACE_HTML;
}

bool is_element(myhtml_tree_node_t* node) {
  const myhtml_tag_id_t tag = myhtml_node_tag_id(node);
  return tag != MyHTML_TAG__TEXT && tag != MyHTML_TAG__COMMENT && tag != MyHTML_TAG__DOCTYPE &&
         tag != MyHTML_TAG__UNDEF && tag != MyHTML_TAG__END_OF_FILE;
}

// next_in_tree() is the node after `node` in tree order, not below `root`; children are
// skipped when `descend` is false.
myhtml_tree_node_t* next_in_tree(myhtml_tree_node_t* node, myhtml_tree_node_t* root, bool descend) {
  if (descend) {
    if (myhtml_tree_node_t* child = myhtml_node_child(node)) return child;
  }
  while (node != nullptr && node != root) {
    if (myhtml_tree_node_t* next = myhtml_node_next(node)) return next;
    node = myhtml_node_parent(node);
  }
  return nullptr;
}

class MyhtmlLinkExtractor final : public LinkExtractor {
 public:
  MyhtmlLinkExtractor() {
    myhtml_ = myhtml_create();
    tree_ = myhtml_tree_create();
    // Single mode: MyHTML's own threads would compete with the fibers' threads.
    if (myhtml_ == nullptr || tree_ == nullptr ||
        myhtml_init(myhtml_, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK ||
        myhtml_tree_init(tree_, myhtml_) != MyHTML_STATUS_OK)
      rt::fatal("myhtml: cannot create a parser (out of memory)");
  }
  ~MyhtmlLinkExtractor() override {
    myhtml_tree_destroy(tree_);
    myhtml_destroy(myhtml_);
  }
  MyhtmlLinkExtractor(const MyhtmlLinkExtractor&) = delete;
  MyhtmlLinkExtractor& operator=(const MyhtmlLinkExtractor&) = delete;

  std::string_view name() const noexcept override { return "myhtml"; }

  ExtractResult extract(std::string_view page, std::string_view page_url) override {
    ExtractResult result = extract_page(page, page_url);
    if (page.size() > kRenewAfterBytes) renew();
    return result;
  }

 private:
  ExtractResult extract_page(std::string_view page, std::string_view page_url) {
    std::string_view html = input_stream(page, input_);
    const std::string_view source = html;
    if (nesting_exceeds(html)) {
      ExtractResult result;
      result.error = fmt::format(
          "its elements nest more than {} deep; browsers flatten such markup, and reading it "
          "would cost time that grows with the square of the depth",
          kMaxNesting);
      return result;
    }
    LinkCollector links(page_url);
    // The end of the input inside a tag is where MyHTML departs from the HTML standard.
    // A lone '<' at the end is text for the standard; MyHTML drops it, and with it the
    // reopening of a closed link the text causes. "&lt;" is the same text wherever the '<'
    // could start a tag, and changes no link anywhere else.
    if (!html.empty() && html.back() == '<') {
      ending_.assign(html.substr(0, html.size() - 1)).append("&lt;");
      html = ending_;
    }
    if (!parse(html)) return failed();
    // The standard drops a start tag the input ends inside ("eof-in-tag"), as gumbo and
    // browsers do. MyHTML emits it when the input ends after the tag's name (`<a href=/x`,
    // `<img src="/x" `), and the tree builder acts on it (it may reopen an earlier link). A
    // complete tag ends with '>'; one MyHTML emits at the end never does (in the states it
    // emits from, a '>' would have ended it). When the input ends inside the tag's name
    // (`<img`), MyHTML emits the name as text instead. Parsing again without the cut tag is
    // what the standard's tokenizer builds: it was in the data state at that '<'.
    std::size_t cut = std::string_view::npos;
    if (last_start_tag_.length > 0 &&
        last_start_tag_.begin + last_start_tag_.length == html.size() && html.back() != '>') {
      cut = last_start_tag_.begin;
    } else if (last_text_.length > 0 && last_text_.begin + last_text_.length == html.size() &&
               html[last_text_.begin - 1] == '<' && net::is_letter(html[last_text_.begin])) {
      cut = last_text_.begin - 1;
    }
    if (cut != std::string_view::npos) {
      html = html.substr(0, cut);
      if (!parse(html)) return failed();
    }
    LineCounter lines(html);
    myhtml_tree_node_t* root = myhtml_tree_get_document(tree_);
    for (myhtml_tree_node_t* node = myhtml_node_child(root); node != nullptr;) {
      bool descend = true;
      if (is_element(node)) {
        const bool html_ns = is_html(node);
        const myhtml_tag_id_t tag_id = myhtml_node_tag_id(node);
        descend = !(html_ns && tag_id == MyHTML_TAG_TEMPLATE);
        if (html_ns && tag_id == MyHTML_TAG_STYLE) read_style(node, source, lines, links);
        if (!html_ns &&
            (tag_id == MyHTML_TAG_USE || tag_id == MyHTML_TAG_IMAGE || tag_id == MyHTML_TAG_A) &&
            myhtml_node_namespace(node) == MyHTML_NAMESPACE_SVG) {
          gather_attributes(node);
          const bool link = tag_id == MyHTML_TAG_A;
          links.svg_element(
              link                       ? "a"
              : tag_id == MyHTML_TAG_USE ? "use"
                                         : "image",
              lines.at(static_cast<std::ptrdiff_t>(myhtml_node_element_position(node).begin)).first,
              attributes_, link ? text_of(node) : std::string());
          node = next_in_tree(node, root, descend);
          continue;
        }
        if (!html_ns || !reads(tag_id)) {
          // Most elements (div, li, span, p, ...) can only be an anchor: their id is all the
          // collector reads, so neither their attributes nor their line are gathered, unless
          // a style attribute may load an image.
          const IdAndStyle found = id_and_style(node);
          if (!(html_ns && found.style)) {
            if (found.id != nullptr) {
              std::size_t size = 0;
              const char* value = myhtml_attribute_value(found.id, &size);
              links.anchor(value ? std::string_view(value, size) : std::string_view());
            }
            node = next_in_tree(node, root, descend);
            continue;
          }
        }
        const std::string_view tag = tag_name(node);
        gather_attributes(node);
        const auto line =
            lines.at(static_cast<std::ptrdiff_t>(myhtml_node_element_position(node).begin)).first;
        std::string text;
        if (LinkCollector::wants_text(tag, html_ns)) text = text_of(node);
        links.element(tag, html_ns, line, attributes_, std::move(text));
      }
      node = next_in_tree(node, root, descend);
    }
    return std::move(links).finish();
  }

  // kRenewAfterBytes: after a page this large the tree is made anew. MyHTML keeps its pools
  // at their high-water mark until the tree is destroyed, so one 8.4 MB page would leave
  // 332 MiB with this thread's parser for the rest of the run, and the other thread's parser
  // would grow its own. A new tree costs the next page its pools' first touch again (a 2 MB
  // page took 20-40 % more time when every page over 1 MiB renewed it), so only pages whose
  // pools weigh 160 MiB or more give them back.
  static constexpr std::size_t kRenewAfterBytes = 4 * kLargePageBytes;

  // renew() gives back what a large page took: the tree with MyHTML's pools, and the copies
  // of the page. malloc_trim() returns the freed memory to the system: glibc would otherwise
  // keep much of it in this thread's arena, where the other thread's parser cannot use it
  // (two 8.4 MB pages parsed one after the other on two threads then peaked at 588 MiB in
  // four runs of ten, against 341-345 MiB).
  void renew() {
    myhtml_tree_destroy(tree_);
    tree_ = myhtml_tree_create();
    if (tree_ == nullptr || myhtml_tree_init(tree_, myhtml_) != MyHTML_STATUS_OK)
      rt::fatal("myhtml: cannot create a parser (out of memory)");
    std::string().swap(input_);
    std::string().swap(ending_);
    malloc_trim(0);
  }

  // nesting_exceeds() is true when `html` nests elements deeper than kMaxNesting. It cannot
  // without more start tags than that, so most pages are not measured at all; the others are
  // parsed in chunks while the node-insert callback records each node's depth (in the node's
  // data slot), and feeding stops at the first chunk that went too deep: the cost stays
  // bounded by kMaxNesting times one chunk's tags. (Chunked parsing loses MyHTML's element
  // positions, so the links come from a whole parse afterwards.)
  bool nesting_exceeds(std::string_view html) {
    if (!more_start_tags_than(html, kMaxNesting)) return false;
    constexpr std::size_t kChunk = 16 * 1024;
    myhtml_tree_clean(tree_);
    myhtml_encoding_set(tree_, MyENCODING_UTF_8);
    deepest_ = 0;
    myhtml_callback_tree_node_insert_set(tree_, &MyhtmlLinkExtractor::on_insert, this);
    for (std::size_t at = 0; at < html.size() && deepest_ <= kMaxNesting; at += kChunk) {
      const std::string_view chunk = html.substr(at, kChunk);
      if (myhtml_parse_chunk(tree_, chunk.data(), chunk.size()) != MyHTML_STATUS_OK) break;
    }
    myhtml_parse_chunk_end(tree_);
    myhtml_callback_tree_node_insert_set(tree_, nullptr, nullptr);
    return deepest_ > kMaxNesting;
  }

  // more_start_tags_than() is true when `html` holds more than `limit` '<'. It counts 255
  // bytes at a time into a one-byte total, which the compiler turns into 16-byte compares;
  // std::count widens each byte's count to 64 bits: 0.76 us of a 3.8 KB page against 0.11.
  static bool more_start_tags_than(std::string_view html, std::size_t limit) {
    if (html.size() <= limit) return false;
    std::size_t total = 0;
    while (!html.empty() && total <= limit) {
      const std::size_t n = std::min<std::size_t>(html.size(), 255);
      std::uint8_t block = 0;
      for (std::size_t i = 0; i < n; ++i) block += html[i] == '<';
      total += block;
      html.remove_prefix(n);
    }
    return total > limit;
  }

  static void on_insert(myhtml_tree_t*, myhtml_tree_node_t* node, void* self) {
    myhtml_tree_node_t* parent = myhtml_node_parent(node);
    const auto depth =
        (parent != nullptr ? reinterpret_cast<std::uintptr_t>(myhtml_node_get_data(parent)) : 0) +
        1;
    myhtml_node_set_data(node, reinterpret_cast<void*>(depth));
    auto* extractor = static_cast<MyhtmlLinkExtractor*>(self);
    extractor->deepest_ = std::max<std::size_t>(extractor->deepest_, depth);
  }

  // parse() parses `html` into the tree, noting the last start tag's position.
  bool parse(std::string_view html) {
    myhtml_tree_clean(tree_);
    last_start_tag_ = {0, 0};
    last_text_ = {0, 0};
    myhtml_callback_before_token_done_set(tree_, &MyhtmlLinkExtractor::on_token, this);
    return myhtml_parse(tree_, MyENCODING_UTF_8, html.data(), html.size()) == MyHTML_STATUS_OK;
  }

  static void* on_token(myhtml_tree_t*, myhtml_token_node_t* token, void* self) {
    const myhtml_tag_id_t tag = myhtml_token_node_tag_id(token);
    if (tag == MyHTML_TAG__TEXT) {
      const myhtml_position_t text = myhtml_token_node_raw_position(token);
      if (text.begin > 0) static_cast<MyhtmlLinkExtractor*>(self)->last_text_ = text;
    }
    if (tag != MyHTML_TAG__TEXT && tag != MyHTML_TAG__COMMENT && tag != MyHTML_TAG__DOCTYPE &&
        tag != MyHTML_TAG__END_OF_FILE && !myhtml_token_node_is_close(token))
      static_cast<MyhtmlLinkExtractor*>(self)->last_start_tag_ =
          myhtml_token_node_element_position(token);
    return self;  // MyHTML passes the callback's answer as the next call's context
  }

  static ExtractResult failed() {
    ExtractResult result;
    result.error = "myhtml could not parse the page (out of memory)";
    return result;
  }

  // reads() is LinkCollector::reads_element() of an HTML element's tag, remembered for the
  // static tags (MyHTML numbers a document's custom tags after them, anew for each page).
  bool reads(myhtml_tag_id_t tag) {
    const auto name_reads = [&] {
      std::size_t size = 0;
      const char* name = myhtml_tag_name_by_id(tree_, tag, &size);
      return LinkCollector::reads_element(name ? std::string_view(name, size) : std::string_view());
    };
    if (tag >= MyHTML_TAG_LAST_ENTRY) return name_reads();
    if (reads_.empty()) reads_.assign(MyHTML_TAG_LAST_ENTRY, kUnknown);
    if (reads_[tag] == kUnknown) reads_[tag] = name_reads() ? kReads : kSkips;
    return reads_[tag] == kReads;
  }

  // gather_attributes() puts the attributes of `node` in attributes_, in order.
  void gather_attributes(myhtml_tree_node_t* node) {
    attributes_.clear();
    for (myhtml_tree_attr_t* a = myhtml_node_attribute_first(node); a != nullptr;
         a = myhtml_attribute_next(a)) {
      std::size_t key_size = 0, value_size = 0;
      const char* key = myhtml_attribute_key(a, &key_size);
      const char* value = myhtml_attribute_value(a, &value_size);
      attributes_.push_back({{key ? key : "", key ? key_size : 0},
                             {value ? value : "", value ? value_size : 0},
                             myhtml_attribute_namespace(a) == MyHTML_NAMESPACE_XLINK});
    }
  }

  // id_and_style() looks for both in one pass over the attributes of `node`.
  struct IdAndStyle {
    myhtml_tree_attr_t* id = nullptr;  // the first `id` (the one a duplicate does not override)
    bool style = false;                // a `style` attribute
  };
  static IdAndStyle id_and_style(myhtml_tree_node_t* node) {
    IdAndStyle found;
    for (myhtml_tree_attr_t* a = myhtml_node_attribute_first(node); a != nullptr;
         a = myhtml_attribute_next(a)) {
      std::size_t size = 0;
      const char* key = myhtml_attribute_key(a, &size);
      if (key == nullptr) continue;
      const std::string_view name(key, size);
      if (name == "id" && found.id == nullptr) found.id = a;
      if (name == "style") found.style = true;
    }
    return found;
  }

  // read_style() gives the text of the <style> element `style` to the collector, with the
  // line it starts on. `source` is the input before the ending was mended: the positions are
  // the same, and the text of a style left open runs to its true end.
  static void read_style(myhtml_tree_node_t* style, std::string_view source, LineCounter& lines,
                         LinkCollector& links) {
    const myhtml_position_t tag = myhtml_node_element_position(style);
    const std::size_t end = tag.begin + tag.length;
    const std::string_view css = style_text(source, end);
    if (css.empty()) return;
    links.style(css, lines.at(static_cast<std::ptrdiff_t>(end)).first);
  }

  std::string_view tag_name(myhtml_tree_node_t* node) {
    std::size_t size = 0;
    const char* name = myhtml_tag_name_by_id(tree_, myhtml_node_tag_id(node), &size);
    return name ? std::string_view(name, size) : std::string_view();
  }

  // text_of() is the link text of the element `link`.
  std::string text_of(myhtml_tree_node_t* link) {
    LinkText text;
    for (myhtml_tree_node_t* node = myhtml_node_child(link); node != nullptr && !text.full();) {
      bool descend = true;
      const myhtml_tag_id_t tag = myhtml_node_tag_id(node);
      if (tag == MyHTML_TAG__TEXT) {
        std::size_t size = 0;
        const char* data = myhtml_node_text(node, &size);
        if (data != nullptr) text.append({data, size});
      } else if (is_element(node)) {
        descend = !LinkCollector::skips_text(tag_name(node));
        if (tag == MyHTML_TAG_IMG && is_html(node)) {
          for (myhtml_tree_attr_t* a = myhtml_node_attribute_first(node); a != nullptr;
               a = myhtml_attribute_next(a)) {
            std::size_t key_size = 0, value_size = 0;
            const char* key = myhtml_attribute_key(a, &key_size);
            if (key == nullptr || std::string_view(key, key_size) != "alt") continue;
            const char* value = myhtml_attribute_value(a, &value_size);
            text.image_alt(value ? std::string_view(value, value_size) : std::string_view());
            break;
          }
        }
      }
      node = next_in_tree(node, link, descend);
    }
    return text.take();
  }

  myhtml_t* myhtml_ = nullptr;
  myhtml_tree_t* tree_ = nullptr;
  myhtml_position_t last_start_tag_{0, 0};  // of the last start tag token
  myhtml_position_t last_text_{0, 0};       // raw position of the last text token
  std::string ending_;                      // the input with a final '<' written "&lt;"
  std::vector<HtmlAttribute> attributes_;
  std::string input_;        // the page after input_stream(), when it had to change
  std::size_t deepest_ = 0;  // the deepest node nesting_exceeds() has seen
  // reads_ caches reads() by static tag id.
  static constexpr std::int8_t kUnknown = 0, kReads = 1, kSkips = 2;
  std::vector<std::int8_t> reads_;
};

}  // namespace

std::unique_ptr<LinkExtractor> make_myhtml_link_extractor() {
  return std::make_unique<MyhtmlLinkExtractor>();
}

}  // namespace siteaudit::audit
