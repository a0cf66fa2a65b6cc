// link_extractor.hpp — the links of one HTML page, as a browser's HTML5 parser sees them.
//
// A LinkExtractor parses a UTF-8 page with a real HTML5 parser (never tag scanning) and
// returns every link the crawl checks: a/area href, link href (stylesheet, icon, canonical,
// alternate with hreflang, preload, manifest), img and source src and srcset, script src,
// iframe/frame src, video/audio src and poster, track src, object data, embed src, input
// type=image src, SVG use and image href (or xlink:href), the URL of a meta
// http-equiv=refresh, and the CSS URLs of <style> elements and style attributes. Attribute values
// are entity-decoded by the parser as the HTML standard says ("?a=1&copy=2" stays as it is); a
// duplicated attribute counts once (the first wins). Nothing inside comments, script text,
// textarea, title, template contents or after plaintext is a link; noscript is parsed as a browser
// without scripts sees it; only HTML elements give links, and SVG use and image (an SVG <a> does
// not; ids count in SVG and MathML too). Each link is resolved against the page URL and the first
// <base href> with net::resolve_url(); mailto:, tel:, javascript:, data: and other schemes are
// returned with their scheme, never resolved. The page-level facts the crawl needs come with them:
// meta robots noindex and nofollow, the canonical URL, and the ids and <a name> anchors fragments
// may point at.
//
// The product's extractor is MyHTML (make_link_extractor()); gumbo is the oracle of the
// differential test and fuzzer. Transcoding a page that is not UTF-8 is the caller's job.
//
// Example:
//   auto extractor = make_link_extractor();
//   ExtractResult page = extractor->extract(body, "https://a.test/docs/");
//   for (const Link& link : page.links)
//     if (link.scheme == LinkScheme::http) frontier.offer(link.resolved);
//
// Thread safety: an extractor keeps its parser's state between pages; use one per fiber.
// Different extractors may be used on different threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace siteaudit::audit {

// LinkKind is what a link is for: the crawl follows navigation, checks resources.
enum class LinkKind : std::uint8_t {
  navigation,  // a, area, SVG a
  frame,       // iframe, frame
  refresh,     // meta http-equiv=refresh
  resource,    // img, source, script, media, object, embed, SVG use/image, link icon/preload/...
  stylesheet,  // link rel=stylesheet: a crawl reads it for the URLs it loads in turn
  canonical,   // link rel=canonical
  alternate,   // link rel=alternate with hreflang
};

// LinkScheme says whether a link can be requested: only `http` ones have `resolved`.
enum class LinkScheme : std::uint8_t {
  http,  // http:, https: or relative; `resolved` is the absolute URL
  mailto,
  tel,
  javascript,
  data,
  other,    // any other scheme (ftp:, ...)
  invalid,  // no URL resolve_url() accepts (a bad host, ...)
};

// Link::url and Link::resolved view the characters of the ExtractResult that holds the link
// (ExtractResult::storage: two buffers a page, not two strings a link); copy them to keep them
// longer.
struct Link {
  std::string_view url;       // as written, after entity decoding (with its #fragment)
  std::string_view resolved;  // absolute and normalised, against the page URL and <base href>
  std::uint32_t line = 0;     // 1-based line of the element's start tag
  std::string element;        // lower-case tag name: "a", "img", "meta", ...
  std::string attribute;      // "href", "src", "srcset", "poster", "data", "content"
  std::string text;      // a: its text, else the alt of an img inside; area: alt (trimmed, capped)
  std::string hreflang;  // link rel=alternate only
  LinkKind kind = LinkKind::navigation;
  LinkScheme scheme = LinkScheme::http;
  // normal is true when `resolved` is known to be in normal form (net::is_normal_url()): the
  // crawl then offers it to the frontier as it is. False says nothing.
  bool normal = false;
};

// kMaxNesting is the deepest nesting of elements the product's extractor reads. The HTML
// standard's tree builder looks up element scopes by walking the stack of open elements, so a
// page nested N deep costs O(N^2): 200,000 nested <div>s (1.2 MB) would hold a core for over a
// minute. Browsers cap the depth too (Blink flattens past 512). A page nested deeper is not
// parsed: ExtractResult::error says so.
inline constexpr std::size_t kMaxNesting = 4096;

// kLargePageBytes is where a page's parse starts to weigh on the process. A parser's tree costs
// about 40 bytes of memory for each byte of a page (MyHTML: some 560 bytes an element; 332 MiB
// for an 8.4 MB page), and a parser keeps its pools at their high-water mark for the next page.
// So the crawl parses larger pages at once only while their sizes, in started MiB, fit in
// kLargePageBudget (four 2 MB pages in parallel, a 9 MB page alone), and the product's
// extractor gives its memory back after a page of more than 4 MiB, so that such a page's
// parse memory is not multiplied by the number of threads (a smaller page's pools, up to
// 160 MiB, stay with its thread for the next page).
inline constexpr std::size_t kLargePageBytes = std::size_t{1} << 20;
inline constexpr std::size_t kLargePageBudget = 8;  // in units of kLargePageBytes

// kLinkTextLimit caps Link::text (in bytes, cut on a UTF-8 boundary).
inline constexpr std::size_t kLinkTextLimit = 120;

// PageFacts are what the crawl learns about the page itself.
struct PageFacts {
  std::string base;       // the URL links resolve against: <base href> if valid, else the page
  std::string canonical;  // the first link rel=canonical, resolved; empty when none
  bool noindex = false;   // meta robots noindex (or none)
  bool nofollow = false;  // meta robots nofollow (or none)
  std::vector<std::string> anchors;  // every id and <a name>, in document order
};

// LinkStorage holds the characters of a page's links: each Link views them.
struct LinkStorage {
  std::string written;   // Link::url, one after another
  std::string resolved;  // Link::resolved, one after another
};

struct [[nodiscard]] ExtractResult {
  std::vector<Link> links;  // in document order
  PageFacts page;
  std::string error;  // why the page could not be parsed; empty on success
  // storage is what links[].url and links[].resolved view; moving the result keeps it where it
  // is. Null when there are no links.
  std::unique_ptr<LinkStorage> storage;
  bool ok() const noexcept { return error.empty(); }
};

class LinkExtractor {
 public:
  virtual ~LinkExtractor();
  // extract() parses `html` (UTF-8), fetched from the absolute http(s) `page_url`.
  virtual ExtractResult extract(std::string_view html, std::string_view page_url) = 0;
  // name() is the parser's name, for benchmarks and messages: "myhtml", "gumbo".
  virtual std::string_view name() const noexcept = 0;
};

// make_link_extractor() returns the product's extractor (MyHTML; see src/audit/README.md).
std::unique_ptr<LinkExtractor> make_link_extractor();
// make_myhtml_link_extractor() and make_gumbo_link_extractor() return one parser's extractor;
// gumbo is the oracle the tests and the fuzzer hold MyHTML to.
std::unique_ptr<LinkExtractor> make_myhtml_link_extractor();
std::unique_ptr<LinkExtractor> make_gumbo_link_extractor();

}  // namespace siteaudit::audit
