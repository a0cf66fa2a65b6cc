// link_graph.cpp — referrers, listings and page facts per URL, and the reconciliation.
#include "siteaudit/audit/link_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <tuple>
#include <utility>

#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::audit {

namespace {

Finding crawl_finding(FindingCode code, std::string message, const Result& result) {
  return Finding{.code = code,
                 .message = std::move(message),
                 .where = std::string(result.url),
                 .line = 0,
                 .severity = Severity::warning};
}

bool redirected(const Result& result) {
  return result.detail && !result.detail->redirects.empty() && !result.detail->final_url.empty();
}

// percent_decoded() is `text` with each %XX escape replaced by its byte.
std::string percent_decoded(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool has_finding(const Result& result, FindingCode code) {
  if (!result.detail) return false;
  for (const Finding& f : result.detail->findings)
    if (f.code == code) return true;
  return false;
}

}  // namespace

LinkGraph::~LinkGraph() {
  clear_locked();  // the graph is no longer shared: no lock
}

// --- edges and their pool ------------------------------------------------------------------

namespace {

constexpr std::size_t round_up8(std::size_t n) noexcept {
  return (n + 7) & ~std::size_t{7};
}

// is_long() says that an edge's text or URL of `n` bytes has its size in 4 bytes of its own.
constexpr bool is_long(std::size_t n) noexcept {
  return n >= 254;
}

// edge_record_bytes() is the size of an edge's record for a text and URL of these sizes (0 for
// the URL of a link written as its target's path).
std::size_t edge_record_bytes(std::size_t header, std::size_t text, std::size_t url) noexcept {
  return round_up8(header + (is_long(text) ? 4 : 0) + (is_long(url) ? 4 : 0) + text + url);
}

}  // namespace

std::size_t LinkGraph::Edge::size(std::uint8_t tag, std::size_t at) const noexcept {
  if (tag != kLongSize) return tag;
  std::uint32_t n;
  std::memcpy(&n, after() + at, sizeof n);
  return n;
}

std::string_view LinkGraph::Edge::url(std::string_view target) const noexcept {
  if (url_tag == kTargetPath) return net::after_authority(target).value_or(std::string_view());
  return {chars() + text_size(), url_size()};
}

std::size_t LinkGraph::Edge::bytes() const noexcept {
  return edge_record_bytes(sizeof(Edge), text_size(), url_size());
}

std::uint32_t LinkGraph::EdgePool::new_block(std::size_t bytes, std::uint32_t slots) {
  std::uint32_t index;
  if (!spare_.empty()) {
    index = spare_.back();
    spare_.pop_back();
  } else {
    if (blocks_.size() >= (std::size_t{1} << (32 - kSlotBits)) - 1) {
      rt::fatal("LinkGraph: more than 32 GiB of referrers");
    }
    index = static_cast<std::uint32_t>(blocks_.size());
    blocks_.emplace_back();
  }
  blocks_[index] = Block{.memory = MappedMemory(bytes), .slots = slots};
  return index;
}

void LinkGraph::EdgePool::drop_block(std::uint32_t index) noexcept {
  blocks_[index] = Block{};
  spare_.push_back(index);
}

LinkGraph::EdgeHandle LinkGraph::EdgePool::allocate(std::size_t bytes) {
  if (bytes > kLargest) return handle(new_block(bytes, 0), 0);
  const auto slots = static_cast<std::uint32_t>(bytes / 8);
  std::vector<std::uint32_t>& open = open_[slots];
  for (;;) {
    if (open.empty()) {
      open.push_back(new_block(kSlots * 8, slots));
      blocks_[open.back()].open = true;
    }
    const std::uint32_t index = open.back();
    Block& block = blocks_[index];
    if (block.free != 0) {
      const Handle record = block.free;
      std::memcpy(&block.free, at(record), sizeof block.free);  // the free list's next
      ++block.live;
      return record;
    }
    if (block.carved + slots <= kSlots) {
      const Handle record = handle(index, block.carved);
      block.carved += slots;
      ++block.live;
      return record;
    }
    block.open = false;  // full: listed again when a record is released
    open.pop_back();
  }
}

void LinkGraph::EdgePool::release(Handle record, std::size_t bytes) noexcept {
  const std::uint32_t index = (record - 1) >> kSlotBits;
  Block& block = blocks_[index];
  if (bytes > kLargest) {
    drop_block(index);  // its own block
    return;
  }
  std::memcpy(at(record), &block.free, sizeof block.free);
  block.free = record;
  --block.live;
  std::vector<std::uint32_t>& open = open_[block.slots];
  if (block.live == 0 && !(open.size() == 1 && open.back() == index)) {
    // Empty, and not the one block of its size left to fill: back to the system.
    if (block.open) open.erase(std::find(open.begin(), open.end(), index));
    drop_block(index);
  } else if (!block.open) {
    block.open = true;
    open.push_back(index);
  }
}

void LinkGraph::EdgePool::clear() noexcept {
  std::vector<Block>().swap(blocks_);
  spare_.clear();
  for (std::vector<std::uint32_t>& open : open_) open.clear();
}

LinkGraph::EdgeHandle LinkGraph::make_edge_locked(EdgePool& pool, const LinkOrigin& link,
                                                  std::uint32_t page, std::uint8_t element,
                                                  std::uint8_t attribute, bool target_path) {
  const std::size_t text = link.text.size();
  const std::size_t url = target_path ? 0 : link.written.size();
  if (text > 0xFFFFFFFFu || url > 0xFFFFFFFFu) rt::fatal("LinkGraph: a link of 4 GiB");
  auto tag = [](std::size_t n) {
    return is_long(n) ? Edge::kLongSize : static_cast<std::uint8_t>(n);
  };
  const EdgeHandle record = pool.allocate(edge_record_bytes(sizeof(Edge), text, url));
  auto* edge = new (pool.at(record)) Edge{.page = page,
                                          .line = link.line,
                                          .element = element,
                                          .attribute = attribute,
                                          .text_tag = tag(text),
                                          .url_tag = target_path ? Edge::kTargetPath : tag(url)};
  char* out = reinterpret_cast<char*>(edge + 1);
  for (std::size_t n : {text, url}) {
    if (!is_long(n)) continue;
    const auto wide = static_cast<std::uint32_t>(n);
    std::memcpy(out, &wide, sizeof wide);
    out += sizeof wide;
  }
  out = std::copy(link.text.begin(), link.text.end(), out);
  if (!target_path) std::copy(link.written.begin(), link.written.end(), out);
  return record;
}

void LinkGraph::free_edges(EdgePool& pool, EdgeHandle& edges) noexcept {
  while (edges != 0) {
    Edge& edge = edge_at(pool, edges);
    const EdgeHandle next = edge.next;
    const std::size_t bytes = edge.bytes();
    edge.~Edge();
    pool.release(edges, bytes);
    edges = next;
  }
}

LinkGraph::EdgeHandle LinkGraph::move_edges(EdgePool& from, EdgePool& to, EdgeHandle edges) {
  EdgeHandle moved = 0;
  while (edges != 0) {
    const Edge& edge = edge_at(from, edges);
    const EdgeHandle next = edge.next;
    const std::size_t bytes = edge.bytes();
    const EdgeHandle copy = to.allocate(bytes);
    std::memcpy(to.at(copy), from.at(edges), bytes);  // an Edge is trivially copyable
    edge_at(to, copy).next = moved;
    moved = copy;
    from.release(edges, bytes);
    edges = next;
  }
  return moved;
}

LinkGraph::Entry* LinkGraph::find_locked(std::uint64_t identity) noexcept {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = identity & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) return nullptr;
    Entry& entry = entry_at(slot - 1);
    if (entry.identity == identity) return &entry;
  }
}

std::uint32_t LinkGraph::entry_index_locked(std::uint64_t identity) {
  if ((entry_count_ + 1) * 10 > slots_.size() * 7) grow_locked();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = identity & mask;
  for (;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) break;
    if (entry_at(slot - 1).identity == identity) return slot - 1;
  }
  if (entry_count_ >= 0xFFFFFFFEu) rt::fatal("LinkGraph: more than 4 billion URLs");
  if (entry_count_ % kEntryChunk == 0) entries_.push_back(std::make_unique<Entry[]>(kEntryChunk));
  const auto index = static_cast<std::uint32_t>(entry_count_++);
  entry_at(index).identity = identity;
  slots_[i] = index + 1;
  return index;
}

void LinkGraph::grow_locked() {
  std::vector<std::uint32_t> bigger(slots_.empty() ? 1024 : slots_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (std::size_t index = 0; index < entry_count_; ++index) {
    std::size_t i = entry_at(index).identity & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = static_cast<std::uint32_t>(index + 1);
  }
  slots_.swap(bigger);
}

void LinkGraph::clear_locked() noexcept {
  // The edges die with their pools' blocks.
  edge_pool_.clear();
  kept_pool_.clear();
  std::vector<std::unique_ptr<Entry[]>>().swap(entries_);
  entry_count_ = 0;
  std::vector<std::uint32_t>().swap(slots_);
  canonicals_.clear();
  listed_lastmods_.clear();
}

bool LinkGraph::normal_url_of(const Offered& one) {
  // The Result's URL is the accepted offer's loc; when that is normal, it is the identity's
  // normal form (looked at outside the lock: a scan of the URL).
  if (one.accepted && one.seq >= Entry::kNoSeq) rt::fatal("LinkGraph: a seq beyond 40 bits");
  return one.accepted && (one.offer->normal || net::is_normal_url(one.offer->loc));
}

void LinkGraph::offered(std::uint64_t identity, const Offer& offer, bool accepted,
                        std::uint64_t seq) {
  const Offered one{.identity = identity, .offer = &offer, .accepted = accepted, .seq = seq};
  const bool normal_url = normal_url_of(one);
  std::lock_guard lock(mutex_);
  PageIndex page;
  offered_locked(one, normal_url, page);
}

void LinkGraph::offered_all(std::span<const Offered> offers) {
  std::vector<bool> normal_urls(offers.size());
  for (std::size_t i = 0; i < offers.size(); ++i) normal_urls[i] = normal_url_of(offers[i]);
  std::lock_guard lock(mutex_);
  // A page's links share their referrer: its entry is looked up once, not once a link.
  PageIndex page;
  for (std::size_t i = 0; i < offers.size(); ++i) offered_locked(offers[i], normal_urls[i], page);
}

void LinkGraph::offered_locked(const Offered& one, bool normal_url, PageIndex& page) {
  const Offer& offer = *one.offer;
  Entry& entry = entry_locked(one.identity);
  if (one.accepted) {
    entry.seq = one.seq;
    entry.normal_url = normal_url;
  }
  if (offer.found == Discovery::input) entry.input = true;
  if (offer.found == Discovery::sitemap && !entry.listed) {
    entry.listed = true;
    entry.listed_source = offer.source;
    entry.listed_line = offer.line;
    // Not accepted: a link or an input found the URL first, and its Job had no lastmod. (The
    // link's own offer may reach the graph after this one: the frontier tells the graph after
    // releasing its lock.)
    if (!one.accepted && !offer.lastmod.empty()) {
      listed_lastmods_.insert_or_assign(one.identity, offer.lastmod);
    }
  }
  const LinkOrigin* link = offer.link;
  if (link == nullptr) return;
  if (!link->hreflang.empty()) {
    alternates_.push_back(Alternate{.target = one.identity,
                                    .referrer = link->page_identity,
                                    .hreflang = std::string(link->hreflang),
                                    .written = std::string(link->written),
                                    .line = link->line});
  }
  if (link->page_identity != one.identity) entry.linked = true;
  if (entry.referrer_total != ~std::uint32_t{0}) ++entry.referrer_total;
  // Once the check has ended, only a target that failed or redirected wants its referrers.
  if (entry.settled && !entry.keep) return;
  if (entry.kept >= model::kMaxReferrers) return;
  // A link written as its target's path needs no copy of it when the target's Result lists
  // the URL in the same text as this offer's loc: both normal, with one identity, they are
  // the same text (the frontier takes a normal loc as its identity).
  const bool target_path = entry.normal_url && offer.normal &&
                           net::after_authority(offer.loc) == std::optional(link->written);
  // The page's entry index (the page was accepted before it was parsed; made if not, as a
  // test may skip that). Entries never move: `entry` stays valid.
  if (!page.known || page.identity != link->page_identity) {
    page = PageIndex{.identity = link->page_identity,
                     .index = entry_index_locked(link->page_identity),
                     .known = true};
  }
  EdgePool& pool = pool_of(entry);
  const EdgeHandle edge = make_edge_locked(pool, *link, page.index, name_locked(link->element),
                                           name_locked(link->attribute), target_path);
  edge_at(pool, edge).next = entry.referrers;
  entry.referrers = edge;
  ++entry.kept;
}

std::size_t LinkGraph::edge_blocks() {
  std::lock_guard lock(mutex_);
  return edge_pool_.blocks() + kept_pool_.blocks();
}

void LinkGraph::fragment_link(std::uint64_t target, std::string_view fragment,
                              const LinkOrigin& origin) {
  std::lock_guard lock(mutex_);
  fragments_.push_back(FragmentLink{.target = target,
                                    .referrer = origin.page_identity,
                                    .fragment = std::string(fragment),
                                    .line = origin.line,
                                    .written = std::string(origin.written)});
}

void LinkGraph::anchors(const Job& job, const std::vector<std::string>& anchors) {
  std::lock_guard lock(mutex_);
  anchors_[job.identity].insert(anchors.begin(), anchors.end());
}

void LinkGraph::check_fragments_locked(Report& report) {
  // The HTML standard scrolls to the top for "#top" whatever the page holds.
  std::unordered_map<std::uint64_t, std::size_t> per_page;  // findings per referring page
  for (const FragmentLink& link : fragments_) {
    if (net::iequals(link.fragment, "top")) continue;
    const Entry* target = find_locked(link.target);
    const Entry* referrer = find_locked(link.referrer);
    if (target == nullptr || !target->parsed) continue;  // not read: no anchors
    if (referrer == nullptr || referrer->seq >= report.results.size()) continue;
    const auto known = anchors_.find(link.target);
    // A fragment is percent-decoded before it is compared with the ids (the HTML standard's
    // "find a potential indicated element" tries both).
    const std::string decoded = percent_decoded(link.fragment);
    if (known != anchors_.end() &&
        (known->second.contains(link.fragment) || known->second.contains(decoded))) {
      continue;
    }
    Result& page = report.results[referrer->seq];
    if (++per_page[link.referrer] > 10) continue;
    page.details().findings.push_back(Finding{
        .code = FindingCode::missing_fragment,
        .message = fmt::format("{} points at #{}, but that page has no element with that id or "
                               "<a name>",
                               link.written, link.fragment),
        .where = std::string(page.url),
        .line = link.line,
        .severity = Severity::warning});
  }
}

void LinkGraph::check_alternates_locked(Report& report) {
  for (const Alternate& alternate : alternates_) {
    const Entry* target = find_locked(alternate.target);
    const Entry* referrer = find_locked(alternate.referrer);
    if (target == nullptr || target->seq >= report.results.size()) continue;
    if (referrer == nullptr || referrer->seq >= report.results.size()) continue;
    const Result& gone = report.results[target->seq];
    if (gone.outcome != Outcome::failed) continue;
    Result& page = report.results[referrer->seq];
    page.details().findings.push_back(
        Finding{.code = FindingCode::broken_hreflang,
                .message = fmt::format("the hreflang=\"{}\" alternate {} fails: {}",
                                       alternate.hreflang, alternate.written,
                                       gone.status != 0 ? fmt::format("status {}", gone.status)
                                       : gone.detail    ? gone.detail->error
                                                        : std::string("no answer")),
                .where = std::string(page.url),
                .line = alternate.line,
                .severity = Severity::warning});
  }
}

std::uint8_t LinkGraph::name_locked(std::string_view name) {
  // A handful of names (the link elements and attributes, "redirect", "location"): a look
  // along a short vector beats hashing.
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<std::uint8_t>(i);
  if (names_.size() > 255) rt::fatal("LinkGraph: more than 256 element and attribute names");
  names_.emplace_back(name);
  return static_cast<std::uint8_t>(names_.size() - 1);
}

std::string_view LinkGraph::page_url(std::uint32_t page, const Report& report) {
  const Entry* entry = page < entry_count_ ? &entry_at(page) : nullptr;
  // A referrer is a page that was parsed, so it was accepted and has its Result.
  if (entry == nullptr || entry->seq >= report.results.size()) {
    rt::fatal("LinkGraph: a referring page has no result");
  }
  return report.results[entry->seq].url;
}

void LinkGraph::parsed(const Job& job, PageSummary page) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(job.identity);
  entry.parsed = true;
  entry.noindex = page.noindex;
  entry.indexable = page.indexable;
  if (!page.canonical.empty()) {
    canonicals_[job.identity] = std::move(page.canonical);
  } else {
    canonicals_.erase(job.identity);
  }
}

void LinkGraph::settled(const Job& job, const Result& result,
                        std::optional<UtcSeconds> last_modified) {
  // A listing finding of failure severity (--strict) fails the URL if a sitemap lists it:
  // its referrers are kept until finish() knows.
  bool may_fail = false;
  if (result.detail) {
    for (const Finding& finding : result.detail->listing_findings)
      may_fail = may_fail || finding.severity == Severity::failure;
  }
  const bool keep = result.outcome == Outcome::failed || result.outcome == Outcome::inconclusive ||
                    redirected(result) || may_fail;
  std::uint32_t served = 0;
  if (last_modified) {
    const auto since_1970 = last_modified->time_since_epoch().count();
    if (since_1970 > 0 && since_1970 <= 0xffffffffLL)
      served = static_cast<std::uint32_t>(since_1970);
  }
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(job.identity);
  EdgePool& before = pool_of(entry);
  entry.seq = job.seq;
  entry.settled = true;
  entry.last_modified = served;
  entry.keep = keep;
  if (!keep) {
    free_edges(before, entry.referrers);
    entry.kept = 0;
  } else if (&before != &kept_pool_) {
    entry.referrers = move_edges(before, kept_pool_, entry.referrers);
  }
}

void LinkGraph::fill_result(Entry& entry, Result& result, Report& report, bool orphans_decidable,
                            bool any_listed) {
  CrawlReport& crawl = report.crawl;
  fill_listing(entry, result);
  // Reported only for a URL that failed (perhaps by a listing finding), gave up or redirected.
  const bool reported = result.outcome == Outcome::failed ||
                        result.outcome == Outcome::inconclusive || redirected(result);
  if (entry.keep && reported && entry.referrer_total > 0) {
    ResultDetail& detail = result.details();
    detail.referrers.reserve(entry.kept);
    EdgePool& pool = pool_of(entry);
    for (EdgeHandle at = entry.referrers; at != 0; at = edge_at(pool, at).next) {
      const Edge* edge = &edge_at(pool, at);
      detail.referrers.push_back(model::Referrer{.page = std::string(page_url(edge->page, report)),
                                                 .line = edge->line,
                                                 .element = names_[edge->element],
                                                 .attribute = names_[edge->attribute],
                                                 .text = std::string(edge->text()),
                                                 .url = std::string(edge->url(result.url))});
    }
    // Found in whatever order the workers parsed the pages: sorted, a report is the same
    // from run to run.
    std::sort(detail.referrers.begin(), detail.referrers.end(),
              [](const model::Referrer& a, const model::Referrer& b) {
                return std::tie(a.page, a.line, a.element, a.attribute, a.url) <
                       std::tie(b.page, b.line, b.element, b.attribute, b.url);
              });
    free_edges(pool, entry.referrers);
    entry.kept = 0;
    detail.referrer_count = entry.referrer_total;
    if (result.outcome == Outcome::failed) {
      ++crawl.broken;
    } else if (redirected(result)) {
      ++crawl.linked_redirects;
      detail.findings.push_back(crawl_finding(
          FindingCode::linked_redirect,
          fmt::format("{} {} link{} here, and it redirects to {}: link to the final URL instead",
                      entry.referrer_total, entry.referrer_total == 1 ? "page" : "pages",
                      entry.referrer_total == 1 ? "s" : "", detail.final_url),
          result));
    }
  }
  const auto canonical = entry.parsed ? canonicals_.find(entry.identity) : canonicals_.end();
  const bool canonical_elsewhere = canonical != canonicals_.end();
  if (entry.listed && entry.parsed) {
    if (entry.noindex && !has_finding(result, FindingCode::noindex)) {
      result.details().findings.push_back(crawl_finding(
          FindingCode::noindex,
          "the page's <meta name=robots> says noindex, yet a sitemap lists it: remove it from "
          "the sitemap or drop the noindex",
          result));
    }
    if (canonical_elsewhere) {
      result.details().findings.push_back(crawl_finding(
          FindingCode::canonical_elsewhere,
          fmt::format("the page names {} as its canonical URL, yet a sitemap lists this URL: list "
                      "the canonical URL instead",
                      canonical->second),
          result));
    }
  }
  if (!entry.listed && entry.parsed && any_listed && entry.indexable && !canonical_elsewhere &&
      result.outcome == Outcome::ok) {
    ++crawl.missing_from_sitemap;
    result.details().findings.push_back(crawl_finding(
        FindingCode::missing_from_sitemap,
        "an indexable page that the crawl reached, but no sitemap lists it: add it to a sitemap",
        result));
  }
  if (entry.listed && !entry.linked && !entry.input && orphans_decidable) {
    ++crawl.orphans;
    result.details().findings.push_back(crawl_finding(
        FindingCode::orphan,
        "a sitemap lists this URL, but no crawled page links to it: link to it, or drop it from "
        "the sitemap if it is gone",
        result));
  }
}

void LinkGraph::fill_listing(const Entry& entry, Result& result) {
  // How the URL was found, by precedence rather than by which offer came first (a race
  // between the loader and the crawl): an input, else a sitemap's, else a link's.
  result.found = entry.input    ? Discovery::input
                 : entry.listed ? Discovery::sitemap
                                : Discovery::link;
  std::vector<Finding> findings;
  if (result.detail) findings = std::exchange(result.detail->listing_findings, {});
  if (!entry.listed || result.source != model::kNoSource) return;  // listed first: done then
  // Found by a link before the sitemap listed it: the sitemap's place is still its place.
  result.source = entry.listed_source;
  result.line = entry.listed_line;
  if (auto lastmod = listed_lastmods_.find(entry.identity); lastmod != listed_lastmods_.end()) {
    result.details().lastmod = lastmod->second;
    if (entry.last_modified != 0) {
      const UtcSeconds served{std::chrono::seconds(entry.last_modified)};
      if (auto finding = lastmod_finding(result.url, lastmod->second, served,
                                         format_http_date(served), hygiene_)) {
        findings.push_back(std::move(*finding));
      }
    }
  }
  add_hygiene_findings(result, std::move(findings));
}

void LinkGraph::finish(Report& report, std::string incomplete) {
  CrawlReport& crawl = report.crawl;
  crawl.pages = pages_.load();
  crawl.links = links_.load();
  crawl.mailto = schemes_.mailto.load();
  crawl.tel = schemes_.tel.load();
  crawl.javascript = schemes_.javascript.load();
  crawl.data = schemes_.data.load();
  crawl.other_scheme = schemes_.other.load();
  crawl.invalid = schemes_.invalid.load();
  if (incomplete.empty() && pages_failed_.load() > 0) {
    const std::uint64_t failed = pages_failed_.load();
    incomplete =
        fmt::format("{} in-scope page{} could not be loaded", failed, failed == 1 ? "" : "s");
  }
  crawl.complete = incomplete.empty();
  crawl.incomplete_reason = std::move(incomplete);

  std::lock_guard lock(mutex_);
  bool any_listed = false;
  for (std::size_t index = 0; index < entry_count_; ++index)
    any_listed = any_listed || entry_at(index).listed;
  for (std::size_t index = 0; index < entry_count_; ++index) {
    Entry& entry = entry_at(index);
    if (entry.seq >= report.results.size()) continue;  // refused (shard, --max-urls)
    Result& result = report.results[entry.seq];
    // One Result per accepted URL, in seq order: what run_pipeline() sorted.
    if (result.seq != entry.seq) rt::fatal("LinkGraph::finish: the results are not in seq order");
    fill_result(entry, result, report, crawl.complete, any_listed);
  }
  if (check_fragments_) check_fragments_locked(report);
  check_alternates_locked(report);
  clear_locked();
  fragments_.clear();
  alternates_.clear();
  anchors_.clear();
}

}  // namespace siteaudit::audit
