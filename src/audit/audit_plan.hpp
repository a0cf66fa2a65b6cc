// audit_plan.hpp — an AuditConfig checked once and compiled into the rules a run applies.
//
// make_plan() is the one place that validates a configuration: every option that can be
// wrong (a pattern, a status rule, a header, a routes file) is compiled here, before the
// runtime starts, and the first problem comes back as a ParseResult failure naming the
// option. Everything downstream takes the compiled rules and never re-validates.
//
// Example:
//   ParseResult<AuditPlan> plan = make_plan(config);
//   if (!plan.ok()) return fail(plan.error());  // exit code 2
#pragma once

#include <memory>
#include <optional>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/crawl_scope.hpp"
#include "siteaudit/audit/expected_routes.hpp"
#include "siteaudit/audit/hygiene.hpp"
#include "siteaudit/audit/parse_result.hpp"
#include "siteaudit/audit/rate_limiter.hpp"
#include "siteaudit/audit/retry_policy.hpp"
#include "siteaudit/audit/shard.hpp"
#include "siteaudit/audit/status_policy.hpp"
#include "siteaudit/audit/trusted_origins.hpp"
#include "siteaudit/audit/url_filter.hpp"
#include "siteaudit/audit/url_rewrite.hpp"

namespace siteaudit::audit {

struct AuditPlan {
  StatusPolicy status;
  UrlFilter filter;
  RewriteRules rewrite;
  std::optional<RetryPolicy> retry;  // optional only because RetryPolicy is not assignable
  HygieneRules hygiene;
  std::unique_ptr<RateLimiter> rate;  // null when neither --rate nor robots.txt limit a host
  std::optional<ExpectedRoutes> routes;
  TrustedOrigins trusted;           // where --header and URL credentials may go
  std::optional<CrawlScope> crawl;  // --crawl: the pages parsed for links
  ShardSpec shard;                  // --shard, --shard-by: the part of the input this run checks
  unsigned threads = 1;             // --threads, or the machine's cores when 0
};

// make_plan() validates `config` and compiles its rules.
[[nodiscard]] ParseResult<AuditPlan> make_plan(const AuditConfig& config);

}  // namespace siteaudit::audit
