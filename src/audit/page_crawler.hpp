// page_crawler.hpp — crawl mode's step on a worker: a fetched page's links to the frontier.
//
// A worker that checked an in-scope page (Job::parse) hands the page to its PageCrawler. The
// crawler parses it with its OS thread's LinkExtractor (a parser keeps state between pages, so
// it cannot be shared; parsing never waits, so a fiber cannot leave its thread while it
// parses, and one per thread is enough: two parsers instead of 64), offers every http(s) link to
// the Frontier — which never blocks, so a worker cannot deadlock on the jobs channel only workers
// drain — counts the links that are not requested (mailto:, tel:, javascript:, data:), tells the
// LinkGraph what the page says about itself, and adds the page's own findings (mixed content,
// invalid links) to its Result. The page's DOM lives only inside crawl(); the body is the caller's.
// A page above kLargePageBytes first waits for its share of the process's large-page budget,
// so that the parsers' memory does not grow with the number of threads.
//
// It offers links before the worker sends the page's Result, so the frontier's count of work
// in flight cannot reach zero while a page may still add work.
//
// Example (inside a worker fiber):
//   FetchedPage page;
//   Result result = checker.check(ctx, job, job.parse ? &page : nullptr);
//   if (job.parse) crawler.crawl(job, result, page);
//
// Thread safety: one PageCrawler per fiber; the Frontier and LinkGraph it shares are safe,
// and the extractor is the calling thread's (thread_extractor()).
#pragma once

#include <memory>

#include "siteaudit/audit/checker.hpp"
#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/audit/link_extractor.hpp"
#include "siteaudit/audit/link_graph.hpp"
#include "siteaudit/audit/model_types.hpp"

namespace siteaudit::audit {

class PageCrawler {
 public:
  // PageCrawler() keeps references to `frontier` and `graph`, which must outlive it.
  PageCrawler(Frontier& frontier, LinkGraph& graph);

  // crawl() parses `page`, the body of `job`'s URL, when it is an HTML page that answered 2xx,
  // and offers its links; a page that redirected offers its final URL instead.
  void crawl(const Job& job, Result& result, FetchedPage& page);

 private:
  // read_stylesheet() offers the URLs a stylesheet (`page`, answered text/css) loads.
  void read_stylesheet(const Job& job, Result& result, FetchedPage& page);
  void offer_links(const Job& job, Result& result, const ExtractResult& extracted,
                   std::string_view page_url);

  Frontier& frontier_;
  LinkGraph& graph_;
};

// RobotsDirectives are the indexing rules of a page's X-Robots-Tag headers.
struct RobotsDirectives {
  bool noindex = false;
  bool nofollow = false;
};

// robots_directives() reads X-Robots-Tag values ("noindex, nofollow", "none", "bot: noindex");
// a rule for a named user agent counts too, as siteaudit is a crawler like any.
RobotsDirectives robots_directives(std::string_view x_robots_tag);

// is_html_type() is true for a Content-Type of an HTML page (text/html, application/xhtml+xml).
bool is_html_type(std::string_view content_type);
// is_css_type() is true for a Content-Type of a stylesheet (text/css).
bool is_css_type(std::string_view content_type);

}  // namespace siteaudit::audit
