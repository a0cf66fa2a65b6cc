// link_extractor.cpp — the product's choice of HTML parser.
#include "siteaudit/audit/link_extractor.hpp"

namespace siteaudit::audit {

LinkExtractor::~LinkExtractor() = default;

// MyHTML parses the bench site's pages about ten times as fast as gumbo and finds the same
// links (scripts/bench/RESULTS.md, "Link extraction"; the differential test).
std::unique_ptr<LinkExtractor> make_link_extractor() {
  return make_myhtml_link_extractor();
}

}  // namespace siteaudit::audit
