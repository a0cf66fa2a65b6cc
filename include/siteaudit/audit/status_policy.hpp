// status_policy.hpp — which HTTP statuses are ok, per host and per URL pattern.
//
// A StatusPolicy decides what a final HTTP status means for one URL. It is compiled once from
// two settings:
//
//   --accept LIST         the statuses that are ok everywhere (default 200-299).
//       LIST  = ITEM { "," ITEM }     ITEM = STATUS | STATUS "-" STATUS
//       STATUS is an integer 100..599; ranges are inclusive and must not be backwards.
//       e.g. "200-299,304"
//
//   --status-rule RULE    an override, repeatable; words separated by spaces:
//       RULE     = [ SELECTOR ] CLAUSE { CLAUSE }
//       SELECTOR = "host=" HOST          exact host, any case:          host=cdn.example.com
//                | "host=*." SUFFIX      any subdomain of SUFFIX (not SUFFIX itself):
//                                                                       host=*.example.org
//                | "url=" REGEX          RE2 regex searched in the URL (no spaces; write
//                                        \x20 or %20):                  url=^https://x/api/
//       (no selector: the rule applies to every URL)
//       CLAUSE   = LIST "=" ACTION | "*=" ACTION          ("*" is every status, 100-599)
//       ACTION   = ok | warn | fail | skip
//       e.g. "host=cdn.example.com 429=warn", "url=^https://x/api/ 404=ok 500-599=warn"
//
// Judging a status: rules are tried in the order given; within a rule, clauses left to right.
// The first clause whose selector matches the URL and whose list holds the status decides.
// When no rule decides, the status is ok if --accept lists it and a failure otherwise. So a 429
// from one third-party host can be a warning while a 404 anywhere still fails — accepting 429
// globally would hide the hosts that really are broken.
//
// The actions: ok — passes silently; warn — passes with a warning (a failure under --strict,
// which the caller applies); fail — a failure even if --accept lists it; skip — reported as
// skipped with the rule as the reason. Rules judge HTTP statuses only; transport errors (DNS,
// timeouts, resets) are the checker's business.
//
// Example:
//   ParseResult<StatusPolicy> parsed =
//       StatusPolicy::parse("200-299,304", {"host=cdn.example.com 429=warn"});
//   if (!parsed.ok()) return fail(parsed.error());
//   StatusVerdict v = parsed.value().judge("https://cdn.example.com/a.js", 429);
//   // v.kind == StatusVerdict::Kind::warning,
//   // v.reason == "status 429 is a warning by --status-rule 'host=cdn.example.com 429=warn'"
//
// Thread safety: a StatusPolicy is immutable after parse(); judge() may be called from any
// number of fibers and threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/audit/url_pattern.hpp"

namespace siteaudit::audit {

// StatusSet is a set of HTTP statuses written as a list of statuses and inclusive ranges.
class StatusSet {
 public:
  // parse() reads a LIST (see the file comment). `option` names the setting in messages,
  // e.g. "--accept".
  [[nodiscard]] static ParseResult<StatusSet> parse(std::string_view text, std::string_view option);
  // all() is every status, 100-599.
  static StatusSet all();

  // contains() is true when `status` is in one of the ranges.
  bool contains(int status) const noexcept;
  // text() is the list as the user wrote it (whitespace removed), for messages.
  const std::string& text() const noexcept { return text_; }

 private:
  std::vector<std::pair<int, int>> ranges_;
  std::string text_;
};

enum class StatusAction : std::uint8_t { ok, warn, fail, skip };

const char* to_string(StatusAction action) noexcept;

// StatusVerdict is what a status means for one URL.
struct StatusVerdict {
  enum class Kind : std::uint8_t { ok, warning, failure, skipped };
  Kind kind = Kind::ok;
  // reason says why, for warnings, failures and skips; empty for a plain ok.
  std::string reason;
  // rule is the index of the --status-rule that decided, -1 when --accept did.
  int rule = -1;
};

class StatusPolicy {
 public:
  // StatusPolicy() accepts 200-299 and has no rules, the documented defaults.
  StatusPolicy();

  // parse() compiles --accept and every --status-rule, failing on the first bad one.
  [[nodiscard]] static ParseResult<StatusPolicy> parse(std::string_view accept,
                                                       const std::vector<std::string>& rules);

  // judge() decides what final status `status` of `url` means. `url` is the absolute URL that
  // was requested (scheme and host lower-case, as the loader normalises them).
  StatusVerdict judge(std::string_view url, int status) const;

  const StatusSet& accepted() const noexcept { return accept_; }

 private:
  struct Clause {
    StatusSet statuses;
    StatusAction action = StatusAction::ok;
  };
  struct Rule {
    enum class Selector : std::uint8_t { any, host, host_suffix, url_regex };
    Selector selector = Selector::any;
    std::string host;               // exact host, or ".suffix" for host_suffix
    std::optional<UrlPattern> url;  // set for url_regex
    std::vector<Clause> clauses;
    std::string text;  // the rule as written, for reasons
  };

  static bool parse_rule(std::string_view text, Rule& rule, std::string& error);
  static bool selects(const Rule& rule, std::string_view url, std::string_view host);

  StatusSet accept_;
  std::vector<Rule> rules_;
};

}  // namespace siteaudit::audit
