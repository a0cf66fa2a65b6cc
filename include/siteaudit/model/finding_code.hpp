// finding_code.hpp — the stable codes of findings, one per rule.
//
// A Finding's code is what CI scripts and jq filters match on, so it is an enum: a producer
// cannot misspell one, and the report's words come from one table (to_string), which the
// tests compare with the man page and the JSON Schema. The words never change between
// releases; a new rule adds a code.
//
//   Finding f{.code = FindingCode::relative_loc, ...};
//   out << to_string(f.code);  // "relative_loc"
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace siteaudit::model {

enum class FindingCode : std::uint8_t {
  // Sitemap lint (one document).
  empty_loc,
  control_character_in_url,
  loc_out_of_scope,
  invalid_loc,
  non_http_loc,
  relative_loc,
  loc_too_long,         // a URL of 2,048 characters or more (sitemaps.org: fewer)
  not_utf8,             // a sitemap in another encoding, or a URL with a byte UTF-8 has not
  unescaped_ampersand,  // an '&' in a <loc> that starts no XML reference
  invalid_lastmod,
  invalid_changefreq,
  invalid_priority,
  too_many_urls,
  sitemap_too_large,
  not_a_url,
  missing_link,
  missing_loc,
  unexpected_element,
  too_many_sitemaps,
  // Loading sitemaps and robots.txt.
  credentials_in_url,
  duplicate_url,
  max_urls_reached,
  max_depth_reached,
  max_sitemaps_reached,
  sitemap_already_loaded,
  sitemap_other_origin,
  sitemap_fallback,
  nested_index,
  robots_too_large,
  invalid_sitemap_url,
  rewrite_unused,  // a --rewrite FROM that matched no URL of the run
  // Page hygiene (--strict makes them failures).
  redirected_url,
  noindex,
  robots_disallowed,
  lastmod_after_last_modified,
  content_type,
  slow,
  // Checking pages.
  status,
  crawl_delay_capped,
  // Crawl mode (--crawl): what the pages link to, and the sitemap reconciled with the site.
  linked_redirect,       // in-scope pages link to a URL that redirects: link to the target
  orphan,                // a sitemap URL that no crawled page links to
  missing_from_sitemap,  // an indexable in-scope page that no sitemap lists
  canonical_elsewhere,   // a sitemap URL whose canonical is another URL
  mixed_content,         // an http: subresource on an https: page
  invalid_link,          // a link no URL parser accepts (a bad host, ...)
  missing_fragment,      // --check-fragments: #id names no id or <a name> of the target
  broken_hreflang,       // a link rel=alternate hreflang whose target failed
  page_not_parsed,       // an in-scope page that could not be parsed (charset, ...)
  stylesheet_not_css,    // a stylesheet served as another type: browsers do not apply it
  // --expect-routes.
  missing_route,
  unexpected_url,  // the last code: finding_code.cpp counts the table by it
};

// FindingCodeName is one row of the table the words come from.
struct FindingCodeName {
  FindingCode code;
  const char* name;
  // hygiene is true for the page rules whose finding fails the page under --strict; the
  // result's error_kind is then the finding's code.
  bool hygiene;
};

// finding_code_names() is every code with its word, in the enum's order.
std::span<const FindingCodeName> finding_code_names() noexcept;

// to_string() is the code's word in reports: "relative_loc".
const char* to_string(FindingCode code) noexcept;

// finding_code_from() is the code whose word is `name`, if there is one.
std::optional<FindingCode> finding_code_from(std::string_view name) noexcept;

}  // namespace siteaudit::model
