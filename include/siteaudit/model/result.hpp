// result.hpp — the outcome of checking one Job, as the collector receives it.
//
// A Result is kept for every listed URL until the report is written, so the common case is
// kept small (a 1,000,000-URL run keeps a million of them): the URL is a view of text the
// report owns (Report::url_text), and the rare parts — redirect hops, error text, findings,
// the rewritten URL — live behind `detail`, which is null for a plain "200 OK, no redirects,
// no warnings" page. A GET's byte count and the response's content type are common (every
// page a crawl fetches has both), so they live in the Result itself: the count in 22 bits and
// the content type as an index into a process-wide table of the distinct types seen (a site
// serves a handful). Only a body of 4 MiB or more, or a type beyond the table's 62, goes to
// the detail block; read and write them through bytes() and content_type().
//
// Outcomes add up: ok + failed + skipped + cancelled + inconclusive == total. A page with warnings
// (slow, redirected under --redirects warn, hygiene findings) is `ok` and carries its findings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/model/error_kind.hpp"
#include "siteaudit/model/finding.hpp"
#include "siteaudit/model/job.hpp"
#include "siteaudit/model/referrer.hpp"

namespace siteaudit::model {

// inconclusive is an answer that means "a bot wall", not "broken": status 999, a CDN's
// challenge page, or 403/429 after retries from a host outside the crawl's scope. It is shown
// apart from failures and fails the run only with --strict.
enum class Outcome : std::uint8_t { ok, failed, skipped, cancelled, inconclusive };

enum class CheckMethod : std::uint8_t { none, head, get };

// RedirectHop is one hop of a redirect chain: the status that redirected and where to.
struct RedirectHop {
  std::string url;
  int status = 0;
  std::string location;
  std::uint32_t time_ms = 0;
};

// ResultDetail holds what most results do not have.
struct ResultDetail {
  std::string check_url;  // the requested URL when --rewrite changed it
  std::string final_url;  // where redirects ended, when they did
  std::string error;      // human-readable reason for a failure, skip or transport error
  ErrorKind error_kind = ErrorKind::none;       // see error_kind_name()
  FindingCode failed_by = FindingCode::status;  // the finding, when error_kind is `finding`
  std::string lastmod;                          // from the sitemap
  std::vector<RedirectHop> redirects;
  std::vector<Finding> findings;
  // Crawl mode: the sitemap hygiene findings of a URL the crawl found by a link. They hold
  // only if a sitemap lists the URL too, which may be known only after the check (the loader
  // waits for room while the crawl's pages fill the queue): LinkGraph::finish() moves them to
  // `findings` or drops them. Never in a report.
  std::vector<Finding> listing_findings;
  bool fell_back_to_get = false;  // HEAD was refused or dropped; GET decided the result
  bool slow = false;
  // Result::bytes() and content_type() when they do not fit in the Result (see there): not
  // meaningful otherwise, so read them only through the Result.
  std::uint64_t wide_bytes = 0;
  std::string wide_content_type;
  // Crawl mode: the pages that link here, kept for URLs that failed or redirected (at most
  // kMaxReferrers of them, sorted by page and line), and how many there were in all.
  std::vector<Referrer> referrers;
  std::uint64_t referrer_count = 0;
};

struct Result {
  // kSeqLimit bounds Job::seq (68.7 billion URLs in one run): seq shares a word with the
  // body's byte count and the content type's index. set_seq() ends the process beyond it.
  static constexpr std::uint64_t kSeqLimit = std::uint64_t{1} << 36;

  std::string_view url;  // exactly as the sitemap listed it; the text is Job::url's
  std::unique_ptr<ResultDetail> detail;
  std::uint64_t seq : 36 = 0;  // Job::seq; assign it with set_seq() when it may be large
  // Use bytes() and content_type(): these are their compact forms (an index into the table of
  // content types, 0 for none; the byte count, or a mark that the detail block holds it).
  std::uint64_t content_type_slot : 6 = 0;
  std::uint64_t bytes_slot : 22 = 0;
  std::uint32_t source = 0;  // index into Report::sources; kNoSource when none listed it
  std::uint32_t line = 0;
  std::uint32_t time_ms = 0;  // total time across attempts and redirects
  std::int16_t status = 0;    // final HTTP status, 0 when no response
  // Packed in one byte: a Result is 48 bytes instead of 56.
  Outcome outcome : 3 = Outcome::ok;
  CheckMethod method : 2 = CheckMethod::none;
  Discovery found : 2 = Discovery::sitemap;
  // cached: not requested; --cache says the URL passed within --cache-max-age (status kept).
  bool cached : 1 = false;
  std::uint8_t attempts = 0;

  // details() returns the detail block, creating it on first use.
  ResultDetail& details() {
    if (!detail) detail = std::make_unique<ResultDetail>();
    return *detail;
  }

  // set_seq() sets seq, ending the process when it is not below kSeqLimit (a bug: no run
  // numbers that many URLs).
  void set_seq(std::uint64_t value);

  // bytes() is the body's byte count (a GET; 0 otherwise), set_bytes() sets it.
  std::uint64_t bytes() const noexcept;
  void set_bytes(std::uint64_t value);

  // content_type() is the response's Content-Type as the server sent it, empty for none. The
  // text stays valid for the life of the process (the table never forgets a type).
  std::string_view content_type() const noexcept;
  void set_content_type(std::string_view type);
};

// error_kind_name() is the report's error_kind: the kind's word, the code of the finding that
// failed the page, or empty (null) when there was no error.
const char* error_kind_name(const ResultDetail& detail) noexcept;

// A million Results are held until the report is written: each byte here is a megabyte there;
// and a crawl's page would cost a 264-byte detail block if its bytes and content type did not
// fit in the Result.
static_assert(sizeof(Result) <= 48, "Result grew: see the note at the top of result.hpp");

}  // namespace siteaudit::model
