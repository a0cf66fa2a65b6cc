// finding.hpp — a warning or failure about the sitemap itself, not about a page's HTTP status.
//
// Findings come from the loader's lint rules (relative <loc>, bad lastmod, duplicates, ...)
// and from the checker's hygiene rules (a listed URL that redirects, is noindex, ...). Each has
// a stable machine-readable `code` (finding_code.hpp) and a message a person can act on, and names
// the place: the sitemap URL and line, or the page URL.
#pragma once

#include <cstdint>
#include <string>

#include "siteaudit/model/finding_code.hpp"

namespace siteaudit::model {

enum class Severity : std::uint8_t { warning, failure };

struct Finding {
  FindingCode code = FindingCode::status;
  std::string message;
  // where is the sitemap URL (or page URL for hygiene findings) the finding is about.
  std::string where;
  std::uint32_t line = 0;
  Severity severity = Severity::warning;
};

}  // namespace siteaudit::model
