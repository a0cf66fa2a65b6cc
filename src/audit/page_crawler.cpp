// page_crawler.cpp — parse a fetched page, offer its links, note what it says about itself.
#include "page_crawler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

#include "audit/link_collector.hpp"
#include "page_charset.hpp"
#include "siteaudit/audit/url_hash_set.hpp"
#include "siteaudit/model/referrer.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/mutex.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::audit {

namespace {

// kPageFindingsPerCode caps the findings of one code on one page: a page with 500 http:
// images needs one line saying so, not 500.
constexpr std::size_t kPageFindingsPerCode = 10;

// kOfferBatch is how many of a page's links are offered under one lock of the frontier and
// of the link graph: all of a typical page's (a few dozen), and a bounded pause for the other
// workers on a page with thousands.
constexpr std::size_t kOfferBatch = 512;

bool is_page_link(LinkKind kind) {
  return kind == LinkKind::navigation || kind == LinkKind::frame || kind == LinkKind::refresh;
}

// is_subresource() is true for what a browser loads into the page itself (mixed content).
bool is_subresource(LinkKind kind) {
  return kind == LinkKind::resource || kind == LinkKind::stylesheet || kind == LinkKind::frame;
}

void add_finding(Result& result, FindingCode code, std::string message, std::uint32_t line) {
  result.details().findings.push_back(Finding{.code = code,
                                              .message = std::move(message),
                                              .where = std::string(result.url),
                                              .line = line,
                                              .severity = Severity::warning});
}

// FindingCap counts one code's findings on a page and says, once, how many were left out.
class FindingCap {
 public:
  FindingCap(Result& result, FindingCode code) : result_(result), code_(code) {}
  ~FindingCap() {
    if (count_ > kPageFindingsPerCode) {
      add_finding(result_, code_,
                  fmt::format("{} more {} findings on this page not listed",
                              count_ - kPageFindingsPerCode, to_string(code_)),
                  0);
    }
  }
  FindingCap(const FindingCap&) = delete;
  FindingCap& operator=(const FindingCap&) = delete;
  // add() records a finding unless the cap is reached.
  void add(std::string message, std::uint32_t line) {
    if (++count_ <= kPageFindingsPerCode) add_finding(result_, code_, std::move(message), line);
  }

 private:
  Result& result_;
  FindingCode code_;
  std::size_t count_ = 0;
};

// counter() is the count of links in `scheme` that are not requested.
std::atomic<std::uint64_t>& counter(SchemeCounts& counts, LinkScheme scheme) {
  switch (scheme) {
    case LinkScheme::mailto:
      return counts.mailto;
    case LinkScheme::tel:
      return counts.tel;
    case LinkScheme::javascript:
      return counts.javascript;
    case LinkScheme::data:
      return counts.data;
    case LinkScheme::invalid:
      return counts.invalid;
    case LinkScheme::http:  // requested, never counted here
    case LinkScheme::other:
      break;
  }
  return counts.other;
}

std::string normalised(std::string_view url) {
  net::UrlResult normal = net::normalize_url(url);
  return normal.ok() ? std::move(normal.url) : std::string(url);
}

// same_url() is normalised(a) == normalised(b), without the copies when both are normal
// already (a page that names itself as its canonical URL: nearly every page that names one).
bool same_url(std::string_view a, std::string_view b) {
  if (net::is_normal_url(a) && net::is_normal_url(b)) return a == b;
  return normalised(a) == normalised(b);
}

// LargePageBudget bounds the large pages parsed at once by their size, with Go's semaphore: a
// buffered channel whose sends park while it is full. A page above kLargePageBytes sends one
// token per started MiB (all of them when it is larger than the budget) before its parse and
// receives them back after. The mutex lets one fiber at a time gather its tokens, so two pages
// can never each hold part of the budget and wait for the rest forever.
class LargePageBudget {
 public:
  explicit LargePageBudget(std::size_t tokens) : tokens_(tokens, "large-page budget") {}

  // Share is a page's part of the budget, given back when it goes out of scope (which never
  // parks: the tokens are buffered).
  class Share {
   public:
    Share(LargePageBudget& budget, std::size_t tokens) : budget_(budget), tokens_(tokens) {}
    Share(const Share&) = delete;
    Share& operator=(const Share&) = delete;
    ~Share() {
      for (std::size_t i = 0; i < tokens_; ++i) (void)budget_.tokens_.receive();
    }

   private:
    LargePageBudget& budget_;
    std::size_t tokens_;
  };

  // share() parks until a page of `bytes` fits in the budget.
  [[nodiscard]] Share share(std::size_t bytes) {
    const std::size_t want =
        std::min(tokens_.capacity(), (bytes + kLargePageBytes - 1) / kLargePageBytes);
    const std::lock_guard gather(gather_);
    for (std::size_t i = 0; i < want; ++i) tokens_.send(Token{});
    return Share(*this, want);
  }

 private:
  struct Token {};
  rt::Channel<Token> tokens_;
  rt::Mutex gather_;
};

// large_page_budget() is the process's: parsers' memory is the process's, whatever the crawl.
LargePageBudget& large_page_budget() {
  static LargePageBudget budget(kLargePageBudget);
  return budget;
}

// thread_extractor() is the calling OS thread's extractor, made on first use. Not inlined, so
// that no caller keeps a thread-local address across a point where its fiber may migrate.
[[gnu::noinline]] LinkExtractor& thread_extractor() {
  thread_local std::unique_ptr<LinkExtractor> extractor = make_link_extractor();
  return *extractor;
}

}  // namespace

RobotsDirectives robots_directives(std::string_view x_robots_tag) {
  RobotsDirectives out;
  std::size_t start = 0;
  while (start <= x_robots_tag.size()) {
    std::size_t comma = x_robots_tag.find(',', start);
    if (comma == std::string_view::npos) comma = x_robots_tag.size();
    std::string_view word = net::trim(x_robots_tag.substr(start, comma - start));
    // "googlebot: noindex" names a crawler; the directive after the colon is what counts.
    if (std::size_t colon = word.find(':'); colon != std::string_view::npos) {
      word = net::trim(word.substr(colon + 1));
    }
    if (net::iequals(word, "noindex") || net::iequals(word, "none")) out.noindex = true;
    if (net::iequals(word, "nofollow") || net::iequals(word, "none")) out.nofollow = true;
    start = comma + 1;
  }
  return out;
}

bool is_html_type(std::string_view content_type) {
  std::string_view type = net::trim(content_type.substr(0, content_type.find(';')));
  return net::iequals(type, "text/html") || net::iequals(type, "application/xhtml+xml");
}

bool is_css_type(std::string_view content_type) {
  return net::iequals(net::trim(content_type.substr(0, content_type.find(';'))), "text/css");
}

PageCrawler::PageCrawler(Frontier& frontier, LinkGraph& graph)
    : frontier_(frontier), graph_(graph) {}

void PageCrawler::crawl(const Job& job, Result& result, FetchedPage& page) {
  if (result.outcome == Outcome::cancelled || result.outcome == Outcome::skipped) return;
  if (result.outcome == Outcome::failed || result.outcome == Outcome::inconclusive) {
    // A page that is gone (404, 410) links to nothing: it is a broken link, and the crawl is
    // still whole. A page that could not be read (a timeout, 5xx, 403, 429) might have linked
    // to a page the crawl never saw, so orphans are no longer decidable.
    // A stylesheet links to no page: orphans stay decidable without it.
    if (result.status != 404 && result.status != 410 && !job.stylesheet) graph_.page_failed();
    return;
  }
  if (result.detail && !result.detail->final_url.empty()) {
    // The page lives at its final URL: the crawl parses it there (once, however many URLs
    // redirect to it), and the redirect counts as a link to it.
    const std::string& target = result.detail->final_url;
    // A page the user named lands where the site lives (http: to https:, example.com to
    // www.): that origin is crawled too.
    if (job.found == Discovery::input) frontier_.widen_scope_to(target);
    const LinkOrigin origin{.page_identity = job.identity,
                            .element = "redirect",
                            .attribute = "location",
                            .written = target};
    (void)frontier_.offer(Offer{.loc = target,
                                .url = target,
                                .source = kNoSource,
                                .found = Discovery::link,
                                .depth = job.depth,
                                .page = !job.stylesheet,
                                .stylesheet = job.stylesheet,
                                .link = &origin});
    return;
  }
  if (result.status < 200 || result.status > 299) return;
  if (is_css_type(page.content_type)) {
    read_stylesheet(job, result, page);
    return;
  }
  if (job.stylesheet) {
    // Browsers apply a stylesheet only when it is served as CSS (in standards mode, and in
    // any mode with nosniff): the page that loads it is unstyled.
    add_finding(result, FindingCode::stylesheet_not_css,
                page.content_type.empty()
                    ? std::string("a stylesheet served without a Content-Type; browsers apply "
                                  "only text/css")
                    : fmt::format("a stylesheet served as {}; browsers apply only text/css",
                                  net::trim(page.content_type)),
                0);
    return;
  }
  if (!is_html_type(page.content_type)) return;
  PageText text = utf8_page_text(page.body, page.content_type);
  if (!text.error.empty()) {
    add_finding(result, FindingCode::page_not_parsed,
                fmt::format("the page's links were not read: {}", text.error), 0);
    graph_.page_failed();
    return;
  }
  rt::share_backlog();  // the parse takes tens of microseconds: let an idle thread take the rest
  // No suspension point between taking the thread's extractor and the end of extract():
  // the fiber stays on this thread for as long as it uses it. A large page's budget is taken
  // first, as a fiber that waited for it may wake on another thread.
  const auto parse = [&] { return thread_extractor().extract(text.utf8, page.url); };
  ExtractResult extracted;
  if (text.utf8.size() <= kLargePageBytes) {
    extracted = parse();
  } else {
    const LargePageBudget::Share share = large_page_budget().share(text.utf8.size());
    extracted = parse();
  }
  std::string().swap(page.body);  // the DOM is gone too: only the links are left
  if (!extracted.ok()) {
    add_finding(result, FindingCode::page_not_parsed,
                fmt::format("the page's links were not read: {}", extracted.error), 0);
    graph_.page_failed();
    return;
  }
  graph_.counted(extracted.links.size());
  const RobotsDirectives header = robots_directives(page.x_robots_tag);
  PageSummary summary;
  summary.noindex = extracted.page.noindex;
  summary.indexable = !extracted.page.noindex && !header.noindex;
  if (!extracted.page.canonical.empty() && !same_url(extracted.page.canonical, page.url)) {
    summary.canonical = extracted.page.canonical;
  }
  graph_.parsed(job, std::move(summary));
  if (graph_.check_fragments()) graph_.anchors(job, extracted.page.anchors);
  // nofollow: the site asks crawlers not to follow this page's links.
  if (extracted.page.nofollow || header.nofollow) return;
  offer_links(job, result, extracted, page.url);
}

void PageCrawler::read_stylesheet(const Job& job, Result& result, FetchedPage& page) {
  // CSS names its charset by BOM, header or @charset; its URLs are nearly always ASCII, which
  // every charset the decoder falls back to reads alike.
  PageText text = utf8_page_text(page.body, page.content_type);
  std::string().swap(page.body);
  if (!text.error.empty()) {
    add_finding(result, FindingCode::page_not_parsed,
                fmt::format("the stylesheet's URLs were not read: {}", text.error), 0);
    return;
  }
  LinkCollector links(page.url);
  links.css(text.utf8, 1);
  const ExtractResult extracted = std::move(links).finish();
  graph_.counted_links(extracted.links.size());
  offer_links(job, result, extracted, page.url);
}

void PageCrawler::offer_links(const Job& job, Result& result, const ExtractResult& extracted,
                              std::string_view page_url) {
  SchemeCounts& schemes = graph_.schemes();
  const bool https_page = page_url.starts_with("https:");
  FindingCap invalid(result, FindingCode::invalid_link);
  FindingCap mixed(result, FindingCode::mixed_content);
  // The page's links go to the frontier together (Frontier::offer_all), at most kOfferBatch at
  // a time: a page of 100,000 links must not hold the frontier's lock, or a copy of every
  // link, for all of them. Each offer points at its origin, in a vector reserved for a whole
  // batch, so that it never moves while the batch is built.
  const std::size_t batch = std::min(extracted.links.size(), kOfferBatch);
  std::vector<LinkOrigin> origins;
  origins.reserve(batch);
  std::vector<Offer> offers;
  offers.reserve(batch);
  const auto flush = [&] {
    frontier_.offer_all(offers);
    offers.clear();
    origins.clear();
  };
  for (const Link& link : extracted.links) {
    if (link.scheme != LinkScheme::http) {
      // Never requested: counted by scheme, and a link that is no URL at all is reported.
      counter(schemes, link.scheme).fetch_add(1, std::memory_order_relaxed);
      if (link.scheme == LinkScheme::invalid) {
        invalid.add(fmt::format("{} \"{}\" is not a URL that can be requested",
                                model::link_holder(link.element, link.attribute), link.url),
                    link.line);
      }
      continue;
    }
    if (https_page && is_subresource(link.kind) && link.resolved.starts_with("http:")) {
      mixed.add(fmt::format("{} loads {} over plain http {}; browsers block or warn about it",
                            model::link_holder(link.element, link.attribute), link.resolved,
                            model::is_css_construct(link.element, link.attribute)
                                ? "from an https stylesheet"
                                : "on an https page"),
                link.line);
    }
    const LinkOrigin& origin = origins.emplace_back(LinkOrigin{.page_identity = job.identity,
                                                               .line = link.line,
                                                               .element = link.element,
                                                               .attribute = link.attribute,
                                                               .text = link.text,
                                                               .written = link.url,
                                                               .hreflang = link.hreflang});
    if (graph_.check_fragments() && is_page_link(link.kind)) {
      // Only a fragment of a page that is read can be checked; the graph knows at the end.
      const std::size_t hash = link.url.find('#');
      if (hash != std::string_view::npos && hash + 1 < link.url.size()) {
        graph_.fragment_link(UrlHashSet::hash(link.resolved), link.url.substr(hash + 1), origin);
      }
    }
    // Nearly every link the resolver joined without curl is normal: it is offered as it is,
    // without a copy, and the frontier need not look again.
    const bool normal = link.normal || net::is_normal_url(link.resolved);
    offers.push_back(Offer{.loc = link.resolved,
                           .url = normal ? std::string() : std::string(link.resolved),
                           .source = kNoSource,
                           .found = Discovery::link,
                           .depth = job.depth + 1,
                           .page = is_page_link(link.kind),
                           .stylesheet = link.kind == LinkKind::stylesheet,
                           .link = &origin,
                           .normal = normal});
    if (offers.size() == batch) flush();
  }
  flush();
}

}  // namespace siteaudit::audit
