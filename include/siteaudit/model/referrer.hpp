// referrer.hpp — a page that links to a URL, as crawl mode reports it beside a broken link.
//
// Crawl mode (--crawl) keeps, for each URL that failed or redirected, the pages that link to
// it: where the link is (page URL and line), what carries it (element and attribute) and what
// a reader sees (the link text, or an image's alt). That is what users of every link checker
// ask for: "show me every page that links to the broken URL, with the link text".
//
// Example:
//   Referrer r{.page = "https://a.test/pricing", .line = 42, .element = "img",
//              .attribute = "src", .text = "Plans"};
#pragma once

#include <cstdint>
#include <string>

namespace siteaudit::model {

// kMaxReferrers caps the referrers kept per URL; ResultDetail::referrer_count has the total.
inline constexpr std::size_t kMaxReferrers = 100;

struct Referrer {
  std::string page;        // the referring page's URL (as requested)
  std::uint32_t line = 0;  // 1-based line of the link's start tag in that page
  std::string element;     // "a", "img", "link", ...
  std::string attribute;   // "href", "src", "srcset", ...
  std::string text;        // the link text (or an img's alt), trimmed and capped
  std::string url;         // the link as written in the page (after entity decoding)
};

}  // namespace siteaudit::model
