// url_rewrite.hpp — --rewrite FROM=TO: check a sitemap's URLs on another origin.
//
// A preview deploy serves the production sitemap, whose URLs point at production. --rewrite
// maps a URL prefix to another one, so the checker requests the preview while the report keeps
// the URL as listed. RewriteRules holds every FROM=TO pair:
//
//   * FROM and TO are absolute http:// or https:// URL prefixes with a host, e.g.
//     --rewrite https://example.com=https://preview-42.example.net
//     --rewrite https://example.com/docs/=http://127.0.0.1:8080/
//     The pair is split at the first '=' followed by "http://" or "https://", so FROM may
//     contain '=' (a query) and TO may too.
//   * FROM matches at a boundary: the URL must continue after FROM with '/', '?' or '#', or end
//     there (or, when FROM has a query, with '&') — unless FROM itself ends with '/'. So
//     https://example.com never captures https://example.com.evil.net/, and https://x/docs captures
//     /docs and /docs/a but not /docs-old.
//   * Scheme and host of FROM compare case-insensitively (the loader normalises URLs, so they
//     arrive lower-case); the path is case-sensitive.
//   * A trailing '/' on one side only is normalised: FROM "https://a.test/" with TO
//     "https://b.test" rewrites as if TO were "https://b.test/", and TO "https://b.test/" with
//     FROM "https://a.test" gives no doubled slash. (A TO with a query cannot take the '/' and
//     is refused.)
//   * The longest matching FROM wins, whatever the order given; a URL no FROM matches is
//     requested as is. Giving the same FROM twice is an error.
//
// Example:
//   ParseResult<RewriteRules> parsed =
//       RewriteRules::parse({"https://example.com=https://preview.example.net"});
//   if (!parsed.ok()) return fail(parsed.error());
//   parsed.value().apply("https://example.com/a?b");  // "https://preview.example.net/a?b"
//
// Thread safety: the rules are immutable after parse(); apply() may be called from any number
// of threads (it counts each rule's matches in atomics, which unused() reads after the run).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

class RewriteRules {
 public:
  // RewriteRules() rewrites nothing.
  RewriteRules() = default;

  // parse() validates every FROM=TO; errors name the rule and say what to write.
  [[nodiscard]] static ParseResult<RewriteRules> parse(const std::vector<std::string>& rules);

  // apply() returns `url` with the longest matching FROM replaced by its TO, or `url`
  // unchanged when none matches.
  std::string apply(std::string_view url) const;

  bool empty() const noexcept { return rules_.empty(); }

  // unused() is each rule, as the user wrote it, that apply() never matched: a FROM that names
  // no URL of the run, which --rewrite reports as a warning (a failure with --strict).
  std::vector<std::string> unused() const;

 private:
  struct Rule {
    std::string from;  // scheme and host lower-cased
    std::string to;
    std::string text;  // FROM=TO as given
  };
  // rules_ is sorted by descending FROM length, so the first match is the longest.
  std::vector<Rule> rules_;
  // hits_[i] counts the URLs rules_[i] matched; shared by copies of the rules, as a plan's are.
  std::shared_ptr<std::vector<std::atomic<std::uint64_t>>> hits_;
};

}  // namespace siteaudit::audit
