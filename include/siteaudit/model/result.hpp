// result.hpp — the outcome of checking one Job, as the collector receives it.
//
// A Result is kept for every listed URL until the report is written, so the common case is
// kept small (a 1,000,000-URL run keeps a million of them): the URL is a view of text the
// report owns (Report::url_text), and the rare parts — redirect hops, error text, findings,
// the rewritten URL — live behind `detail`, which is null for a plain "200 OK, no redirects,
// no warnings" page.
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
  std::string content_type;
  std::string lastmod;  // from the sitemap
  std::vector<RedirectHop> redirects;
  std::vector<Finding> findings;
  bool fell_back_to_get = false;  // HEAD was refused or dropped; GET decided the result
  bool slow = false;
  std::uint64_t bytes = 0;  // body bytes read (GET)
  // Crawl mode: the pages that link here, kept for URLs that failed or redirected (at most
  // kMaxReferrers of them, sorted by page and line), and how many there were in all.
  std::vector<Referrer> referrers;
  std::uint64_t referrer_count = 0;
};

struct Result {
  std::string_view url;  // exactly as the sitemap listed it; the text is Job::url's
  std::unique_ptr<ResultDetail> detail;
  std::uint64_t seq = 0;     // Job::seq
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
};

// error_kind_name() is the report's error_kind: the kind's word, the code of the finding that
// failed the page, or empty (null) when there was no error.
const char* error_kind_name(const ResultDetail& detail) noexcept;

// A million Results are held until the report is written: each byte here is a megabyte there.
static_assert(sizeof(Result) <= 48, "Result grew: see the note at the top of result.hpp");

}  // namespace siteaudit::model
