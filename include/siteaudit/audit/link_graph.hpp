// link_graph.hpp — what crawl mode learns about each URL: who links to it, whether a sitemap
// lists it, what its page says about itself.
//
// The frontier tells the graph of every offer (accepted or duplicate) under the URL's identity
// (the hash of its normalised form); the workers tell it what they learnt from each parsed
// page and how each check ended. When the run is over, finish() turns that into the report's
// crawl findings: the referrers of every broken URL, internal links to redirects, orphans
// (sitemap URLs no crawled page links to), pages missing from the sitemaps, noindex and
// canonical-elsewhere pages that a sitemap lists.
//
// Memory grows with unique URLs, not with links: an entry per URL holds flags and counts, and
// referrers (the compact edge records) are kept only while the target's outcome is unknown
// and, after it, only when the target failed or redirected (at most kMaxReferrers each). A
// site whose every page links to the same menu keeps no edge for it once the menu's URLs have
// been checked.
//
// Example:
//   LinkGraph graph;
//   FrontierOptions options{.observer = graph.observer()};
//   ... graph.parsed(job, facts); graph.settled(job, result);   // on the workers
//   graph.finish(report, crawl_status);                        // after the run
//
// Thread safety: every method but finish() may be called from any fiber on any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "siteaudit/audit/datetime.hpp"
#include "siteaudit/audit/hygiene.hpp"
#include "siteaudit/audit/link_extractor.hpp"
#include "siteaudit/audit/mapped_memory.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/model/referrer.hpp"
#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::audit {

struct Offer;
struct LinkOrigin;

// LinkScheme counts: the links that are not requested.
struct SchemeCounts {
  std::atomic<std::uint64_t> mailto{0}, tel{0}, javascript{0}, data{0}, other{0}, invalid{0};
};

// PageSummary is what a parsed page says about itself, as the reconciliation needs it.
struct PageSummary {
  bool indexable = false;  // answered 2xx with HTML, no noindex in meta or X-Robots-Tag
  bool noindex = false;    // meta robots (the header is the checker's noindex finding)
  // canonical is the page's rel=canonical when it names another URL; empty when it names the
  // page itself or there is none.
  std::string canonical;
};

class LinkGraph {
 public:
  // LinkGraph() keeps fragments and anchors too when `check_fragments` (--check-fragments);
  // `hygiene` are the rules a URL's listing is judged by when a link found it first.
  explicit LinkGraph(bool check_fragments = false, HygieneRules hygiene = {})
      : hygiene_(std::move(hygiene)), check_fragments_(check_fragments) {}
  LinkGraph(const LinkGraph&) = delete;
  LinkGraph& operator=(const LinkGraph&) = delete;
  ~LinkGraph();

  // offered() records one offer the frontier decided on: `accepted` with its `seq`, or a
  // duplicate (seq unknown). A link offer carries its referrer (Offer::link); a sitemap offer
  // marks the URL listed, and keeps its lastmod when a link or an input found the URL first.
  void offered(std::uint64_t identity, const Offer& offer, bool accepted, std::uint64_t seq);
  // Offered is one decided offer, for offered_all().
  struct Offered {
    std::uint64_t identity = 0;
    const Offer* offer = nullptr;
    bool accepted = false;
    std::uint64_t seq = 0;
  };
  // offered_all() is offered() of each in turn, under one lock (a crawled page's links).
  void offered_all(std::span<const Offered> offers);

  // parsed() records what an in-scope page said about itself.
  void parsed(const Job& job, PageSummary page);

  // settled() records how the check of `job` ended: the referrers of a URL that failed or
  // redirected are kept for the report, the others dropped (and no more are stored).
  // `last_modified` is the check's CheckFacts::last_modified, for the lastmod of a listing that
  // comes after a link or an input found the URL.
  void settled(const Job& job, const Result& result,
               std::optional<UtcSeconds> last_modified = std::nullopt);

  // check_fragments() is true under --check-fragments.
  bool check_fragments() const noexcept { return check_fragments_; }
  // fragment_link() records a link to `fragment` (without '#') of the page `target` (an
  // identity), to be checked against that page's anchors once the run is over.
  void fragment_link(std::uint64_t target, std::string_view fragment, const LinkOrigin& origin);
  // anchors() records the ids and <a name>s of a parsed page (--check-fragments).
  void anchors(const Job& job, const std::vector<std::string>& anchors);

  // page_failed() notes an in-scope page that could not be loaded: orphans are undecidable.
  void page_failed() { pages_failed_.fetch_add(1, std::memory_order_relaxed); }
  // counted() adds one page's parse to the totals.
  void counted(std::uint64_t links) {
    pages_.fetch_add(1, std::memory_order_relaxed);
    links_.fetch_add(links, std::memory_order_relaxed);
  }
  // counted_links() adds a stylesheet's URLs to the links (it is no page).
  void counted_links(std::uint64_t links) { links_.fetch_add(links, std::memory_order_relaxed); }
  // schemes are the links not requested, by scheme.
  SchemeCounts& schemes() noexcept { return schemes_; }
  // edge_blocks() counts the 64 KiB blocks (and large records) the referrers hold: what the
  // tests see of the edge pools' memory.
  std::size_t edge_blocks();

  // finish() attaches referrers and the crawl findings to `report.results` (in seq order, one
  // per accepted URL) and fills `report.crawl`'s counts. A URL a sitemap lists is reported as
  // the sitemap's, with its lastmod and hygiene findings, whether a link reached it first or
  // not, so that a report does not depend on which came first. `incomplete` says why the crawl did
  // not see the whole site ("" when it did): orphans are then reported as undecidable.
  void finish(Report& report, std::string incomplete);

 private:
  // EdgePool is where the edges live: records rounded up to 8 bytes in 64 KiB blocks, each
  // block of one record size with its own free list and count of live records, named by a
  // 32-bit handle (block and 8-byte slot; 0 is none). Edges come and go by the million (a link
  // to a URL not yet checked leaves one, freed when the URL passes; a 1,000,000-page crawl held
  // 1.5 million at once): from malloc, each cost 16 to 24 bytes more (its header and rounding)
  // and a pointer where a handle takes 4, and their holes fragmented the heap. A block whose
  // records are all free goes back to the system (but the last open block of its size), so
  // the pool shrinks as the crawl's pending links settle; a record larger than kLargest gets a
  // block of its own. Guarded by the graph's mutex.
  class EdgePool {
   public:
    using Handle = std::uint32_t;
    EdgePool() = default;
    EdgePool(const EdgePool&) = delete;
    EdgePool& operator=(const EdgePool&) = delete;
    Handle allocate(std::size_t bytes);
    void release(Handle record, std::size_t bytes) noexcept;
    char* at(Handle record) const noexcept {
      const Handle h = record - 1;
      return blocks_[h >> kSlotBits].memory.data() + std::size_t{h & kSlotMask} * 8;
    }
    // blocks() counts the blocks that hold memory (for the tests).
    std::size_t blocks() const noexcept { return blocks_.size() - spare_.size(); }
    void clear() noexcept;

   private:
    static constexpr unsigned kSlotBits = 13;  // 8-byte slots of a block
    static constexpr Handle kSlotMask = (Handle{1} << kSlotBits) - 1;
    static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;  // 64 KiB a block
    static constexpr std::size_t kLargest = 1024;
    struct Block {
      // Mapped, not malloc'd: a block given back leaves no hole in malloc's arenas (each
      // thread's), which kept the freed blocks' pages as the crawl went on.
      MappedMemory memory;
      Handle free = 0;           // its free records, a list through their first bytes
      std::uint32_t live = 0;    // records handed out and not released
      std::uint32_t carved = 0;  // slots handed out at least once
      std::uint32_t slots = 0;   // slots a record takes; 0 for a large record's own block
      bool open = false;         // listed in open_[slots]
    };
    std::uint32_t new_block(std::size_t bytes, std::uint32_t slots);
    void drop_block(std::uint32_t index) noexcept;
    Handle handle(std::uint32_t index, std::size_t slot) const noexcept {
      return static_cast<Handle>((std::size_t{index} << kSlotBits) + slot + 1);
    }
    std::vector<Block> blocks_;
    std::vector<std::uint32_t> spare_;  // indices of dropped blocks, for the next new one
    // open_[n] lists the blocks of n-slot records that may have room.
    std::vector<std::vector<std::uint32_t>> open_ =
        std::vector<std::vector<std::uint32_t>>(kLargest / 8 + 1);
  };
  using EdgeHandle = EdgePool::Handle;

  // Edge is a referrer as the graph keeps it until the report needs it: a 16-byte header (the
  // next edge's handle, the referring page as its entry's index, the line, the element and
  // attribute names as indices into names_) and the link's text and URL as written right
  // behind it, in one record of the EdgePool (32 to 48 bytes for a typical link, where a vector
  // slot and a string took 130 and more). A size of 254 or more is tagged kLongSize and
  // written in 4 bytes between the header and the text. A link written as its target's path
  // (and query), as most links of a site are, keeps no URL: kTargetPath says that it is the
  // part of the target's URL after the host (LinkGraph::offered says when that holds). An
  // entry's edges are a list, newest first; fill_result() sorts them.
  struct Edge {
    static constexpr std::uint8_t kTargetPath = 254;  // url_tag only
    static constexpr std::uint8_t kLongSize = 255;
    EdgeHandle next = 0;
    std::uint32_t page = 0;  // the referring page's entry index
    std::uint32_t line = 0;
    std::uint8_t element = 0;
    std::uint8_t attribute = 0;
    std::uint8_t text_tag = 0;  // the text's size, or kLongSize
    std::uint8_t url_tag = 0;   // the URL's size, kLongSize or kTargetPath
    std::size_t text_size() const noexcept { return size(text_tag, 0); }
    std::size_t url_size() const noexcept {
      return url_tag == kTargetPath ? 0 : size(url_tag, text_tag == kLongSize ? 4 : 0);
    }
    std::string_view text() const noexcept { return {chars(), text_size()}; }
    // url() is the link as written, given the target's URL as its Result lists it.
    std::string_view url(std::string_view target) const noexcept;
    // bytes() is the record's size in the pool.
    std::size_t bytes() const noexcept;

   private:
    const char* after() const noexcept { return reinterpret_cast<const char*>(this + 1); }
    const char* chars() const noexcept {
      return after() + (text_tag == kLongSize ? 4 : 0) + (url_tag == kLongSize ? 4 : 0);
    }
    std::size_t size(std::uint8_t tag, std::size_t at) const noexcept;
  };
  static_assert(sizeof(Edge) == 16, "an Edge is kept for every link to a URL not yet checked");
  static Edge& edge_at(const EdgePool& pool, EdgeHandle record) noexcept {
    return *reinterpret_cast<Edge*>(pool.at(record));
  }
  EdgeHandle make_edge_locked(EdgePool& pool, const LinkOrigin& link, std::uint32_t page,
                              std::uint8_t element, std::uint8_t attribute, bool target_path);
  static void free_edges(EdgePool& pool, EdgeHandle& edges) noexcept;
  // move_edges() moves a list of edges from one pool to the other; it returns the new head.
  static EdgeHandle move_edges(EdgePool& from, EdgePool& to, EdgeHandle edges);
  // The edges of URLs that may still pass live in edge_pool_; those of a URL that failed or
  // redirected move to kept_pool_ when it settles, so that they pin no block of the pool the
  // crawl's pending links come and go in. pool_of() is where an entry's edges are.
  EdgePool edge_pool_;  // guarded by mutex_
  EdgePool kept_pool_;  // guarded by mutex_
  // name_locked() interns an element or attribute name (a page has a handful of kinds).
  std::uint8_t name_locked(std::string_view name);
  std::vector<std::string> names_;  // guarded by mutex_

  // Entry is what the graph knows of one URL: 40 bytes, kept for every URL of the run. The
  // rare parts live elsewhere: a parsed page's canonical in canonicals_, referrers behind
  // `referrers` (only while they may be reported).
  struct Entry {
    // seq is 40 bits: a Result's is below Result::kSeqLimit (2^36).
    static constexpr std::uint64_t kNoSeq = (std::uint64_t{1} << 40) - 1;
    std::uint64_t identity = 0;
    std::uint64_t seq : 40 = kNoSeq;
    std::uint64_t kept : 8 = 0;       // edges in `referrers`
    std::uint64_t listed : 1 = 0;     // a sitemap lists it
    std::uint64_t input : 1 = 0;      // an input page: where the crawl starts, never an orphan
    std::uint64_t linked : 1 = 0;     // a parsed page other than itself links to it
    std::uint64_t settled : 1 = 0;    // its check ended
    std::uint64_t keep : 1 = 0;       // it failed or redirected: its referrers go to the report
    std::uint64_t parsed : 1 = 0;     // its page was read (PageSummary)
    std::uint64_t noindex : 1 = 0;    // PageSummary::noindex
    std::uint64_t indexable : 1 = 0;  // PageSummary::indexable
    // normal_url: its Result's URL is the normal form of its identity (the accepted offer's
    // loc was normal), so a link written as that URL's path needs no copy of it (Edge).
    std::uint64_t normal_url : 1 = 0;
    EdgeHandle referrers = 0;  // at most kMaxReferrers, newest first
    // referrer_total counts the links here, up to 2^32 - 1 (a crawl offers each of its links
    // once: that many links would take a terabyte of pages).
    std::uint32_t referrer_total = 0;
    std::uint32_t listed_source = model::kNoSource;
    std::uint32_t listed_line = 0;
    // last_modified is a URL found by a link or as an input: its 2xx response's Last-Modified, in
    // seconds since 1970 (0 = none), kept for a sitemap's lastmod that may come after the check.
    std::uint32_t last_modified = 0;
  };
  static_assert(model::kMaxReferrers <= 255, "Entry::kept counts referrers in 8 bits");
  static_assert(sizeof(Entry) == 40, "an Entry is kept for every URL: keep it small");
  EdgePool& pool_of(const Entry& entry) noexcept {
    return entry.settled && entry.keep ? kept_pool_ : edge_pool_;
  }

  // The entries live in fixed chunks (entries_, below) and are found through an open-addressing
  // table of their indices (linear probing on the identity, which is a hash already; 0 = empty):
  // about 40 bytes a URL, where a node of an unordered_map with its bucket took 130.
  Entry* find_locked(std::uint64_t identity) noexcept;
  Entry& entry_locked(std::uint64_t identity) { return entry_at(entry_index_locked(identity)); }
  // entry_index_locked() is the index of identity's entry, made when there is none.
  std::uint32_t entry_index_locked(std::uint64_t identity);
  // PageIndex remembers the referring page's entry across one page's offers.
  struct PageIndex {
    std::uint64_t identity = 0;
    std::uint32_t index = 0;
    bool known = false;
  };
  // normal_url_of() says whether an accepted offer's loc is its identity's normal form.
  static bool normal_url_of(const Offered& one);
  // offered_locked() is offered() of one decided offer, mutex_ held.
  void offered_locked(const Offered& one, bool normal_url, PageIndex& page);
  void grow_locked();
  void clear_locked() noexcept;
  void fill_result(Entry& entry, Result& result, Report& report, bool orphans_decidable,
                   bool any_listed);
  // fill_listing() gives a listed URL that a link found first what its listing would have:
  // the lastmod, the hygiene findings (the lastmod rule's now), found_by sitemap.
  void fill_listing(const Entry& entry, Result& result);
  // page_url() is the URL of the page whose entry index is `page`, as its Result lists it.
  std::string_view page_url(std::uint32_t page, const Report& report);

  // FragmentLink is a link with a #fragment, kept until the target's anchors are known.
  struct FragmentLink {
    std::uint64_t target = 0;
    std::uint64_t referrer = 0;  // the referring page's identity
    std::string fragment;
    std::uint32_t line = 0;
    std::string written;  // the link as written
  };
  void check_fragments_locked(Report& report);
  // Alternate is a link rel=alternate hreflang, kept to name a broken one on its page.
  struct Alternate {
    std::uint64_t target = 0;
    std::uint64_t referrer = 0;
    std::string hreflang;
    std::string written;
    std::uint32_t line = 0;
  };
  void check_alternates_locked(Report& report);
  std::vector<Alternate> alternates_;

  const HygieneRules hygiene_;
  const bool check_fragments_;
  rt::Mutex mutex_;  // guards everything below but the atomics
  // entries_ holds entry i at chunks [i / kEntryChunk][i % kEntryChunk]: stable addresses, no
  // spare capacity to copy on growth, and (unlike a deque of 40-byte entries) no division by
  // a number of entries per block on every look-up.
  static constexpr std::size_t kEntryChunk = 1024;
  Entry& entry_at(std::size_t index) noexcept {
    return entries_[index / kEntryChunk][index % kEntryChunk];
  }
  std::vector<std::unique_ptr<Entry[]>> entries_;
  std::size_t entry_count_ = 0;
  std::vector<std::uint32_t> slots_;  // index + 1 into entries_, 0 when empty
  std::unordered_map<std::uint64_t, std::string> canonicals_;  // PageSummary::canonical
  // listed_lastmods_ holds the lastmod of each listing that came after a link or an input
  // found its URL (the Job, and so the Result, was made without it). A listing that comes first
  // carries its lastmod in its Job, as in a sitemap run.
  std::unordered_map<std::uint64_t, std::string> listed_lastmods_;
  std::vector<FragmentLink> fragments_;
  std::unordered_map<std::uint64_t, std::unordered_set<std::string>> anchors_;
  std::atomic<std::uint64_t> pages_{0};
  std::atomic<std::uint64_t> links_{0};
  std::atomic<std::uint64_t> pages_failed_{0};
  SchemeCounts schemes_;
};

}  // namespace siteaudit::audit
