// frontier.cpp — offers, the queue, and the count of work in flight.
//
// Lock order: mutex_ is the only lock of ours, and it is never held across a channel operation
// that can wait. The dispatcher takes a batch of Jobs under the lock and sends them after
// releasing it; offer() posts its wake-up token after releasing it, and its fast path uses
// try_send(), which never waits (the channel's own lock is a leaf). So a producer holding the
// lock never waits on the dispatcher, and the dispatcher blocked on a full jobs channel never
// holds up an offer.
#include "siteaudit/audit/frontier.hpp"

#include <fmt/format.h>

#include <mutex>
#include <optional>
#include <utility>

#include "siteaudit/audit/link_graph.hpp"
#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

namespace {

// kBatch is how many Jobs the dispatcher takes per lock: one lock per Job would make the
// mutex the hottest line of a 64-worker run.
constexpr std::size_t kBatch = 64;

}  // namespace

const char* to_string(OfferStatus status) noexcept {
  switch (status) {
    case OfferStatus::accepted:
      return "accepted";
    case OfferStatus::duplicate:
      return "duplicate";
    case OfferStatus::other_shard:
      return "other_shard";
    case OfferStatus::limit_reached:
      return "limit_reached";
    case OfferStatus::found_before:
      return "found_before";
  }
  return "accepted";
}

Frontier::Frontier(FrontierOptions options)
    : options_(std::move(options)),
      // In crawl mode the workers offer what the pages link to: only the end of the run knows.
      tells_last_job_(options_.on_last_job && options_.scope == nullptr) {}

void Frontier::add_producer() {
  producers_.fetch_add(1, std::memory_order_relaxed);
}

void Frontier::producer_done() {
  {
    std::lock_guard lock(mutex_);
    // Sequentially consistent, as taken()'s two steps: of the last producer_done() and the
    // last taken(), at least one sees the other's change and tells the last Job.
    if (producers_.fetch_sub(1) <= 0) {
      rt::detail::fatal_misuse("producer_done() without add_producer()", "Frontier", this);
    }
  }
  notify();
  tell_last_job();
}

void Frontier::taken() {
  if (!tells_last_job_) return;  // nobody asks: no shared counter to bounce
  taken_.fetch_add(1);
  if (producers_.load() == 0) tell_last_job();
}

void Frontier::tell_last_job() {
  if (!tells_last_job_) return;
  {
    std::lock_guard lock(mutex_);
    // With no producer left, accepted_ is final: only producers offer outside crawl mode.
    if (last_job_told_ || producers_.load() != 0 || taken_.load() != accepted_.load()) return;
    last_job_told_ = true;
  }
  options_.on_last_job();
}

Frontier::Candidate Frontier::prepare(Offer& offer) const {
  // Normalised outside the lock: it is the one costly step of an offer. Nearly every URL a
  // sitemap lists or a page links to is already normal (the lint or the link resolver made it
  // so); it is then taken as it is, without the copy normalize_url() would make. A duplicate
  // (most of a crawl's offers) costs no string at all.
  Candidate candidate;
  candidate.owner = &offer.url;  // the string identity views, for make_job() to take
  if (offer.normal) {
    candidate.identity = offer.loc;
    candidate.owner = nullptr;
  } else if (net::is_normal_url(offer.url)) {
    candidate.identity = offer.url;
  } else {
    net::UrlResult normal = net::normalize_url(offer.url);
    if (normal.ok()) {
      candidate.normalised = std::make_unique<std::string>(std::move(normal.url));
      candidate.owner = candidate.normalised.get();
    }
    candidate.identity = *candidate.owner;
  }
  candidate.mine = !options_.shard || options_.shard(candidate.identity);
  candidate.hash = UrlHashSet::hash(candidate.identity);
  return candidate;
}

OfferStatus Frontier::decide_locked(Offer& offer, Candidate& candidate, bool& was_empty) {
  if (limit_reached_) return OfferStatus::limit_reached;
  const std::uint64_t hash = candidate.hash;
  OfferStatus status = OfferStatus::accepted;
  std::uint64_t seq = 0;
  // In crawl mode a URL may be linked first and listed later: that listing is its first.
  const bool listing = options_.graph != nullptr && offer.found == Discovery::sitemap;
  if (!seen_.insert_hash(hash)) {
    if (listing && listed_.insert_hash(hash)) {
      status = OfferStatus::found_before;
    } else {
      // A page linked twice is the crawl's normal case, not a duplicate listing.
      if (offer.found != Discovery::link) duplicates_.fetch_add(1, std::memory_order_relaxed);
      status = OfferStatus::duplicate;
    }
  } else {
    // A shard numbers, dedupes and limits every URL of the input, its own or not, so that
    // Job::seq, --max-urls and the duplicates are those of the whole run: the parts' reports
    // then merge into exactly the report one run writes.
    seq = numbered_.load(std::memory_order_relaxed);
    if (options_.max_urls != 0 && seq >= options_.max_urls) {
      limit_reached_ = true;
      if (options_.scope != nullptr && crawl_cut_.empty()) crawl_cut_ = "--max-urls was reached";
      return OfferStatus::limit_reached;
    }
    numbered_.store(seq + 1, std::memory_order_relaxed);
    if (listing) (void)listed_.insert_hash(hash);
    if (!candidate.mine) status = OfferStatus::other_shard;
  }
  candidate.seq = seq;
  if (status != OfferStatus::accepted) return status;
  // The scope judges the URL as found (normalised), not as --rewrite maps it.
  const std::string_view identity = candidate.identity;
  const bool in_scope = options_.scope != nullptr && options_.scope->contains(identity);
  Job job = make_job(offer, identity, candidate.owner, seq);
  job.identity = hash;
  if (options_.scope != nullptr) decide_crawl(job, offer, in_scope);
  if (options_.on_accept) options_.on_accept(job.url);
  if (options_.on_seq) options_.on_seq(seq);
  ++in_flight_;
  accepted_.fetch_add(1, std::memory_order_relaxed);
  // The fast path: with nothing queued and no batch in the dispatcher's hands, a Job that
  // fits in the jobs channel goes straight there, in order, without waking the dispatcher
  // (one fiber hand-off per URL instead of two). try_send never waits, so holding the lock
  // across it cannot block an offer behind the workers.
  bool sent = false;
  if (queue_.empty() && in_hand_ == 0 && jobs_ != nullptr) {
    if (job.check_url.empty()) job.check_url = job.url;
    sent = jobs_->try_send(std::move(job)) == rt::ChannelStatus::success;
    // try_send moves only on success: `job` is whole; pack() drops the check_url copy.
  }
  if (!sent) {
    was_empty = was_empty || queue_.empty();
    queue_.push_back(pack(std::move(job)));
    queued_.store(queue_.size(), std::memory_order_release);
  }
  return status;
}

OfferStatus Frontier::offer(Offer&& offer) {
  Candidate candidate = prepare(offer);
  OfferStatus status;
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    status = decide_locked(offer, candidate, was_empty);
  }
  if (status == OfferStatus::limit_reached) return status;
  // The graph has its own lock: it is told after ours is released. A Job sent above may be
  // checked and settled before this runs; LinkGraph merges in either order.
  if (options_.graph != nullptr) {
    options_.graph->offered(candidate.hash, offer, status == OfferStatus::accepted, candidate.seq);
  }
  if (was_empty) notify();
  return status;
}

void Frontier::offer_all(std::span<Offer> offers) {
  if (offers.empty()) return;
  std::vector<Candidate> candidates;
  candidates.reserve(offers.size());
  for (Offer& offer : offers) candidates.push_back(prepare(offer));
  std::vector<LinkGraph::Offered> told;
  if (options_.graph != nullptr) told.reserve(offers.size());
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < offers.size(); ++i) {
      const OfferStatus status = decide_locked(offers[i], candidates[i], was_empty);
      if (status == OfferStatus::limit_reached) break;  // and so is every later offer
      if (options_.graph != nullptr) {
        told.push_back(LinkGraph::Offered{.identity = candidates[i].hash,
                                          .offer = &offers[i],
                                          .accepted = status == OfferStatus::accepted,
                                          .seq = candidates[i].seq});
      }
    }
  }
  if (options_.graph != nullptr) options_.graph->offered_all(told);
  if (was_empty) notify();
}

void Frontier::release_text(const model::ResultLog& results) {
  // Under the lock, so that no offer is accepted in between: every seq below the first one the
  // log still waits for has its result released, and when it waits for none, every seq
  // numbered so far has.
  std::lock_guard lock(mutex_);
  const std::optional<std::uint64_t> waiting = results.first_expected();
  (void)text_.release_below(waiting ? *waiting : numbered_.load(std::memory_order_relaxed));
}

Job Frontier::make_job(Offer& offer, std::string_view identity, std::string* owner,
                       std::uint64_t seq) {
  Job job;
  job.url = text_.store(offer.loc, seq);
  // check_url stays empty when it is the listed text: dispatch() fills it in, so a queued
  // URL costs its text once, not twice.
  std::string check_url = options_.rewrite   ? options_.rewrite(identity)
                          : owner != nullptr ? std::move(*owner)
                                             : std::string(identity);
  job.origin = classify(check_url);
  if (check_url != job.url) job.check_url = std::move(check_url);
  job.lastmod = std::move(offer.lastmod);
  job.source = offer.source;
  job.line = offer.line;
  job.seq = seq;
  job.found = offer.found;
  job.depth = offer.depth;
  if (options_.filter != nullptr && !options_.filter->empty()) {
    FilterDecision decision = options_.filter->check(job.url);
    if (!decision.checked) {
      job.skip = std::move(decision.reason);
      job.skip_kind = ErrorKind::excluded;
    }
  }
  if (job.skip.empty() && job.origin == OriginTrust::refused) {
    job.skip = "not on an input's origin or a --header-host (--same-origin-only); not requested";
    job.skip_kind = ErrorKind::other_origin;
  }
  return job;
}

void Frontier::decide_crawl(Job& job, const Offer& offer, bool in_scope) {
  if (!in_scope) {
    external_.fetch_add(1, std::memory_order_relaxed);
    job.external = true;
    if (options_.no_external && offer.found == Discovery::link && job.skip.empty()) {
      job.skip = "off the crawl's scope (--no-external); not requested";
      job.skip_kind = ErrorKind::external;
    }
    return;
  }
  if (!(offer.page || offer.stylesheet) || !job.skip.empty()) return;
  if (!offer.page) {
    // A stylesheet is part of the page that loads it, as its images are: read whatever
    // --crawl-depth, and not counted by --max-pages (it links to no page).
    job.parse = true;
    job.stylesheet = true;
    return;
  }
  if (options_.crawl_depth != 0 && offer.depth >= options_.crawl_depth) {
    if (crawl_cut_.empty()) {
      crawl_cut_ =
          fmt::format("--crawl-depth {} kept deeper pages from being parsed", options_.crawl_depth);
    }
    return;
  }
  if (options_.max_pages != 0 && pages_ >= options_.max_pages) {
    if (crawl_cut_.empty()) {
      crawl_cut_ = fmt::format("--max-pages {} was reached", options_.max_pages);
    }
    return;
  }
  ++pages_;
  job.parse = true;
}

std::string Frontier::crawl_incomplete_reason() const {
  std::lock_guard lock(mutex_);
  return crawl_cut_;
}

void Frontier::wait_for_room() {
  // The loader asks before every offer: a read of the mirrored length, not a second lock per
  // URL. A stale length costs at most one more look: the dispatcher posts a token whenever it
  // leaves the queue at or below `room`, and a token posted before the wait is still there.
  while (queued_.load(std::memory_order_acquire) > options_.room) room_.receive();
}

void Frontier::dispatch(rt::Sender<Job> jobs) {
  std::vector<Job> batch;
  batch.reserve(kBatch);
  {
    std::lock_guard lock(mutex_);
    jobs_ = &jobs;  // from now on offers may send directly (offer()'s fast path)
  }
  for (;;) {
    bool finished = false;
    bool room = false;
    {
      std::lock_guard lock(mutex_);
      in_hand_ = 0;  // the previous batch is sent
      while (!queue_.empty() && batch.size() < kBatch) {
        batch.push_back(unpack(std::move(queue_.front())));
        queue_.pop_front();
      }
      queued_.store(queue_.size(), std::memory_order_release);
      in_hand_ = batch.size();
      finished = batch.empty() && finished_locked();
      // Nothing can be offered once the run is finished (no producer, nothing in flight), but
      // the fast path must not see a channel that is about to close.
      if (finished) jobs_ = nullptr;
      room = !batch.empty() && queue_.size() <= options_.room;
    }
    if (room) (void)room_.try_send('r');  // full: a token is already waiting
    if (finished) {
      jobs.close();
      return;
    }
    if (batch.empty()) {
      (void)wake_.receive();
      continue;
    }
    for (Job& job : batch) {
      if (job.check_url.empty()) job.check_url = job.url;
      jobs.send(std::move(job));
    }
    batch.clear();
  }
}

// pack() and unpack() must carry every field of a Job: one added to Job changes its size.
static_assert(sizeof(Job) == 152, "Job changed: carry the new field in Frontier::pack/unpack");

Frontier::QueuedJob Frontier::pack(Job&& job) {
  QueuedJob queued{.url = job.url,
                   .seq = job.seq,
                   .identity = job.identity,
                   .source = job.source,
                   .line = job.line,
                   .depth = job.depth,
                   .skip_kind = job.skip_kind,
                   .origin = job.origin,
                   .found = job.found,
                   .parse = job.parse,
                   .stylesheet = job.stylesheet,
                   .external = job.external};
  // A check_url equal to the listed text is the one dispatch() fills in: not kept.
  const bool own_check_url = !job.check_url.empty() && job.check_url != job.url;
  if (own_check_url || !job.lastmod.empty() || !job.skip.empty()) {
    queued.rare = std::make_unique<QueuedJob::Rare>();
    if (own_check_url) queued.rare->check_url = std::move(job.check_url);
    queued.rare->lastmod = std::move(job.lastmod);
    queued.rare->skip = std::move(job.skip);
  }
  return queued;
}

Job Frontier::unpack(QueuedJob&& queued) {
  Job job;
  job.url = queued.url;
  job.seq = queued.seq;
  job.identity = queued.identity;
  job.source = queued.source;
  job.line = queued.line;
  job.depth = queued.depth;
  job.skip_kind = queued.skip_kind;
  job.origin = queued.origin;
  job.found = queued.found;
  job.parse = queued.parse;
  job.stylesheet = queued.stylesheet;
  job.external = queued.external;
  if (queued.rare) {
    job.check_url = std::move(queued.rare->check_url);
    job.lastmod = std::move(queued.rare->lastmod);
    job.skip = std::move(queued.rare->skip);
  }
  return job;
}

void Frontier::collected() {
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_ == 0) {
      rt::detail::fatal_misuse("collected() more results than URLs accepted", "Frontier", this);
    }
    idle = --in_flight_ == 0;
  }
  if (idle) notify();
}

OriginTrust Frontier::classify(std::string& check_url) const {
  if (options_.trusted == nullptr) return OriginTrust::other;
  const bool userinfo = net::has_userinfo(check_url);
  // Nothing depends on the origin in a plain run: skip the per-URL work.
  if (!options_.every_origin && !userinfo) return OriginTrust::other;
  const bool trusted = options_.trusted->contains(check_url);
  // Credentials in a listed URL are the sitemap's, not the user's: they go only to origins
  // the user named.
  if (userinfo && !trusted) check_url = net::without_userinfo(check_url);
  if (trusted) return OriginTrust::trusted;
  return options_.same_origin_only ? OriginTrust::refused : OriginTrust::other;
}

void Frontier::screen(const rt::Context& ctx, Job& job) const {
  if (options_.robots == nullptr || !job.skip.empty()) return;
  std::shared_ptr<const RobotsTxt> rules = options_.robots->rules(ctx, job.check_url);
  if (rules && !rules->allowed(kRobotsUserAgent, job.check_url)) {
    // Never requested: --respect-robots promises the site that.
    job.skip = "robots.txt disallows this URL for siteaudit (--respect-robots)";
    job.skip_kind = ErrorKind::robots;
  }
}

std::size_t Frontier::queued() const {
  return queued_.load(std::memory_order_acquire);
}

void Frontier::notify() {
  (void)wake_.try_send('w');  // full: the dispatcher has a token to wake on already
}

bool Frontier::finished_locked() const noexcept {
  return in_flight_ == 0 && producers_.load(std::memory_order_relaxed) == 0;
}

}  // namespace siteaudit::audit
