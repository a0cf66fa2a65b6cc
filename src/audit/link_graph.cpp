// link_graph.cpp — referrers, listings and page facts per URL, and the reconciliation.
#include "siteaudit/audit/link_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <utility>

#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/net/ascii.hpp"
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

void LinkGraph::offered(std::uint64_t identity, const Offer& offer, bool accepted,
                        std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(identity);
  if (accepted) entry.seq = seq;
  if (offer.found == Discovery::input) entry.input = true;
  if (offer.found == Discovery::sitemap && !entry.listed) {
    entry.listed = true;
    entry.listed_source = offer.source;
    entry.listed_line = offer.line;
  }
  const LinkOrigin* link = offer.link;
  if (link == nullptr) return;
  if (!link->hreflang.empty()) {
    alternates_.push_back(Alternate{.target = identity,
                                    .referrer = link->page_identity,
                                    .hreflang = std::string(link->hreflang),
                                    .written = std::string(link->written),
                                    .line = link->line});
  }
  if (link->page_identity != identity) entry.linked = true;
  ++entry.referrer_total;
  // Once the check has ended, only a target that failed or redirected wants its referrers.
  if (entry.settled && !entry.keep) return;
  if (entry.referrers.size() >= model::kMaxReferrers) return;
  Edge edge{.page = link->page_identity,
            .element = name_locked(link->element),
            .attribute = name_locked(link->attribute),
            .line = link->line,
            .text_size = static_cast<std::uint32_t>(link->text.size())};
  edge.text_url.reserve(link->text.size() + link->written.size());
  edge.text_url.append(link->text).append(link->written);
  entry.referrers.push_back(std::move(edge));
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
    auto target = entries_.find(link.target);
    auto referrer = entries_.find(link.referrer);
    if (target == entries_.end() || !target->second.parsed) continue;  // not read: no anchors
    if (referrer == entries_.end() || referrer->second.seq >= report.results.size()) continue;
    const auto known = anchors_.find(link.target);
    // A fragment is percent-decoded before it is compared with the ids (the HTML standard's
    // "find a potential indicated element" tries both).
    const std::string decoded = percent_decoded(link.fragment);
    if (known != anchors_.end() &&
        (known->second.contains(link.fragment) || known->second.contains(decoded))) {
      continue;
    }
    Result& page = report.results[referrer->second.seq];
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
    auto target = entries_.find(alternate.target);
    auto referrer = entries_.find(alternate.referrer);
    if (target == entries_.end() || target->second.seq >= report.results.size()) continue;
    if (referrer == entries_.end() || referrer->second.seq >= report.results.size()) continue;
    const Result& gone = report.results[target->second.seq];
    if (gone.outcome != Outcome::failed) continue;
    Result& page = report.results[referrer->second.seq];
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

const std::string* LinkGraph::name_locked(std::string_view name) {
  return &*names_.emplace(name).first;  // node-based: the address outlives later inserts
}

std::string_view LinkGraph::page_url(std::uint64_t page, const Report& report) const {
  auto it = entries_.find(page);
  // A referrer is a page that was parsed, so it was accepted and has its Result.
  if (it == entries_.end() || it->second.seq >= report.results.size()) {
    rt::fatal("LinkGraph: a referring page has no result");
  }
  return report.results[it->second.seq].url;
}

void LinkGraph::parsed(const Job& job, PageSummary page) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(job.identity);
  entry.parsed = true;
  entry.page = std::move(page);
}

void LinkGraph::settled(const Job& job, const Result& result) {
  const bool keep = result.outcome == Outcome::failed || result.outcome == Outcome::inconclusive ||
                    redirected(result);
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(job.identity);
  entry.seq = job.seq;
  entry.settled = true;
  entry.keep = keep;
  if (!keep) std::vector<Edge>().swap(entry.referrers);
}

void LinkGraph::fill_result(Entry& entry, Result& result, Report& report, bool orphans_decidable,
                            bool any_listed) {
  CrawlReport& crawl = report.crawl;
  if (entry.listed && result.source == model::kNoSource) {
    // Found by a link before the sitemap listed it: the sitemap's place is still its place.
    result.source = entry.listed_source;
    result.line = entry.listed_line;
  }
  if (entry.keep && entry.referrer_total > 0) {
    ResultDetail& detail = result.details();
    detail.referrers.reserve(entry.referrers.size());
    for (const Edge& edge : entry.referrers) {
      const std::string_view text_url = edge.text_url;
      detail.referrers.push_back(
          model::Referrer{.page = std::string(page_url(edge.page, report)),
                          .line = edge.line,
                          .element = *edge.element,
                          .attribute = *edge.attribute,
                          .text = std::string(text_url.substr(0, edge.text_size)),
                          .url = std::string(text_url.substr(edge.text_size))});
    }
    // Found in whatever order the workers parsed the pages: sorted, a report is the same
    // from run to run.
    std::sort(detail.referrers.begin(), detail.referrers.end(),
              [](const model::Referrer& a, const model::Referrer& b) {
                return std::tie(a.page, a.line, a.element, a.attribute, a.url) <
                       std::tie(b.page, b.line, b.element, b.attribute, b.url);
              });
    std::vector<Edge>().swap(entry.referrers);
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
  if (entry.listed && entry.parsed) {
    if (entry.page.noindex && !has_finding(result, FindingCode::noindex)) {
      result.details().findings.push_back(crawl_finding(
          FindingCode::noindex,
          "the page's <meta name=robots> says noindex, yet a sitemap lists it: remove it from "
          "the sitemap or drop the noindex",
          result));
    }
    if (!entry.page.canonical.empty()) {
      result.details().findings.push_back(crawl_finding(
          FindingCode::canonical_elsewhere,
          fmt::format("the page names {} as its canonical URL, yet a sitemap lists this URL: list "
                      "the canonical URL instead",
                      entry.page.canonical),
          result));
    }
  }
  if (!entry.listed && entry.parsed && any_listed && entry.page.indexable &&
      entry.page.canonical.empty() && result.outcome == Outcome::ok) {
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
  for (const auto& [identity, entry] : entries_) any_listed = any_listed || entry.listed;
  for (auto& [identity, entry] : entries_) {
    if (entry.seq >= report.results.size()) continue;  // refused (shard, --max-urls)
    Result& result = report.results[entry.seq];
    // One Result per accepted URL, in seq order: what run_pipeline() sorted.
    if (result.seq != entry.seq) rt::fatal("LinkGraph::finish: the results are not in seq order");
    fill_result(entry, result, report, crawl.complete, any_listed);
  }
  if (check_fragments_) check_fragments_locked(report);
  check_alternates_locked(report);
  entries_.clear();
  fragments_.clear();
  alternates_.clear();
  anchors_.clear();
}

}  // namespace siteaudit::audit
