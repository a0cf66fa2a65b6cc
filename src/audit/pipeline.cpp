// pipeline.cpp — run_pipeline(): a plan, then the frontier, the worker pool and the collector.
//
// The steps, in the order a reader meets them below:
//   1. make_plan() checks the configuration once (audit_plan.cpp);
//   2. inside the runtime, RunContexts makes the root Context (--max-time, the interrupt fd);
//   3. the Frontier is set up with the plan's rules, and the sitemap loader runs as its
//      producer while the frontier's dispatcher feeds the jobs channel;
//   4. the WorkerPool checks Jobs; the Collector takes every Result into the Report;
//   5. finish() records what the run found about itself (sources, routes, the exit code).
// Cancellation is one root Context: the loader stops fetching, workers turn every remaining
// Job into a `cancelled` Result, so every accepted URL is still reported exactly once.
#include "siteaudit/audit/pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "audit_plan.hpp"
#include "collector.hpp"
#include "siteaudit/audit/checker.hpp"
#include "siteaudit/audit/expected_routes.hpp"
#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/audit/host_health.hpp"
#include "siteaudit/audit/link_graph.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/audit/sitemap_loader.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/poller.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"
#include "worker_pool.hpp"

namespace siteaudit::audit {

namespace {

using Millis = std::chrono::milliseconds;

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// order_crawl_results() puts a crawl's results in an order that does not depend on which
// worker parsed which page first: the URLs a sitemap lists in sitemap order (source, line),
// then the others by URL. A sitemap run keeps the loader's order, which is already stable.
// Two crawls of an unchanged site then compare with diff, results[].seq included.
void order_crawl_results(Report& report) {
  std::deque<Result>& results = report.results.memory();
  std::stable_sort(results.begin(), results.end(), [](const Result& a, const Result& b) {
    const bool a_listed = a.source != kNoSource;
    const bool b_listed = b.source != kNoSource;
    if (a_listed != b_listed) return a_listed;
    if (a_listed) {
      if (a.source != b.source) return a.source < b.source;
      if (a.line != b.line) return a.line < b.line;
    }
    return a.url < b.url;
  });
  // The numbers follow: a crawl's seq is the order the workers happened to find the URLs in,
  // and a crawl is never merged from shards, which is what seq is for.
  std::uint64_t seq = 0;
  for (Result& result : results) result.seq = seq++;
}

// RunContexts is the run's cancellation: a root that the interrupt watcher cancels, and below
// it the Context every step takes (bounded by --max-time when set).
class RunContexts {
 public:
  RunContexts(const AuditConfig& config, const RunHooks& hooks) {
    auto [root, cancel_root] = rt::with_cancel(rt::background());
    root_ = root;
    cancel_root_ = cancel_root;
    ctx_ = root_;
    if (config.max_time.count() > 0) {
      auto [limited, cancel] = rt::with_timeout(root_, config.max_time);
      ctx_ = limited;
      cancel_deadline_ = cancel;
    }
    if (hooks.interrupt_fd >= 0) watch(hooks.interrupt_fd);
  }
  RunContexts(const RunContexts&) = delete;
  RunContexts& operator=(const RunContexts&) = delete;

  const rt::Context& ctx() const noexcept { return ctx_; }

  // finish() stops the watcher (waiting for it, since it uses this object) and the deadline.
  // It returns true when the interrupt fd, not --max-time, cancelled the run.
  bool finish() {
    stop_watching_();
    watcher_done_.wait();
    timed_out_ = !interrupted_ && ctx_.err() == rt::ContextError::deadline_exceeded;
    cancel_deadline_();
    cancel_root_();
    return interrupted_;
  }
  bool timed_out() const noexcept { return timed_out_; }

 private:
  void watch(int fd) {
    auto [watch_ctx, stop] = rt::with_cancel(rt::background());
    stop_watching_ = stop;
    watcher_done_.add(1);
    rt::go(
        [this, fd, watch_ctx = watch_ctx] {
          if (rt::wait_readable(fd, watch_ctx) == rt::IoStatus::ready) {
            interrupted_ = true;
            cancel_root_();
          }
          watcher_done_.done();
        },
        "interrupt-watcher");
  }

  rt::Context root_;
  rt::Context ctx_;
  rt::CancelFunc cancel_root_ = [] {};
  rt::CancelFunc cancel_deadline_ = [] {};
  rt::CancelFunc stop_watching_ = [] {};
  rt::WaitGroup watcher_done_;
  bool interrupted_ = false;
  bool timed_out_ = false;
};

net::ClientConfig client_config(const AuditConfig& config) {
  net::ClientConfig c;
  c.max_connections_per_host = config.per_host;
  c.connect_timeout = config.connect_timeout;
  c.verify_tls = !config.insecure;
  c.ca_file = config.ca_file;
  c.user_agent = config.user_agent;
  c.cookie_file = config.cookies;
  return c;
}

CheckSettings check_settings(const AuditConfig& config, const AuditPlan& plan,
                             const RunHooks& hooks) {
  CheckSettings settings;
  settings.use_get = config.method == "get";
  settings.headers = config.headers;
  settings.redirects = config.redirects;
  settings.timeout = config.timeout;
  settings.max_body = config.max_body;
  settings.hygiene = plan.hygiene;
  settings.notice = hooks.on_notice;
  settings.cached = hooks.cached;
  return settings;
}

FrontierOptions frontier_options(const AuditConfig& config, AuditPlan& plan, RouteMatcher* routes,
                                 LinkGraph* graph) {
  FrontierOptions options;
  options.max_urls = config.max_urls;
  if (!plan.rewrite.empty()) {
    options.rewrite = [&rules = plan.rewrite](std::string_view url) { return rules.apply(url); };
  }
  options.filter = &plan.filter;
  options.trusted = &plan.trusted;
  options.same_origin_only = config.same_origin_only;
  options.every_origin = !config.headers.empty() || config.same_origin_only;
  if (plan.shard.enabled()) {
    options.shard = [&shard = plan.shard](std::string_view url) { return shard.contains(url); };
  }
  if (routes != nullptr) {
    options.on_accept = [routes](std::string_view url) { (void)routes->add(url); };
  }
  // The jobs channel holds twice the workers; a queue four times that (1,024 at least) keeps
  // the workers fed while the loader parses, without holding a whole index of URLs.
  options.room = std::max<std::size_t>(1024, config.workers * 8ull);
  if (plan.crawl) {
    options.scope = &*plan.crawl;
    options.crawl_depth = config.crawl_depth;
    options.max_pages = config.max_pages;
    options.no_external = config.no_external;
    options.graph = graph;
  }
  return options;
}

// InputOutcome is how the producers ended: an input error ends the run with exit code 2.
struct InputOutcome {
  std::string error;
};

// audit_inside_runtime() is the run itself, on the runtime's main fiber.
InputOutcome audit_inside_runtime(const AuditConfig& config, AuditPlan& plan, Report& report,
                                  LinkGraph* graph, RunContexts& contexts, const RunHooks& hooks,
                                  std::chrono::steady_clock::time_point started) {
  const rt::Context& ctx = contexts.ctx();
  net::HttpClient client(client_config(config));
  std::unique_ptr<RobotsCache> robots;
  if (config.respect_robots) robots = std::make_unique<RobotsCache>(client, config.timeout);
  HostHealth hosts;
  Checker checker(client, check_settings(config, plan, hooks), plan.status, *plan.retry, &hosts,
                  plan.rate.get(), robots.get());

  std::optional<RouteMatcher> routes;
  if (plan.routes) routes.emplace(std::move(*plan.routes));
  FrontierOptions scope = frontier_options(config, plan, routes ? &*routes : nullptr, graph);
  scope.robots = robots.get();
  // Once every URL has gone to a worker, no connection will be reused past its transfer:
  // each closes as its transfer ends, while the run waits for the others' answers, instead of
  // all together when the client is destroyed (10,000 connections: 0.2 s at the end). A crawl
  // learns of its last URL only at its end, and the frontier never calls this then.
  scope.on_last_job = [&client] { client.wind_down(); };
  if (report.results.streamed()) {
    scope.on_seq = [&results = report.results](std::uint64_t seq) { results.expect(seq); };
  }
  Frontier frontier(std::move(scope));

  // Bounded channels: the dispatcher waits when the workers fall behind, the workers when the
  // collector does. Offers never wait: the frontier queues them.
  const std::size_t buffer = std::max<std::size_t>(64, config.workers * 2ull);
  rt::Channel<Job> jobs(buffer, "jobs");
  rt::Channel<Result> results(buffer, "results");

  LoaderOptions loader_options = LoaderOptions::from(config);
  loader_options.trusted = &plan.trusted;
  loader_options.retry = &*plan.retry;
  loader_options.robots = robots.get();
  SitemapLoader loader(client, std::move(loader_options), frontier);
  if (plan.shard.enabled() && plan.shard.from != "--shard" && hooks.on_notice) {
    hooks.on_notice(
        fmt::format("checking only part {} of {} (from {}); combine the parts with siteaudit merge",
                    plan.shard.part, plan.shard.parts, plan.shard.from));
  }
  LoadResult load;
  frontier.add_producer();
  // The loader's fiber still runs after producer_done(): that call wakes the dispatcher, which
  // may end the run from another thread at once. The run waits for it before the frontier and
  // `load` go out of scope (an interrupted run under ASan once caught the wake-up landing on a
  // destroyed frontier).
  rt::WaitGroup loading;
  loading.add(1);
  rt::go(
      [&] {
        load = loader.run(ctx, config.inputs);
        frontier.producer_done();
        loading.done();
      },
      "loader");
  rt::go([&frontier, jobs_out = rt::Sender<Job>(jobs)] { frontier.dispatch(jobs_out); },
         "dispatcher");
  WorkerPool pool(config.workers, ctx, frontier, checker, graph, rt::Receiver<Job>(jobs),
                  rt::Sender<Result>(results));
  Collector(report, frontier, hooks.on_progress, started).run(rt::Receiver<Result>(results));
  loading.wait();

  report.url_text = frontier.take_text();
  report.sources = loader.take_sources();
  // A --rewrite FROM that matched nothing usually has a typo (http for https, a www): say so
  // on the first input, where the summary, the reports and --strict see it.
  if (!report.sources.empty()) {
    for (const std::string& rule : plan.rewrite.unused()) {
      report.sources.front().warnings.push_back(
          Finding{.code = FindingCode::rewrite_unused,
                  .message = fmt::format("--rewrite '{}' matched no URL", rule),
                  .where = report.sources.front().url,
                  .line = 0,
                  .severity = Severity::warning});
    }
  }
  report.summary.duplicates = frontier.duplicates();
  if (plan.shard.enabled()) {
    report.shard.part = plan.shard.part;
    report.shard.parts = plan.shard.parts;
    report.shard.by = to_string(plan.shard.by);
    report.shard.input_urls = frontier.numbered();
    report.shard.input_duplicates = frontier.duplicates();
  }
  if (routes) routes->fill(report.routes);
  if (plan.crawl) {
    report.crawl.enabled = true;
    report.crawl.scope = plan.crawl->prefixes();
    report.crawl.external = frontier.external();
    report.crawl.incomplete_reason = frontier.crawl_incomplete_reason();
  }
  return InputOutcome{.error = load.ok() ? std::string() : load.error};
}

}  // namespace

int exit_code(const Report& report, bool strict, bool input_error, bool interrupted_by_signal) {
  if (interrupted_by_signal) return kExitInterrupted;
  if (input_error) return kExitUsage;
  const Summary& s = report.summary;
  // A shard sees only its part of the URLs, so a route it did not see may be another part's:
  // missing routes are decided by the merge of all parts.
  const bool missing = !report.shard.enabled() && !report.routes.missing.empty();
  bool failed = s.failed > 0 || s.cancelled > 0 || missing;
  for (const Source& source : report.sources) failed = failed || !source.error.empty();
  if (strict && (s.warnings > 0 || s.inconclusive > 0 || !report.routes.unexpected.empty())) {
    failed = true;
  }
  return failed ? kExitFailures : kExitOk;
}

PipelineResult run_pipeline(const AuditConfig& config, const RunHooks& hooks) {
  PipelineResult outcome;
  ParseResult<AuditPlan> planned = make_plan(config);
  if (!planned.ok()) {
    outcome.exit_code = kExitUsage;
    outcome.error = planned.error();
    return outcome;
  }
  AuditPlan plan = std::move(planned).value();
  Report& report = outcome.report;
  report.tool.version = SITEAUDIT_VERSION_STRING;
  report.run.started_at = utc_now_rfc3339();
  report.routes.enabled = plan.routes.has_value();
  report.routes.file = config.expect;

  // A sitemap run streams its results (the passing ones to a temporary file); a crawl keeps
  // them in memory, since its link graph indexes them by seq once the run is over.
  if (!plan.crawl) {
    if (std::string error = report.results.stream(model::ResultLogOptions{}); !error.empty()) {
      outcome.exit_code = kExitUsage;
      outcome.error = std::move(error);
      return outcome;
    }
  }
  const auto started = std::chrono::steady_clock::now();
  InputOutcome input;
  bool interrupted = false;
  bool timed_out = false;
  // The graph outlives the runtime: its findings go onto the results once they are in order.
  std::unique_ptr<LinkGraph> graph;
  if (plan.crawl) graph = std::make_unique<LinkGraph>(config.check_fragments, plan.hygiene);
  rt::Runtime runtime({.threads = plan.threads});
  rt::RunResult run = runtime.run([&] {
    RunContexts contexts(config, hooks);
    input = audit_inside_runtime(config, plan, report, graph.get(), contexts, hooks, started);
    interrupted = contexts.finish();
    timed_out = contexts.timed_out();
  });
  if (!run.ok()) {
    // The runtime stopped the run (deadlock, escaped exception): a bug, not a user error.
    outcome.exit_code = kExitUsage;
    outcome.error = "internal error: " + run.message;
    return outcome;
  }

  report.results.finish();
  if (!report.results.streamed()) {
    std::deque<Result>& results = report.results.memory();
    std::sort(results.begin(), results.end(),
              [](const Result& a, const Result& b) { return a.seq < b.seq; });
  }
  report.run.duration_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count());
  report.run.interrupted = interrupted || timed_out;
  if (interrupted && hooks.interrupt_reason) report.run.interrupt_reason = hooks.interrupt_reason();
  if (timed_out) report.run.interrupt_reason = "--max-time";
  if (graph) {
    std::string incomplete = std::move(report.crawl.incomplete_reason);
    if (report.run.interrupted) {
      incomplete = "the run was interrupted (" + report.run.interrupt_reason + ")";
    }
    graph->finish(report, std::move(incomplete));
    order_crawl_results(report);
  }
  report.summary = summarize(report);
  const bool input_error = !input.error.empty();
  report.run.exit_code = exit_code(report, config.strict, input_error, interrupted);
  outcome.ran = true;
  outcome.exit_code = report.run.exit_code;
  if (input_error) outcome.error = std::move(input.error);
  return outcome;
}

}  // namespace siteaudit::audit
