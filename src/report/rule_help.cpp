// rule_help.cpp — the words behind each rule. Keyed by the code's word rather than indexed by
// the enum, so that a code added to the model's tables needs no change here to be reported.
#include "rule_help.hpp"

#include <fmt/format.h>

#include <string_view>

namespace siteaudit::report {

namespace {

struct HelpRow {
  std::string_view word;
  std::string_view summary;
  std::string_view advice;
};

constexpr HelpRow kErrorHelp[] = {
    {"dns", "The URL's host name does not resolve.",
     "Check the host name in the sitemap and the site's DNS records."},
    {"connect", "The connection to the server was refused or the host is unreachable.",
     "Check that the server is up and listening on the URL's port."},
    {"tls", "The TLS handshake or the server's certificate failed.",
     "Renew or fix the certificate chain, or pass --ca-file for a private CA."},
    {"timeout", "The server did not answer within --timeout.",
     "Find out why the page is slow, or raise --timeout."},
    {"reset", "The server closed or reset the connection before the response was complete.",
     "Look at the server's error log for the request."},
    {"too_many_redirects", "The URL redirects more times than siteaudit follows.",
     "List the final URL in the sitemap instead of one that redirects."},
    {"redirect_loop", "The URL's redirects lead back to a URL already visited.",
     "Fix the redirect rules of the server so that the chain ends."},
    {"redirect_refused",
     "A redirect points somewhere siteaudit does not follow (not http or https, or refused by "
     "the redirect policy).",
     "List the final URL in the sitemap."},
    {"body_too_large", "The response body is larger than --max-body.",
     "Raise --max-body, or check the page with HEAD (--method head)."},
    {"cancelled", "The run was interrupted before this URL's check ended.",
     "Run the audit again without interrupting it, or raise --max-time."},
    {"protocol", "The reply is not valid HTTP.",
     "Look at the server or proxy that answered: the status line, headers or chunked "
     "encoding are malformed."},
    {"invalid_url", "The URL cannot be requested as written.",
     "Fix the URL in the sitemap: it must be an absolute http or https URL."},
    {"too_many_open_files", "No file descriptor was free for the connection.",
     "Raise the open-file limit (ulimit -n) or lower --workers."},
    {"status", "The final HTTP status is not one that passes (--accept, --status-rule).",
     "Fix the page, or remove it from the sitemap; if the status is intended, accept it with "
     "--accept or a --status-rule."},
    {"status_rule", "A --status-rule skips this URL.", "Nothing to do unless the rule is wrong."},
    {"excluded", "--include or --exclude leaves this URL out.",
     "Nothing to do unless the patterns are wrong."},
    {"robots", "robots.txt disallows this URL and --respect-robots is on.",
     "A sitemap should not list URLs that robots.txt disallows: remove one or the other."},
    {"other_origin", "--same-origin-only skips URLs on other origins.",
     "Nothing to do unless the sitemap should list only its own origin."},
    {"external", "--crawl --no-external skips links outside the crawl's scope.",
     "Nothing to do unless the links out of the site should be checked too."},
};

constexpr HelpRow kFindingHelp[] = {
    {"empty_loc", "A <loc> element is empty.", "Give every <url> a <loc> with its URL."},
    {"control_character_in_url", "A listed URL holds a control character.",
     "Remove the character; the URL is not requested as listed."},
    {"loc_out_of_scope",
     "A URL is outside the sitemap's scope (another host, or above the sitemap's folder).",
     "Move the URL to a sitemap on its own host and folder, or the sitemap up."},
    {"invalid_loc", "A <loc> is not a valid URL.", "Write it as an absolute, escaped URL."},
    {"non_http_loc", "A <loc> is not an http or https URL.", "List only web pages."},
    {"relative_loc", "A <loc> is a relative URL.",
     "Write it as an absolute URL: sitemaps.org requires the scheme and host."},
    {"loc_too_long", "A listed URL has 2,048 characters or more.",
     "Shorten it: sitemaps.org allows fewer than 2,048 characters, and search engines drop "
     "longer URLs."},
    {"not_utf8", "A sitemap is not UTF-8, or a listed URL has a byte that is not UTF-8.",
     "Write the sitemap in UTF-8, as sitemaps.org requires, with non-ASCII characters of URLs "
     "percent-encoded from their UTF-8 bytes."},
    {"unescaped_ampersand", "A '&' in a <loc> starts no XML reference.",
     "Write it as &amp;: a sitemap with a bare '&' is not well-formed XML, and search engines "
     "may reject it."},
    {"invalid_lastmod", "A <lastmod> is not a W3C Datetime.",
     "Write it as YYYY-MM-DD or a full date and time with a time zone."},
    {"invalid_changefreq", "A <changefreq> is not one of the sitemaps.org words.",
     "Use always, hourly, daily, weekly, monthly, yearly or never, or leave it out."},
    {"invalid_priority", "A <priority> is not a number from 0.0 to 1.0.",
     "Fix the value or leave it out."},
    {"too_many_urls", "The sitemap lists more than 50,000 URLs.",
     "Split it into several sitemaps under a sitemap index."},
    {"sitemap_too_large", "The sitemap is larger than the 50 MB sitemaps.org allows.",
     "Split it into several sitemaps under a sitemap index."},
    {"not_a_url", "A line of a text sitemap is not a URL.",
     "A text sitemap holds one absolute URL per line and nothing else."},
    {"missing_link", "An RSS or Atom entry has no link.", "Give every entry a link."},
    {"missing_loc", "A <url> or <sitemap> element has no <loc>.", "Add the <loc>."},
    {"unexpected_element", "The sitemap holds an element sitemaps.org does not define here.",
     "Remove it, or declare its namespace if it is an extension."},
    {"too_many_sitemaps", "The sitemap index lists more than 50,000 sitemaps.", "Split the index."},
    {"credentials_in_url", "A listed URL carries a user name or password.",
     "Remove the credentials: the sitemap publishes them."},
    {"duplicate_url", "A URL is listed more than once.", "List each URL once."},
    {"max_urls_reached", "--max-urls stopped the run from checking every listed URL.",
     "Raise --max-urls to check them all."},
    {"max_depth_reached", "A sitemap index is nested deeper than --max-depth.",
     "Flatten the indexes or raise --max-depth."},
    {"max_sitemaps_reached", "More sitemaps are listed than --max-sitemaps loads.",
     "Raise --max-sitemaps."},
    {"sitemap_already_loaded", "A sitemap is listed more than once.", "List each sitemap once."},
    {"sitemap_other_origin", "An index lists a sitemap on another origin.",
     "Keep sitemaps on the origin of their URLs, or declare them in that origin's robots.txt."},
    {"sitemap_fallback", "No sitemap was declared, so a well-known location was tried.",
     "Declare the sitemap with a Sitemap: line in robots.txt."},
    {"nested_index", "A sitemap index lists another sitemap index.",
     "sitemaps.org does not allow nested indexes: list the sitemaps directly."},
    {"robots_too_large", "robots.txt is larger than the 500 KiB crawlers read.",
     "Shorten robots.txt."},
    {"invalid_sitemap_url", "A Sitemap: line or index entry is not a usable URL.",
     "Write it as an absolute http or https URL."},
    {"rewrite_unused",
     "A --rewrite rule matched no URL of the run, so nothing was rewritten by it.",
     "Check FROM against the sitemap's URLs (scheme, host, path and its case), or drop the rule."},
    {"redirected_url", "A listed URL redirects.",
     "List the final URL instead: search engines want canonical URLs in sitemaps."},
    {"noindex", "A listed page says noindex (meta robots or X-Robots-Tag).",
     "Remove the page from the sitemap, or remove the noindex."},
    {"robots_disallowed", "robots.txt disallows a listed URL.",
     "Remove the URL from the sitemap, or allow it in robots.txt."},
    {"lastmod_after_last_modified",
     "The sitemap's <lastmod> is later than the page's Last-Modified header.",
     "Generate <lastmod> from the page's real modification time."},
    {"content_type", "The page's Content-Type is not the one --content-type requires.",
     "Serve the page with the expected type, or list only such pages."},
    {"slow", "The page took longer than --slow.", "Find out why the page is slow."},
    {"status", "A --status-rule with the warn action matched the page's status.",
     "Fix the page, or change the rule to ok."},
    {"crawl_delay_capped", "robots.txt asks for a Crawl-delay longer than siteaudit waits.",
     "Nothing to do unless the delay matters to the server."},
    {"linked_redirect", "Pages of the site link to a URL that redirects.",
     "Link to the final URL instead; the referring pages are listed with the finding."},
    {"orphan", "A sitemap URL that no crawled page links to.",
     "Link to the page from the site, or remove it from the sitemap if it is gone."},
    {"missing_from_sitemap", "An indexable page of the site that no sitemap lists.",
     "Add the page to a sitemap, or mark it noindex if it should not be found."},
    {"canonical_elsewhere", "A sitemap URL whose page names another URL as its canonical.",
     "List the canonical URL in the sitemap instead."},
    {"mixed_content", "An https: page loads an http: image, script, stylesheet, frame or media.",
     "Load the resource over https:."},
    {"invalid_link", "A link on a page is not a URL any parser accepts.",
     "Fix the link in the page's HTML."},
    {"missing_fragment", "A link's #fragment names no id or <a name> of the page it points to.",
     "Fix the fragment, or add the id to the target page."},
    {"page_not_parsed",
     "A page of the site could not be read for links (a charset siteaudit "
     "cannot decode).",
     "Serve the page as UTF-8, or name a charset siteaudit reads."},
    {"stylesheet_not_css",
     "A stylesheet the site's pages load is served with a content type other than text/css, "
     "so browsers do not apply it.",
     "Serve the stylesheet as text/css."},
    {"broken_hreflang", "A page's <link rel=alternate hreflang> points to a URL that fails.",
     "Fix the alternate's URL, or remove the link from the page."},
    {"missing_route", "An expected route (--expect) matches no URL of the sitemaps.",
     "Add the page to the sitemap, or remove the route from the routes file."},
    {"unexpected_url", "A sitemap URL matches no expected route (--expect).",
     "Add a route for it, or remove it from the sitemap."},
};

template <std::size_t N>
const HelpRow* find_row(const HelpRow (&rows)[N], std::string_view word) {
  for (const HelpRow& row : rows) {
    if (row.word == word) return &row;
  }
  return nullptr;
}

RuleHelp help_of(const HelpRow* row, std::string_view word, std::string_view section) {
  if (row != nullptr) return {std::string(row->summary), std::string(row->advice)};
  return {fmt::format("siteaudit reports {}.", word),
          fmt::format("See {} in siteaudit(1).", section)};
}

}  // namespace

RuleHelp error_help(model::ErrorKind kind) {
  const char* word = model::to_string(kind);
  return help_of(find_row(kErrorHelp, word), word, "LIMITS AND ERRORS");
}

RuleHelp finding_help(model::FindingCode code) {
  const char* word = model::to_string(code);
  return help_of(find_row(kFindingHelp, word), word, "JSON REPORT, Findings,");
}

RuleHelp source_error_help() {
  return {"A sitemap or robots.txt could not be loaded or parsed, so its URLs were not checked.",
          "Fix the file the message names at the line it gives, or the URL of the input."};
}

}  // namespace siteaudit::report
