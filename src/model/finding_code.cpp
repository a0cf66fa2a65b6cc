#include "siteaudit/model/finding_code.hpp"

#include <cstddef>

#include "model/enum_words.hpp"

namespace siteaudit::model {

namespace {

using enum FindingCode;

constexpr FindingCodeName kNames[] = {
    {empty_loc, "empty_loc", false},
    {control_character_in_url, "control_character_in_url", false},
    {loc_out_of_scope, "loc_out_of_scope", false},
    {invalid_loc, "invalid_loc", false},
    {non_http_loc, "non_http_loc", false},
    {relative_loc, "relative_loc", false},
    {loc_too_long, "loc_too_long", false},
    {not_utf8, "not_utf8", false},
    {unescaped_ampersand, "unescaped_ampersand", false},
    {invalid_lastmod, "invalid_lastmod", false},
    {invalid_changefreq, "invalid_changefreq", false},
    {invalid_priority, "invalid_priority", false},
    {too_many_urls, "too_many_urls", false},
    {sitemap_too_large, "sitemap_too_large", false},
    {not_a_url, "not_a_url", false},
    {missing_link, "missing_link", false},
    {missing_loc, "missing_loc", false},
    {unexpected_element, "unexpected_element", false},
    {too_many_sitemaps, "too_many_sitemaps", false},
    {credentials_in_url, "credentials_in_url", false},
    {duplicate_url, "duplicate_url", false},
    {max_urls_reached, "max_urls_reached", false},
    {max_depth_reached, "max_depth_reached", false},
    {max_sitemaps_reached, "max_sitemaps_reached", false},
    {sitemap_already_loaded, "sitemap_already_loaded", false},
    {sitemap_other_origin, "sitemap_other_origin", false},
    {sitemap_fallback, "sitemap_fallback", false},
    {nested_index, "nested_index", false},
    {robots_too_large, "robots_too_large", false},
    {invalid_sitemap_url, "invalid_sitemap_url", false},
    {rewrite_unused, "rewrite_unused", false},
    {redirected_url, "redirected_url", true},
    {noindex, "noindex", true},
    {robots_disallowed, "robots_disallowed", true},
    {lastmod_after_last_modified, "lastmod_after_last_modified", true},
    {content_type, "content_type", true},
    {slow, "slow", true},
    {status, "status", false},
    {crawl_delay_capped, "crawl_delay_capped", false},
    {linked_redirect, "linked_redirect", false},
    {orphan, "orphan", false},
    {missing_from_sitemap, "missing_from_sitemap", false},
    {canonical_elsewhere, "canonical_elsewhere", false},
    {mixed_content, "mixed_content", false},
    {invalid_link, "invalid_link", false},
    {missing_fragment, "missing_fragment", false},
    {broken_hreflang, "broken_hreflang", false},
    {page_not_parsed, "page_not_parsed", false},
    {stylesheet_not_css, "stylesheet_not_css", false},
    {missing_route, "missing_route", false},
    {unexpected_url, "unexpected_url", false},
};

// to_string() reads the row at the value's index.
static_assert(rows_follow_enum<&FindingCodeName::code>(kNames, FindingCode::unexpected_url),
              "kNames lists every FindingCode once, in the enum's order");

}  // namespace

std::span<const FindingCodeName> finding_code_names() noexcept {
  return kNames;
}

const char* to_string(FindingCode code) noexcept {
  return kNames[static_cast<std::size_t>(code)].name;
}

std::optional<FindingCode> finding_code_from(std::string_view name) noexcept {
  for (const FindingCodeName& row : kNames) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

}  // namespace siteaudit::model
