// finding.hpp — a warning or failure about the sitemap itself, not about a page's HTTP status.
//
// Findings come from the loader's lint rules (relative <loc>, bad lastmod, duplicates, ...)
// and from the checker's hygiene rules (a listed URL that redirects, is noindex, ...). Each has
// a stable machine-readable `code` and a message a person can act on, and names the place:
// the sitemap URL and line, or the page URL.
#pragma once

#include <cstdint>
#include <string>

namespace siteaudit::model {

enum class Severity : std::uint8_t { warning, failure };

struct Finding {
  // code is stable across releases: "relative_loc", "invalid_lastmod", "duplicate_url",
  // "redirected_url", "noindex", "robots_disallowed", "lastmod_after_last_modified", ...
  std::string code;
  std::string message;
  // where is the sitemap URL (or page URL for hygiene findings) the finding is about.
  std::string where;
  std::uint32_t line = 0;
  Severity severity = Severity::warning;
};

}  // namespace siteaudit::model
