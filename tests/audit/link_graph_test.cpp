// link_graph_test.cpp — referrers kept only for URLs that fail or redirect, and the
// reconciliation of the sitemap with the crawl (orphans, missing pages, noindex, canonical).
#include "siteaudit/audit/link_graph.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace {

using namespace siteaudit;
using audit::Discovery;
using audit::Job;
using audit::LinkGraph;
using audit::LinkOrigin;
using audit::Offer;
using audit::Result;

// Site is a report of `n` results with seq 0..n-1, as run_pipeline() hands them over.
model::Report report_of(std::initializer_list<const char*> urls) {
  model::Report report;
  std::uint64_t seq = 0;
  for (const char* url : urls) {
    Result r;
    r.url = report.url_text.store(url);
    r.seq = seq++;
    r.source = model::kNoSource;
    report.results.push_back(std::move(r));
  }
  return report;
}

Job job(std::uint64_t identity, std::uint64_t seq) {
  Job j;
  j.identity = identity;
  j.seq = seq;
  return j;
}

std::vector<std::string> codes(const Result& r) {
  std::vector<std::string> out;
  if (r.detail)
    for (const auto& f : r.detail->findings) out.push_back(model::to_string(f.code));
  return out;
}

// anchor_link() is an <a href> on page `page` at `line`.
LinkOrigin anchor_link(std::uint64_t page, std::uint32_t line, std::string_view text,
                       std::string_view written) {
  return LinkOrigin{.page_identity = page,
                    .line = line,
                    .element = "a",
                    .attribute = "href",
                    .text = text,
                    .written = written};
}

// in_runtime() runs `body` on a fiber: the graph's lock is the runtime's.
template <typename Body>
void in_runtime(Body body) {
  rt::Runtime runtime({.threads = 1});
  REQUIRE(runtime.run(body).ok());
}

}  // namespace

TEST_CASE("LinkGraph: referrers are kept for a URL that failed, dropped for one that passed",
          "[audit][crawl]") {
  model::Report report = report_of({"https://a.test/", "https://a.test/gone", "https://a.test/ok"});
  in_runtime([&] {
    LinkGraph graph;
    const LinkOrigin from_home{.page_identity = 1,
                               .line = 7,
                               .element = "a",
                               .attribute = "href",
                               .text = "Gone",
                               .written = "/gone"};
    graph.offered(1, Offer{.found = Discovery::input}, true, 0);
    graph.offered(2, Offer{.found = Discovery::link, .link = &from_home}, true, 1);
    graph.offered(3, Offer{.found = Discovery::link, .link = &from_home}, true, 2);
    Result failed;
    failed.outcome = model::Outcome::failed;
    graph.settled(job(2, 1), failed);
    graph.settled(job(3, 2), Result{});
    // A link found after the outcome is known: counted, and kept only for the failure.
    graph.offered(2, Offer{.found = Discovery::link, .link = &from_home}, false, 0);
    graph.offered(3, Offer{.found = Discovery::link, .link = &from_home}, false, 0);
    report.results[1].outcome = model::Outcome::failed;
    graph.finish(report, "");
  });
  const Result& gone = report.results[1];
  REQUIRE(gone.detail);
  CHECK(gone.detail->referrer_count == 2);
  REQUIRE(gone.detail->referrers.size() == 2);
  CHECK(gone.detail->referrers[0].page == "https://a.test/");
  CHECK(gone.detail->referrers[0].line == 7);
  CHECK(gone.detail->referrers[0].text == "Gone");
  CHECK(report.crawl.broken == 1);
  CHECK_FALSE(report.results[2].detail);  // passed: nothing kept, nothing to say
}

TEST_CASE("LinkGraph: orphans only when the crawl is complete; missing pages; noindex",
          "[audit][crawl]") {
  for (const bool complete : {true, false}) {
    model::Report report = report_of({"https://a.test/", "https://a.test/orphan",
                                      "https://a.test/unlisted", "https://a.test/hidden"});
    in_runtime([&] {
      LinkGraph graph;
      const LinkOrigin home{.page_identity = 1};
      graph.offered(1, Offer{.found = Discovery::input}, true, 0);
      graph.offered(1, Offer{.source = 0, .line = 2, .found = Discovery::sitemap}, false, 0);
      graph.offered(2, Offer{.source = 0, .line = 3, .found = Discovery::sitemap}, true, 1);
      graph.offered(3, Offer{.found = Discovery::link, .link = &home}, true, 2);
      graph.offered(4, Offer{.source = 0, .line = 4, .found = Discovery::sitemap}, true, 3);
      graph.offered(4, Offer{.found = Discovery::link, .link = &home}, false, 0);
      graph.parsed(job(3, 2), {.indexable = true});
      graph.parsed(job(4, 3), {.indexable = false, .noindex = true});
      graph.finish(report, complete ? "" : "--max-pages 5 was reached");
    });
    INFO("complete: " << complete);
    CHECK(report.crawl.complete == complete);
    if (complete) {
      CHECK(codes(report.results[1]) == std::vector<std::string>{"orphan"});
      CHECK(report.crawl.orphans == 1);
    } else {
      CHECK(codes(report.results[1]).empty());
      CHECK(report.crawl.incomplete_reason == "--max-pages 5 was reached");
    }
    // "/" is listed and nothing links to it, but it is the input: where the crawl starts.
    CHECK(codes(report.results[0]).empty());
    CHECK(codes(report.results[2]) == std::vector<std::string>{"missing_from_sitemap"});
    CHECK(codes(report.results[3]) == std::vector<std::string>{"noindex"});
    // A URL found by a link keeps the sitemap's place when a sitemap lists it.
    CHECK(report.results[3].source == 0);
    CHECK(report.results[3].line == 4);
  }
}

TEST_CASE(
    "LinkGraph: a referrer's text and URL come back whole, short or long, after others "
    "were freed",
    "[audit][crawl]") {
  // Sizes around the edge header's one-byte tags (255 and up is written in 4 more bytes), and
  // an URL beyond the pool's largest record (it comes from operator new).
  const std::string long_text(254, 't');
  const std::string longer_text(255, 'T');
  const std::string long_url = "/long/" + std::string(300, 'u');
  const std::string huge_url = "/huge/" + std::string(5000, 'h');
  model::Report report = report_of({"https://a.test/", "https://a.test/gone", "https://a.test/ok"});
  in_runtime([&] {
    LinkGraph graph;
    graph.offered(1, Offer{.found = Discovery::input}, true, 0);
    graph.offered(3, Offer{.found = Discovery::link}, true, 2);
    graph.offered(2, Offer{.found = Discovery::link}, true, 1);
    // Edges to the URL that passes are freed when it settles; the failure's later edges reuse
    // their records.
    for (std::uint32_t line = 1; line <= 50; ++line) {
      const LinkOrigin link{.page_identity = 1,
                            .line = line,
                            .element = "a",
                            .attribute = "href",
                            .text = "Fine",
                            .written = "/ok"};
      graph.offered(3, Offer{.found = Discovery::link, .link = &link}, false, 0);
    }
    graph.settled(job(3, 2), Result{});
    const std::pair<std::string_view, std::string_view> links[] = {
        {"Gone", "/gone"}, {long_text, long_url}, {longer_text, "/gone#x"}, {"", huge_url}};
    std::uint32_t line = 100;
    for (const auto& [text, written] : links) {
      const LinkOrigin link{.page_identity = 1,
                            .line = line++,
                            .element = "img",
                            .attribute = "src",
                            .text = text,
                            .written = written};
      graph.offered(2, Offer{.found = Discovery::link, .link = &link}, false, 0);
    }
    Result failed;
    failed.outcome = model::Outcome::failed;
    graph.settled(job(2, 1), failed);
    report.results[1].outcome = model::Outcome::failed;
    graph.finish(report, "");
  });
  const Result& gone = report.results[1];
  REQUIRE(gone.detail);
  REQUIRE(gone.detail->referrers.size() == 4);
  const auto& refs = gone.detail->referrers;  // sorted by page, then line
  CHECK(refs[0].text == "Gone");
  CHECK(refs[0].url == "/gone");
  CHECK(refs[1].text == long_text);
  CHECK(refs[1].url == long_url);
  CHECK(refs[2].text == longer_text);
  CHECK(refs[2].url == "/gone#x");
  CHECK(refs[3].text.empty());
  CHECK(refs[3].url == huge_url);
  CHECK(refs[3].element == "img");
  CHECK(refs[3].attribute == "src");
  CHECK(refs[3].line == 103);
  CHECK_FALSE(report.results[2].detail);
}

TEST_CASE(
    "LinkGraph: a link written as its target's path is reported as written, from the "
    "target's URL",
    "[audit][crawl]") {
  model::Report report =
      report_of({"https://a.test/", "https://a.test/gone?x=1", "https://A.test/Old%7e"});
  in_runtime([&] {
    LinkGraph graph;
    graph.offered(1, Offer{.loc = "https://a.test/", .found = Discovery::input}, true, 0);
    // Accepted from a sitemap (not marked normal, but normal), then linked as its path, as an
    // absolute URL, with a fragment, and from a link that is not normal.
    graph.offered(2, Offer{.loc = "https://a.test/gone?x=1", .source = 0, .line = 2}, true, 1);
    // Accepted from a URL that is not normal: its links keep their text.
    graph.offered(3, Offer{.loc = "https://A.test/Old%7e", .source = 0, .line = 3}, true, 2);
    struct Case {
      std::uint64_t target;
      std::string_view loc, written;
      bool normal;
    };
    const Case cases[] = {
        {2, "https://a.test/gone?x=1", "/gone?x=1", true},
        {2, "https://a.test/gone?x=1", "https://a.test/gone?x=1", true},
        {2, "https://a.test/gone?x=1", "/gone?x=1#top", true},
        {2, "https://a.test/gone?x=1", "/gone?x=1", false},
        {3, "https://a.test/Old~", "/Old~", true},
    };
    std::uint32_t line = 10;
    for (const Case& c : cases) {
      const LinkOrigin link{.page_identity = 1,
                            .line = line++,
                            .element = "a",
                            .attribute = "href",
                            .text = "Old",
                            .written = c.written};
      graph.offered(
          c.target,
          Offer{.loc = c.loc, .found = Discovery::link, .link = &link, .normal = c.normal}, false,
          0);
    }
    Result failed;
    failed.outcome = model::Outcome::failed;
    graph.settled(job(2, 1), failed);
    graph.settled(job(3, 2), failed);
    report.results[1].outcome = model::Outcome::failed;
    report.results[2].outcome = model::Outcome::failed;
    graph.finish(report, "");
  });
  REQUIRE(report.results[1].detail);
  const auto& gone = report.results[1].detail->referrers;
  REQUIRE(gone.size() == 4);
  CHECK(gone[0].url == "/gone?x=1");
  CHECK(gone[1].url == "https://a.test/gone?x=1");
  CHECK(gone[2].url == "/gone?x=1#top");
  CHECK(gone[3].url == "/gone?x=1");
  REQUIRE(report.results[2].detail);
  REQUIRE(report.results[2].detail->referrers.size() == 1);
  CHECK(report.results[2].detail->referrers[0].url == "/Old~");
}

TEST_CASE("LinkGraph: the referrers' memory goes back as their targets pass; a failure's stay",
          "[audit][crawl]") {
  // 2,000 targets with 20 links each (about 1.3 MB of edges), all pending at once, then all
  // settled: the passing ones' blocks are freed, the failing one's edges moved out of them.
  constexpr std::uint64_t kTargets = 2000;
  model::Report report;
  for (std::uint64_t seq = 0; seq <= kTargets; ++seq) {
    Result r;
    r.url = report.url_text.store("https://a.test/" + std::to_string(seq));
    r.seq = seq;
    report.results.push_back(std::move(r));
  }
  std::size_t pending_blocks = 0, settled_blocks = 0;
  in_runtime([&] {
    LinkGraph graph;
    graph.offered(1'000'000, Offer{.found = Discovery::input}, true, 0);
    for (std::uint64_t target = 1; target <= kTargets; ++target) {
      graph.offered(target, Offer{.found = Discovery::link}, true, target);
    }
    for (std::uint32_t line = 1; line <= 20; ++line) {
      for (std::uint64_t target = 1; target <= kTargets; ++target) {
        const std::string text = "Page " + std::to_string(target);
        const std::string written = "/" + std::to_string(target) + ".html";
        const LinkOrigin link{.page_identity = 1'000'000,
                              .line = line,
                              .element = "a",
                              .attribute = "href",
                              .text = text,
                              .written = written};
        graph.offered(target, Offer{.found = Discovery::link, .link = &link}, false, 0);
      }
    }
    pending_blocks = graph.edge_blocks();
    Result failed;
    failed.outcome = model::Outcome::failed;
    const Result passed;
    for (std::uint64_t target = 1; target <= kTargets; ++target) {
      graph.settled(job(target, target), target == 777 ? failed : passed);
    }
    settled_blocks = graph.edge_blocks();
    report.results[777].outcome = model::Outcome::failed;
    graph.finish(report, "");
  });
  CHECK(pending_blocks >= 16);
  // One open block of each record size the failure's edges and the freed ones used.
  CHECK(settled_blocks <= 4);
  const Result& gone = report.results[777];
  REQUIRE(gone.detail);
  CHECK(gone.detail->referrer_count == 20);
  REQUIRE(gone.detail->referrers.size() == 20);
  CHECK(gone.detail->referrers.front().text == "Page 777");
  CHECK(gone.detail->referrers.front().url == "/777.html");
  CHECK(gone.detail->referrers.back().line == 20);
}

TEST_CASE("LinkGraph: a page's links told at once keep what one at a time keeps",
          "[audit][crawl]") {
  // Page 1 links twice to a page that fails and once to one that passes; page 4 once to the
  // failure. offered_all() looks the referring page up once for all its links.
  auto run = [](bool at_once) {
    model::Report report = report_of(
        {"https://a.test/", "https://a.test/gone", "https://a.test/ok", "https://a.test/x"});
    in_runtime([&] {
      LinkGraph graph;
      const LinkOrigin first = anchor_link(1, 3, "first", "/gone");
      const LinkOrigin second{
          .page_identity = 1, .line = 9, .element = "img", .attribute = "src", .written = "/gone"};
      const LinkOrigin third = anchor_link(1, 12, "ok", "/ok");
      const LinkOrigin other = anchor_link(4, 5, "from x", "/gone");
      graph.offered(1, Offer{.found = Discovery::input}, true, 0);
      graph.offered(4, Offer{.found = Discovery::input}, true, 3);
      const Offer offers[] = {Offer{.found = Discovery::link, .link = &first},
                              Offer{.found = Discovery::link, .link = &second},
                              Offer{.found = Discovery::link, .link = &third},
                              Offer{.found = Discovery::link, .link = &other}};
      const LinkGraph::Offered told[] = {
          {.identity = 2, .offer = &offers[0], .accepted = true, .seq = 1},
          {.identity = 2, .offer = &offers[1], .accepted = false},
          {.identity = 3, .offer = &offers[2], .accepted = true, .seq = 2},
          {.identity = 2, .offer = &offers[3], .accepted = false}};
      if (at_once) {
        graph.offered_all(told);
      } else {
        for (const LinkGraph::Offered& one : told)
          graph.offered(one.identity, *one.offer, one.accepted, one.seq);
      }
      Result failed;
      failed.outcome = model::Outcome::failed;
      graph.settled(job(2, 1), failed);
      graph.settled(job(3, 2), Result{});
      report.results[1].outcome = model::Outcome::failed;
      graph.finish(report, "");
    });
    return report;
  };
  const model::Report one_by_one = run(false);
  const model::Report at_once = run(true);
  const Result& gone = at_once.results[1];
  REQUIRE(gone.detail);
  CHECK(gone.detail->referrer_count == 3);
  REQUIRE(gone.detail->referrers.size() == 3);
  REQUIRE(one_by_one.results[1].detail);
  const auto& expected = one_by_one.results[1].detail->referrers;
  REQUIRE(expected.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(gone.detail->referrers[i].page == expected[i].page);
    CHECK(gone.detail->referrers[i].line == expected[i].line);
    CHECK(gone.detail->referrers[i].element == expected[i].element);
    CHECK(gone.detail->referrers[i].text == expected[i].text);
  }
  CHECK(gone.detail->referrers[0].page != gone.detail->referrers[2].page);
  CHECK_FALSE(at_once.results[2].detail);
}

namespace {

// run_listing() is one crawl's view of https://a.test/page: found by a link from the input
// page, listed by a sitemap (line 7, lastmod 2026-06-01) before or after its check ends, or
// never. The frontier tells the graph after releasing its own lock, so the listing may even
// reach the graph before the link's accepted offer does (told_first).
enum class Listing { told_first, before_check, after_check, never };

model::Report run_listing(Listing listing, bool strict) {
  model::Report report = report_of({"https://a.test/", "https://a.test/page"});
  in_runtime([&] {
    LinkGraph graph(false, audit::HygieneRules{.strict = strict});
    const LinkOrigin home = anchor_link(1, 3, "Page", "/page");
    const Offer listed{.lastmod = "2026-06-01T00:00:00Z", .source = 0, .line = 7};
    graph.offered(1, Offer{.found = Discovery::input}, true, 0);
    if (listing == Listing::told_first) graph.offered(2, listed, false, 0);
    graph.offered(2, Offer{.found = Discovery::link, .link = &home}, true, 1);
    if (listing == Listing::before_check) graph.offered(2, listed, false, 0);
    // What the checker gives a link's URL that answered 200 with X-Robots-Tag: noindex and
    // Last-Modified 2026-05-01: the noindex finding waits, and the Last-Modified is a fact.
    Result& checked = report.results[1];
    checked.found = Discovery::link;
    checked.status = 200;
    checked.details().listing_findings.push_back(
        model::Finding{.code = model::FindingCode::noindex,
                       .message = "X-Robots-Tag says noindex",
                       .where = "https://a.test/page",
                       .line = 0,
                       .severity = strict ? model::Severity::failure : model::Severity::warning});
    const auto served = audit::parse_http_date("Fri, 01 May 2026 00:00:00 GMT", {});
    REQUIRE(served);
    graph.settled(job(2, 1), checked, served);
    if (listing == Listing::after_check) graph.offered(2, listed, false, 0);
    graph.finish(report, "");
  });
  return report;
}

}  // namespace

TEST_CASE("LinkGraph: a URL a link found first gets its listing's lastmod, findings and found_by",
          "[audit][crawl]") {
  // The loader and the crawl race: whichever offer comes first, a listed URL is reported as
  // the sitemap's, with the hygiene findings a sitemap run gives it.
  for (const Listing listing : {Listing::told_first, Listing::before_check, Listing::after_check}) {
    INFO("listing " << static_cast<int>(listing));
    const model::Report report = run_listing(listing, /*strict=*/false);
    const Result& page = report.results[1];
    CHECK(page.found == Discovery::sitemap);
    CHECK(page.source == 0);
    CHECK(page.line == 7);
    REQUIRE(page.detail);
    CHECK(page.detail->lastmod == "2026-06-01T00:00:00Z");
    CHECK(page.detail->listing_findings.empty());
    CHECK(codes(page) == std::vector<std::string>{"noindex", "lastmod_after_last_modified"});
    CHECK(page.detail->findings[1].message ==
          "sitemap lastmod 2026-06-01T00:00:00Z is later than the page's Last-Modified (Fri, 01 "
          "May 2026 00:00:00 GMT): set lastmod to when the page last changed, not when the "
          "sitemap was generated");
    CHECK(page.outcome == model::Outcome::ok);
    CHECK(report.results[0].found == Discovery::input);
  }
}

TEST_CASE("LinkGraph: an unlisted link's hygiene findings are dropped; listed under --strict, fail",
          "[audit][crawl]") {
  const model::Report unlisted = run_listing(Listing::never, /*strict=*/true);
  const Result& link = unlisted.results[1];
  CHECK(link.found == Discovery::link);
  CHECK(link.source == model::kNoSource);
  CHECK(codes(link).empty());
  CHECK(link.outcome == model::Outcome::ok);
  REQUIRE(link.detail);
  CHECK(link.detail->listing_findings.empty());
  CHECK(link.detail->referrers.empty());  // kept while it might fail, never reported

  const model::Report listed = run_listing(Listing::after_check, /*strict=*/true);
  const Result& page = listed.results[1];
  CHECK(page.outcome == model::Outcome::failed);
  REQUIRE(page.detail);
  CHECK(page.detail->error_kind == model::ErrorKind::finding);
  CHECK(page.detail->failed_by == model::FindingCode::noindex);
  CHECK(page.detail->error == "X-Robots-Tag says noindex");
  // Failed, it names the pages that link to it, as a URL the sitemap listed first would.
  REQUIRE(page.detail->referrers.size() == 1);
  CHECK(page.detail->referrers[0].page == "https://a.test/");
  CHECK(listed.crawl.broken == 1);
}
