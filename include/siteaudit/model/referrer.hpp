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
#include <string_view>

namespace siteaudit::model {

// kMaxReferrers caps the referrers kept per URL; ResultDetail::referrer_count has the total.
inline constexpr std::size_t kMaxReferrers = 100;

struct Referrer {
  std::string page;        // the referring page's URL (as requested)
  std::uint32_t line = 0;  // 1-based line of the link's start tag in that page
  std::string element;     // "a", "img", "link", ...; in a stylesheet "url()" or "@import"
  std::string attribute;   // "href", "src", "srcset", ...; empty in CSS text
  std::string text;        // the link text (or an img's alt), trimmed and capped
  std::string url;         // the link as written in the page (after entity decoding)
};

// is_css_construct() is true for what holds a URL in a stylesheet rather than an element:
// "url()" or "@import", with no attribute.
bool is_css_construct(std::string_view element, std::string_view attribute) noexcept;

// link_holder() names what holds a link, as reports and messages show it: "<img src>",
// "<style>" (a style element's text), "url()" (a stylesheet's).
std::string link_holder(std::string_view element, std::string_view attribute);

}  // namespace siteaudit::model
