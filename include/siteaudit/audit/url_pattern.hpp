// url_pattern.hpp — one user-supplied regular expression, compiled once, searched in URLs.
//
// --include, --exclude and --status-rule url=... all take regular expressions in RE2's syntax
// (man siteaudit, PATTERNS) that are searched anywhere in a URL (anchor with ^ and $ to match
// the whole URL), byte by byte. UrlPattern is the one place that compiles and runs them, and
// keeps RE2 out of every header. The search takes time linear in the URL and never recurses
// per character, so a URL of any length is safe on a 64 KiB fiber stack.
//
// Example:
//   ParseResult<UrlPattern> p = UrlPattern::compile("--exclude", "\\.pdf$");
//   if (!p.ok()) return fail(p.error());
//   bool hit = p.value().search("https://example.com/a.pdf");  // true
//
// Thread safety: immutable after compile(); copies share the compiled expression, and
// search() may be called from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

class UrlPattern {
 public:
  // compile() fails with "OPTION: 'PATTERN' is not a valid regular expression: WHY", where WHY
  // is said in words (a leading '*' from a glob gets its own hint).
  [[nodiscard]] static ParseResult<UrlPattern> compile(std::string_view option, std::string text);

  // search() is true when the expression matches anywhere in `url`.
  bool search(std::string_view url) const;

  // text() is the pattern as the user wrote it, for reasons and messages.
  const std::string& text() const noexcept { return text_; }

 private:
  struct Compiled;
  UrlPattern(std::string text, std::shared_ptr<const Compiled> compiled);

  std::string text_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace siteaudit::audit
