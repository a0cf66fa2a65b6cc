// link_extractor_fuzzer.cpp — libFuzzer target for link extraction: the input is a page, and
// the product's extractor (MyHTML) must find exactly the links and page facts the oracle
// (gumbo) finds. A disagreement aborts with both answers. Input on which gumbo is known to be
// wrong (gumbo_link_extractor.hpp) is skipped.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "audit/gumbo_link_extractor.hpp"
#include "siteaudit/audit/link_extractor.hpp"

namespace {

using siteaudit::audit::ExtractResult;

// Key is what must agree: the link as written, where it was found, and where it leads.
using Key = std::tuple<std::string, std::string, std::string, std::string>;

// keys() is the set of links: where misnested formatting elements are reconstructed (an <a>
// cut by a <table> or a <p>), the parsers may clone an <a> a different number of times, which
// repeats a link the page already has and changes nothing the crawl checks (as in the
// differential test, tests/audit/link_extractor_test.cpp).
std::set<Key> keys(const ExtractResult& result) {
  std::set<Key> out;
  for (const auto& link : result.links)
    out.emplace(link.url, link.element, link.attribute, link.resolved);
  return out;
}

void print(const char* name, const ExtractResult& result) {
  std::fprintf(stderr, "%s: base=%s canonical=%s noindex=%d nofollow=%d anchors=%zu\n", name,
               result.page.base.c_str(), result.page.canonical.c_str(), result.page.noindex,
               result.page.nofollow, result.page.anchors.size());
  for (const auto& link : result.links)
    std::fprintf(stderr, "  %s %s '%.*s' -> %.*s\n", link.element.c_str(), link.attribute.c_str(),
                 static_cast<int>(link.url.size()), link.url.data(),
                 static_cast<int>(link.resolved.size()), link.resolved.data());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto product = siteaudit::audit::make_myhtml_link_extractor();
  static auto oracle = siteaudit::audit::make_gumbo_link_extractor();
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  if (siteaudit::audit::gumbo_misreads(html)) return -1;  // not added to the corpus
  const ExtractResult actual = product->extract(html, "https://example.com/dir/page.html");
  // Nesting past kMaxNesting is refused by design (link_extractor.hpp); gumbo has no such cap.
  if (!actual.ok() && actual.error.find("nest more than") != std::string::npos) return -1;
  const ExtractResult expected = oracle->extract(html, "https://example.com/dir/page.html");
  if (keys(actual) != keys(expected) || actual.page.base != expected.page.base ||
      actual.page.canonical != expected.page.canonical ||
      actual.page.noindex != expected.page.noindex ||
      actual.page.nofollow != expected.page.nofollow ||
      actual.page.anchors != expected.page.anchors) {
    std::fprintf(stderr, "link extraction: MyHTML and gumbo disagree\n");
    print("myhtml", actual);
    print("gumbo", expected);
    std::abort();
  }
  return 0;
}
