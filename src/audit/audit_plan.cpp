// audit_plan.cpp — validation of a configuration, once, as a result value.
#include "audit_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "siteaudit/audit/sitemap_lint.hpp"

namespace siteaudit::audit {

namespace {

// header_error() says what is wrong with one --header, or "" when it is "Name: value" with an
// RFC 9110 token as the name and no line break (anything else would be sent mangled, or
// would smuggle a header of its own).
std::string header_error(const std::string& header) {
  const std::size_t colon = header.find(':');
  const bool token_name =
      colon != std::string::npos && colon > 0 &&
      std::all_of(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(colon),
                  [](unsigned char c) {
                    return std::isalnum(c) != 0 ||
                           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                               std::string_view::npos;
                  });
  if (!token_name || header.find_first_of("\r\n") != std::string::npos) {
    return "--header: '" + header + "' is not a header (expected \"Name: value\")";
  }
  return {};
}

// control_character_error() says which control character `value` of `option` holds, or "" when
// none: every such value goes on the wire, where a CR or LF would smuggle a header of its own
// and a NUL would cut the value short in libcurl.
std::string control_character_error(std::string_view option, std::string_view value) {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return fmt::format("{}: '{}' holds the control character \\x{:02X}", option,
                         escape_controls(value), byte);
    }
  }
  return {};
}

}  // namespace

ParseResult<AuditPlan> make_plan(const AuditConfig& config) {
  using Failure = ParseResult<AuditPlan>;
  if (config.inputs.empty()) {
    return Failure::failure("INPUT: no sitemap, robots.txt, site or file given");
  }
  if (config.method != "head" && config.method != "get") {
    return Failure::failure("--method: '" + config.method + "' is not head or get");
  }
  for (const std::string& header : config.headers) {
    if (std::string error = header_error(header); !error.empty()) return Failure::failure(error);
  }
  // The CLI refuses these too; the plan checks them for every caller of the audit library.
  std::vector<std::pair<std::string_view, std::string_view>> on_the_wire = {
      {"--user-agent", config.user_agent}};
  for (const std::string& header : config.headers) on_the_wire.emplace_back("--header", header);
  for (const std::string& rule : config.rewrite) on_the_wire.emplace_back("--rewrite", rule);
  for (const std::string& input : config.inputs) on_the_wire.emplace_back("INPUT", input);
  for (const auto& [option, value] : on_the_wire) {
    if (std::string error = control_character_error(option, value); !error.empty()) {
      return Failure::failure(error);
    }
  }
  if (!config.crawl) {
    // Each of these shapes a crawl; given without one, the user expects something that
    // will not happen.
    const std::pair<const char*, bool> crawl_only[] = {
        {"--scope", !config.scope.empty()},
        {"--crawl-depth", config.crawl_depth != 0},
        {"--max-pages", config.max_pages != 0},
        {"--no-external", config.no_external},
        {"--check-fragments", config.check_fragments},
    };
    for (const auto& [option, given] : crawl_only) {
      if (given)
        return Failure::failure(fmt::format("{}: only has a meaning with --crawl", option));
    }
  }
  AuditPlan plan;
  if (config.crawl) {
    auto scope = CrawlScope::from_config(config);
    if (!scope.ok()) return Failure::failure(scope.error());
    plan.crawl.emplace(std::move(scope).value());
  }
  plan.threads =
      config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  auto status = StatusPolicy::parse(config.accept, config.status_rules);
  if (!status.ok()) return Failure::failure(status.error());
  plan.status = std::move(status).value();
  auto filter = UrlFilter::parse(config.include, config.exclude);
  if (!filter.ok()) return Failure::failure(filter.error());
  plan.filter = std::move(filter).value();
  auto rewrite = RewriteRules::parse(config.rewrite);
  if (!rewrite.ok()) return Failure::failure(rewrite.error());
  plan.rewrite = std::move(rewrite).value();
  auto retry = RetryPolicy::from_config(config);
  if (!retry.ok()) return Failure::failure(retry.error());
  plan.retry.emplace(retry.value());
  auto hygiene = HygieneRules::from_config(config);
  if (!hygiene.ok()) return Failure::failure(hygiene.error());
  plan.hygiene = std::move(hygiene).value();
  auto rate = RateLimiter::from_config(config);
  if (!rate.ok()) return Failure::failure(rate.error());
  if (config.rate > 0 || config.respect_robots) plan.rate = std::move(rate).value();
  plan.trusted = TrustedOrigins::from_config(config);
  if (!config.expect.empty()) {
    auto routes = ExpectedRoutes::load(config.expect);
    if (!routes.ok()) return Failure::failure(routes.error());
    plan.routes.emplace(std::move(routes).value());
  }
  auto shard = parse_shard(config.shard, config.shard_by, config.inputs,
                           [](const char* name) -> const char* { return std::getenv(name); });
  if (!shard.ok()) return Failure::failure(shard.error());
  if (config.crawl) {
    shard = for_crawl(std::move(shard).value(), config.shard_by);
    if (!shard.ok()) return Failure::failure(shard.error());
  }
  plan.shard = std::move(shard).value();
  if (plan.shard.enabled() && !config.baseline.empty()) {
    // A part cannot tell a failure fixed from one in another part: the merge compares.
    return Failure::failure(
        "--baseline: a part of a sharded run cannot tell fixed failures from other parts'; give "
        "--baseline to siteaudit merge instead");
  }
  return ParseResult<AuditPlan>::success(std::move(plan));
}

}  // namespace siteaudit::audit
