// frontier.hpp — the one owner of URL identity, and of the decision that an audit is over.
//
// Producers (the sitemap loader; in crawl mode, the workers that parse pages) do not send Jobs
// to the workers themselves: they *offer* URLs to the Frontier. The frontier normalises each
// offered URL, drops the ones it has seen (a set of 64-bit hashes), applies --max-urls and the
// shard predicate, stores the listed text once in its TextArena, numbers the URL (Job::seq),
// maps it with --rewrite, decides --include/--exclude and whether its origin is one the user
// trusts with --header (TrustedOrigins); screen() adds what robots.txt allows, on the worker. An
// accepted URL waits in the frontier's own queue, not in the bounded jobs channel, so an offer
// never blocks: a worker that finds a link while the jobs channel is full goes on to send its own
// result, and the classic deadlock of a worker blocked on a channel that only workers drain cannot
// happen.
//
// One dispatcher fiber (dispatch()) moves queued Jobs into the bounded jobs channel; while
// nothing is queued, an offer that finds room in the channel puts its Job there itself. The
// frontier counts work in flight: a URL counts from the moment it is accepted until the
// collector says its Result was collected (collected()), so a URL being checked, a retry
// waiting out its backoff and a Result waiting in the results channel all count. When every
// registered producer has finished (producer_done()) and nothing is in flight, the dispatcher
// closes the jobs channel; the workers' WaitGroup then closes the results channel.
//
// Example (inside the runtime):
//   Frontier frontier(FrontierOptions{.max_urls = 1000});
//   rt::Channel<Job> jobs(64);
//   frontier.add_producer();
//   rt::go([&] { for (auto& u : urls) frontier.offer({.loc = u, .url = u});
//   frontier.producer_done(); }); rt::go([&, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx);
//   }); for (Job job : jobs) { results.send(check(job)); }   // workers for (Result r : results) {
//   frontier.collected(); }   // the collector
//
// Thread safety: offer(), add_producer(), producer_done(), collected(), wait_for_room() and
// the counters may be called from any fiber on any thread. dispatch() runs on one fiber.
// take_text() is for after the run, when no fiber uses the frontier any more.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/crawl_scope.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/audit/trusted_origins.hpp"
#include "siteaudit/audit/url_filter.hpp"
#include "siteaudit/audit/url_hash_set.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::audit {

// RewriteFunction maps a URL before it is checked (--rewrite); empty = unchanged.
using RewriteFunction = std::function<std::string(std::string_view)>;

class LinkGraph;

// ShardPredicate says whether a normalised URL belongs to this run's part of the work
// (--shard); empty = every URL does.
using ShardPredicate = std::function<bool(std::string_view normalised_url)>;

// AcceptObserver sees each accepted URL as listed, in Job::seq order (the routes check).
using AcceptObserver = std::function<void(std::string_view listed_url)>;

// SeqObserver sees the Job::seq of each accepted URL, in increasing order: the seqs that will
// produce a Result (ResultLog::expect()).
using SeqObserver = std::function<void(std::uint64_t seq)>;

struct FrontierOptions {
  std::uint64_t max_urls = 0;  // URLs accepted in all; 0 = no limit
  RewriteFunction rewrite;
  // filter decides --include/--exclude; excluded URLs are accepted and reported as skipped.
  // It must outlive the frontier; null = every URL is checked.
  const UrlFilter* filter = nullptr;
  ShardPredicate shard;
  AcceptObserver on_accept;
  // on_seq is called under the frontier's lock: it must be quick and must not offer.
  SeqObserver on_seq;
  // on_last_job, when set, is called once, on the fiber of a worker or of the last producer,
  // as soon as every Job the run will ever make has been taken by a worker (taken()): the
  // producers are done and each accepted URL is taken. Never in crawl mode, where a page in
  // flight may still link to a new URL. The pipeline winds the HTTP client down then.
  std::function<void()> on_last_job;
  // trusted, when set, decides Job::origin: whether the user's --header lines go with the
  // request, and whether credentials written into a URL are kept (only for trusted origins).
  // It must outlive the frontier; null = nothing is trusted and no header is sent.
  const TrustedOrigins* trusted = nullptr;
  // same_origin_only refuses (reports as skipped) URLs off the trusted origins.
  bool same_origin_only = false;
  // robots, when set (--respect-robots), decides in screen() which URLs robots.txt keeps
  // siteaudit from requesting. It must outlive the frontier.
  RobotsCache* robots = nullptr;
  // every_origin says that each URL's origin matters (--header or --same-origin-only given);
  // otherwise only URLs with credentials in them are looked at.
  bool every_origin = false;
  // room is the queue length above which wait_for_room() parks a producer that can afford to
  // wait (the sitemap loader): the back-pressure that keeps memory bounded by what the
  // workers have not yet taken, instead of by the size of the site.
  std::size_t room = 4096;

  // --- crawl mode (--crawl): set `scope` to crawl ---
  // scope decides which offered pages are parsed for links (Job::parse) and which links are
  // external; an input that redirects widens it (widen_scope_to()). It must outlive the
  // frontier; null = no crawl.
  CrawlScope* scope = nullptr;
  unsigned crawl_depth = 0;     // pages deeper than this are checked, not parsed; 0 = no limit
  std::uint64_t max_pages = 0;  // pages parsed in all; 0 = no limit
  bool no_external = false;     // links off the scope are reported as skipped, not requested
  // graph hears of every offer (LinkGraph::offered). It must outlive the frontier.
  LinkGraph* graph = nullptr;
};

// LinkOrigin is where a crawled page links to an offered URL (the referrer the report shows).
struct LinkOrigin {
  // page_identity is the referring page's identity (the graph finds its URL by it).
  std::uint64_t page_identity = 0;
  std::uint32_t line = 0;
  std::string_view element, attribute, text;
  std::string_view written;   // the link as written (after entity decoding)
  std::string_view hreflang;  // link rel=alternate hreflang: the alternate's language
};

// Offer is one URL a producer found, with where it found it.
struct Offer {
  // loc is the URL exactly as the source listed it: the text the report shows.
  std::string_view loc;
  // url is the absolute URL (loc resolved against its document); the frontier normalises it.
  std::string url;
  std::string lastmod;  // the sitemap's <lastmod>, empty when absent
  std::uint32_t source = 0;
  std::uint32_t line = 0;
  // --- crawl mode ---
  Discovery found = Discovery::sitemap;
  std::uint32_t depth = 0;  // link hops from an input or sitemap
  // page is true when the URL may be an HTML page to parse (a sitemap URL, an input, an a or
  // iframe target), false for a resource (img, script, stylesheet): those are only checked.
  bool page = true;
  // stylesheet is true when the URL is a stylesheet (link rel=stylesheet, a CSS @import), with
  // `page` false: in scope, it is read for the URLs it loads, as a page is for its links.
  bool stylesheet = false;
  const LinkOrigin* link = nullptr;  // the referrer of a link offer
  // normal says that `loc` is absolute and normal already (net::is_normal_url() accepts it, as
  // for most links a crawled page resolves): the frontier takes it as the URL's identity
  // without another look or a copy, and `url` may be left empty.
  bool normal = false;
};

// OfferStatus is what the frontier did with an offer.
enum class OfferStatus : std::uint8_t {
  accepted,       // queued: it will be reported exactly once
  duplicate,      // the same normalised URL was accepted before
  other_shard,    // the shard predicate gave it to another part of the run
  limit_reached,  // --max-urls was reached: this and every later offer is refused
  // found_before: a sitemap lists a URL the crawl accepted before from a link or as an input
  // page; it is checked once, and this is not a duplicate listing.
  found_before,
};

const char* to_string(OfferStatus status) noexcept;

class Frontier {
 public:
  explicit Frontier(FrontierOptions options = {});
  Frontier(const Frontier&) = delete;
  Frontier& operator=(const Frontier&) = delete;

  // add_producer() registers a producer that may still offer URLs; the run cannot end
  // before it calls producer_done(). Register before starting the dispatcher. Workers that
  // offer links while checking a URL need not register: the URL they check is in flight.
  void add_producer();
  // producer_done() says one registered producer will offer nothing more. Calling it more
  // often than add_producer() is a programming error and aborts. It may end the run before it
  // returns (the dispatcher closes the jobs channel): the frontier must outlive the call, so
  // whoever destroys it waits for the producer's fiber first (run_pipeline's WaitGroup).
  void producer_done();

  // offer() decides whether `offer` becomes a Job. It never waits for the workers.
  OfferStatus offer(Offer&& offer);
  // offer_all() is offer() of each of `offers` in turn, under one lock of the frontier and one
  // of the link graph for all of them. A crawled page offers dozens of links at once; with a
  // lock per link, the two mutexes were the cache lines the worker threads fought over.
  void offer_all(std::span<Offer> offers);

  // wait_for_room() parks the calling producer while more than `room` URLs are queued. Only
  // a fiber that is not a worker may call it (a worker waiting for workers deadlocks).
  void wait_for_room();

  // screen() applies the decisions that need the network, on the worker about to check `job`
  // (offer() must never wait): with --respect-robots, a URL robots.txt disallows becomes a
  // skip. It fetches an origin's robots.txt once (RobotsCache), parking the calling fiber.
  void screen(const rt::Context& ctx, Job& job) const;

  // dispatch() sends queued Jobs to `jobs` until every producer is done and nothing is in
  // flight, then closes `jobs`. Jobs go out in the order they were accepted.
  void dispatch(rt::Sender<Job> jobs);

  // taken() says a worker took one Job from the jobs channel, before checking it.
  void taken();

  // collected() says the Result of one accepted URL has been collected.
  void collected();

  // accepted() counts the URLs accepted so far (the report's total, once the run is over).
  std::uint64_t accepted() const noexcept { return accepted_.load(std::memory_order_relaxed); }
  // numbered() counts the unique URLs of the whole input so far, this shard's and the others'
  // (accepted() without --shard); Job::seq numbers them.
  std::uint64_t numbered() const noexcept { return numbered_.load(std::memory_order_relaxed); }
  // duplicates() counts offers refused as duplicates (of any shard's URLs).
  std::uint64_t duplicates() const noexcept { return duplicates_.load(std::memory_order_relaxed); }
  // external() counts the accepted URLs off the crawl's scope (crawl mode).
  std::uint64_t external() const noexcept { return external_.load(std::memory_order_relaxed); }
  // widen_scope_to() brings the origin of `url`, where an input landed after redirects, into
  // the crawl's scope (CrawlScope::widen_to_origin_of()), before the URL is offered; it does
  // nothing outside crawl mode.
  void widen_scope_to(std::string_view url) {
    if (options_.scope != nullptr) (void)options_.scope->widen_to_origin_of(url);
  }
  // crawl_incomplete_reason() says why the crawl did not parse every in-scope page it found
  // (--max-pages, --crawl-depth, --max-urls), or "" when nothing held it back.
  std::string crawl_incomplete_reason() const;
  // queued() counts the accepted URLs not yet handed to the jobs channel.
  std::size_t queued() const;
  // producing() is true while a registered producer may still offer URLs.
  bool producing() const noexcept { return producers_.load(std::memory_order_relaxed) > 0; }

  // release_text() frees the arena's blocks whose URLs all have their results released by
  // `results` (a streamed ResultLog that the frontier tells of each seq through on_seq, and
  // that keeps no view of the frontier's text): a sitemap run's URL text then grows with the
  // results not yet released, not with the run. Called by the collector, never by a worker.
  void release_text(const model::ResultLog& results);

  // take_text() moves out the arena that every Job::url views (for the Report).
  TextArena take_text() { return std::move(text_); }

 private:
  // notify() wakes the dispatcher to look at the queue and the counters again.
  void notify();
  // tell_last_job() calls on_last_job if its time has come and it has not been called yet.
  void tell_last_job();
  // classify() decides Job::origin for `check_url`, dropping credentials it must not send.
  OriginTrust classify(std::string& check_url) const;
  // make_job() turns an accepted offer into its Job (mutex_ held: it stores into text_).
  // `identity` is the normalised URL; `owner`, when not null, is the string it views, which
  // make_job() may take.
  Job make_job(Offer& offer, std::string_view identity, std::string* owner, std::uint64_t seq);
  // Candidate is an offer made ready for the lock: its identity (the normalised URL), the
  // identity's hash, and whether this shard checks it; decide_locked() adds its seq.
  struct Candidate {
    std::string_view identity;
    std::string* owner = nullptr;  // the string identity views, when make_job() may take it
    std::unique_ptr<std::string> normalised;  // the normal form, when it had to be made
    std::uint64_t hash = 0;
    std::uint64_t seq = 0;
    bool mine = true;
  };
  // prepare() does an offer's work that needs no lock (normalising, hashing, the shard).
  Candidate prepare(Offer& offer) const;
  // decide_locked() is offer() under mutex_: dedupe, number, make and queue the Job.
  // `was_empty` is set when the Job went into an empty queue (the dispatcher must look).
  OfferStatus decide_locked(Offer& offer, Candidate& candidate, bool& was_empty);
  // decide_crawl() decides Job::parse and the --no-external skip of an accepted `job`.
  void decide_crawl(Job& job, const Offer& offer, bool in_scope);
  // finished_locked() is true when the jobs channel may close.
  bool finished_locked() const noexcept;

  // QueuedJob is a Job waiting in queue_: 64 bytes instead of a Job's 152, since a crawl's
  // queue may hold most of a site (72,000 Jobs at once on the bench's 100,000-page site). The
  // strings few Jobs have (a check_url that is not the listed text, lastmod, skip) wait
  // behind `rare`; dispatch() fills an empty check_url in as before.
  struct QueuedJob {
    struct Rare {
      std::string check_url, lastmod, skip;
    };
    std::string_view url;
    std::uint64_t seq = 0;
    std::uint64_t identity = 0;
    std::unique_ptr<Rare> rare;
    std::uint32_t source = 0, line = 0, depth = 0;
    ErrorKind skip_kind = ErrorKind::none;
    OriginTrust origin = OriginTrust::other;
    Discovery found = Discovery::sitemap;
    bool parse = false, stylesheet = false, external = false;
  };
  static QueuedJob pack(Job&& job);
  static Job unpack(QueuedJob&& queued);

  FrontierOptions options_;
  const bool tells_last_job_;  // on_last_job is set and this is no crawl
  mutable rt::Mutex mutex_;    // guards everything below up to producers_
  TextArena text_;
  UrlHashSet seen_;          // normalised URLs offered so far, accepted or not
  UrlHashSet listed_;        // crawl mode: the subset a sitemap listed
  std::uint64_t pages_ = 0;  // crawl mode: Jobs with parse set
  std::string crawl_cut_;    // crawl mode: the first reason a page was not parsed
  std::deque<QueuedJob> queue_;
  std::uint64_t in_flight_ = 0;
  // jobs_ is the dispatcher's channel while it runs, null before and after; in_hand_ counts
  // the Jobs it has taken from the queue and not yet sent. Offers send directly only when both
  // the queue and the hand are empty, so that Jobs still go out in acceptance order.
  const rt::Sender<Job>* jobs_ = nullptr;
  std::size_t in_hand_ = 0;
  // queued_ mirrors queue_.size(), written under the lock, read without it (wait_for_room).
  std::atomic<std::size_t> queued_{0};
  bool limit_reached_ = false;
  bool last_job_told_ = false;  // on_last_job was called
  std::atomic<std::int64_t> producers_{0};
  std::atomic<std::uint64_t> accepted_{0};
  // taken_ counts the Jobs the workers took (taken()), on a cache line of its own: the workers
  // of both threads add to it, the loader writes the counters around it.
  alignas(64) std::atomic<std::uint64_t> taken_{0};
  alignas(64) std::atomic<std::uint64_t> numbered_{0};
  std::atomic<std::uint64_t> duplicates_{0};
  std::atomic<std::uint64_t> external_{0};
  // wake_ and room_ hold at most one token each: a token means "look again", so a state
  // change made while nobody waits is never lost and many changes cost one wake-up.
  rt::Channel<char> wake_{1, "frontier-wake"};
  rt::Channel<char> room_{1, "frontier-room"};
};

}  // namespace siteaudit::audit
