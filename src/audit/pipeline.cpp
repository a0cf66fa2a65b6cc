// pipeline.cpp — run_audit(): the loader, the worker pool, the collector and the reports.
//
// The shape is DESIGN.md's: a loader fiber streams Jobs into a bounded `jobs` channel;
// exactly `workers` fibers drain it and send Results to `results`; a closer fiber waits on the
// workers' WaitGroup and closes `results`; the main fiber is the collector, ranging over
// `results` until it closes. Cancellation (signal, --max-time) is one root Context: the
// loader stops, workers turn every remaining Job into a `cancelled` Result, so every listed
// URL is still reported exactly once.
#include "siteaudit/audit/pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "interrupt_guard.hpp"
#include "siteaudit/audit/checker.hpp"
#include "siteaudit/audit/expected_routes.hpp"
#include "siteaudit/audit/hygiene.hpp"
#include "siteaudit/audit/rate_limiter.hpp"
#include "siteaudit/audit/report.hpp"
#include "siteaudit/audit/retry_policy.hpp"
#include "siteaudit/audit/robots_cache.hpp"
#include "siteaudit/audit/sitemap_loader.hpp"
#include "siteaudit/audit/status_policy.hpp"
#include "siteaudit/audit/url_filter.hpp"
#include "siteaudit/audit/url_rewrite.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/poller.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace siteaudit::audit {

namespace {

using Millis = std::chrono::milliseconds;

// AuditPlan is an AuditConfig compiled and validated: the rules ready to apply.
struct AuditPlan {
  StatusPolicy status;
  UrlFilter filter;
  RewriteRules rewrite;
  std::optional<RetryPolicy> retry;  // optional only because RetryPolicy is not assignable
  HygieneRules hygiene;
  std::unique_ptr<RateLimiter> rate;  // null when neither --rate nor robots.txt limit a host
  std::optional<ExpectedRoutes> routes;
};

std::optional<AuditPlan> compile_plan(const AuditConfig& config, std::string& error) {
  if (config.inputs.empty()) {
    error = "INPUT: no sitemap, robots.txt, site or file given";
    return std::nullopt;
  }
  if (config.method != "head" && config.method != "get") {
    error = "--method: '" + config.method + "' is not head or get";
    return std::nullopt;
  }
  for (const std::string& header : config.headers) {
    // "Name: value" with an RFC 9110 token as the name; anything else would be sent mangled.
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
      error = "--header: '" + header + "' is not a header (expected \"Name: value\")";
      return std::nullopt;
    }
  }
  AuditPlan plan;
  auto status = StatusPolicy::parse(config.accept, config.status_rules);
  if (!status.ok()) return error = status.error(), std::nullopt;
  plan.status = std::move(status).value();
  auto filter = UrlFilter::parse(config.include, config.exclude);
  if (!filter.ok()) return error = filter.error(), std::nullopt;
  plan.filter = std::move(filter).value();
  auto rewrite = RewriteRules::parse(config.rewrite);
  if (!rewrite.ok()) return error = rewrite.error(), std::nullopt;
  plan.rewrite = std::move(rewrite).value();
  auto retry = RetryPolicy::from_config(config);
  if (!retry.ok()) return error = retry.error(), std::nullopt;
  plan.retry.emplace(retry.value());
  auto hygiene = HygieneRules::from_config(config);
  if (!hygiene.ok()) return error = hygiene.error(), std::nullopt;
  plan.hygiene = std::move(hygiene).value();
  auto rate = RateLimiter::from_config(config);
  if (!rate.ok()) return error = rate.error(), std::nullopt;
  if (config.rate > 0 || config.respect_robots) plan.rate = std::move(rate).value();
  if (!config.expect.empty()) {
    auto routes = ExpectedRoutes::load(config.expect);
    if (!routes.ok()) return error = routes.error(), std::nullopt;
    plan.routes.emplace(std::move(routes).value());
  }
  return plan;
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* to_text(RedirectMode mode) {
  switch (mode) {
    case RedirectMode::follow:
      return "follow";
    case RedirectMode::warn:
      return "warn";
    case RedirectMode::fail:
      return "fail";
  }
  return "warn";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

// effective_config() lists the settings that shape the results, for the report's "config".
std::vector<std::pair<std::string, std::string>> effective_config(const AuditConfig& c,
                                                                  unsigned threads) {
  auto ms = [](Millis d) { return std::to_string(d.count()) + "ms"; };
  return {
      {"inputs", join(c.inputs)},
      {"workers", std::to_string(c.workers)},
      {"threads", std::to_string(threads)},
      {"per_host", std::to_string(c.per_host)},
      {"rate", std::to_string(c.rate)},
      {"timeout", ms(c.timeout)},
      {"connect_timeout", ms(c.connect_timeout)},
      {"retries", std::to_string(c.retries)},
      {"retry_max_wait", ms(c.retry_max_wait)},
      {"max_time", ms(c.max_time)},
      {"max_urls", std::to_string(c.max_urls)},
      {"respect_robots", c.respect_robots ? "true" : "false"},
      {"method", c.method},
      {"accept", c.accept},
      {"status_rules", join(c.status_rules)},
      {"redirects", to_text(c.redirects)},
      {"slow", ms(c.slow)},
      {"content_type", c.content_type},
      {"include", join(c.include)},
      {"exclude", join(c.exclude)},
      {"rewrite", join(c.rewrite)},
      {"expect", c.expect},
      {"strict", c.strict ? "true" : "false"},
      {"max_depth", std::to_string(c.max_depth)},
      {"max_sitemaps", std::to_string(c.max_sitemaps)},
      {"max_sitemap_size", std::to_string(c.max_sitemap_bytes)},
      {"max_body", std::to_string(c.max_body)},
  };
}

// exit_code() applies DESIGN.md's contract to a finished report.
int exit_code(const Report& report, const AuditConfig& config, bool input_error,
              bool interrupted_by_signal) {
  if (interrupted_by_signal) return kExitInterrupted;
  if (input_error) return kExitUsage;
  const Summary& s = report.summary;
  bool failed = s.failed > 0 || s.cancelled > 0 || !report.routes.missing.empty();
  for (const Source& source : report.sources) failed = failed || !source.error.empty();
  if (config.strict && (s.warnings > 0 || !report.routes.unexpected.empty())) failed = true;
  return failed ? kExitFailures : kExitOk;
}

}  // namespace

PipelineResult run_pipeline(const AuditConfig& config,
                            const std::function<void(const ProgressSample&)>& on_progress) {
  PipelineResult outcome;
  std::string error;
  std::optional<AuditPlan> plan = compile_plan(config, error);
  if (!plan) {
    outcome.exit_code = kExitUsage;
    outcome.error = std::move(error);
    return outcome;
  }
  Report& report = outcome.report;

  const unsigned threads =
      config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  report.tool.version = SITEAUDIT_VERSION_STRING;
  report.config = effective_config(config, threads);
  report.run.started_at = utc_now_rfc3339();
  report.routes.enabled = plan->routes.has_value();
  report.routes.file = config.expect;

  InterruptGuard interrupt;
  bool input_error = false;
  bool interrupted_by_signal = false;
  bool timed_out = false;
  std::string input_error_message;
  const auto started = std::chrono::steady_clock::now();

  rt::Runtime runtime({.threads = threads});
  rt::RunResult run = runtime.run([&] {
    // Plain variables, not structured bindings: lambdas below capture them, which clang
    // (the fuzz and tidy builds) does not allow for bindings before C++20's P1091 lands.
    auto root_and_cancel = rt::with_cancel(rt::background());
    const rt::Context root = root_and_cancel.first;
    const rt::CancelFunc cancel_root = root_and_cancel.second;
    rt::Context ctx = root;
    rt::CancelFunc cancel_deadline = [] {};
    if (config.max_time.count() > 0) {
      auto [limited, cancel] = rt::with_timeout(root, config.max_time);
      ctx = limited;
      cancel_deadline = cancel;
    }

    // The signal watcher ends with the run: `watch_ctx` is cancelled once results are in.
    auto watch = rt::with_cancel(rt::background());
    const rt::Context watch_ctx = watch.first;
    const rt::CancelFunc stop_watching = watch.second;
    // The watcher must be gone before this fiber's locals are: main waits for it below.
    rt::WaitGroup watcher_done;
    watcher_done.add(1);
    rt::go(
        [&, watch_ctx] {
          if (rt::wait_readable(interrupt.fd(), watch_ctx) == rt::IoStatus::ready) {
            interrupted_by_signal = true;
            cancel_root();
          }
          watcher_done.done();
        },
        "signal-watcher");

    net::ClientConfig client_config;
    client_config.max_connections_per_host = config.per_host;
    client_config.connect_timeout = config.connect_timeout;
    client_config.verify_tls = !config.insecure;
    client_config.ca_file = config.ca_file;
    client_config.user_agent = config.user_agent;
    client_config.cookie_file = config.cookies;
    net::HttpClient client(client_config);

    CheckSettings settings;
    settings.use_get = config.method == "get";
    settings.headers = config.headers;
    settings.redirects = config.redirects;
    settings.timeout = config.timeout;
    settings.max_body = config.max_body;
    settings.hygiene = plan->hygiene;
    std::unique_ptr<RobotsCache> robots;
    if (config.respect_robots) robots = std::make_unique<RobotsCache>(client, config.timeout);
    Checker checker(client, settings, plan->status, plan->filter, *plan->retry, plan->rate.get(),
                    robots.get());

    // Bounded channels: the loader blocks when workers fall behind (back-pressure), and
    // workers block when the collector does.
    const std::size_t buffer = std::max<std::size_t>(64, config.workers * 2ull);
    rt::Channel<Job> jobs(buffer, "jobs");
    rt::Channel<Result> results(buffer, "results");

    const RewriteRules& rewrite = plan->rewrite;
    LoaderOptions loader_options = LoaderOptions::from(
        config,
        rewrite.empty() ? RewriteFunction{} : RewriteFunction([&rewrite](std::string_view url) {
          return rewrite.apply(url);
        }));
    loader_options.retry = &*plan->retry;
    SitemapLoader loader(client, std::move(loader_options), report.url_text);
    LoadResult load;
    std::atomic<bool> loader_done{false};
    rt::go(
        [&, jobs_out = rt::Sender<Job>(jobs)] {
          load = loader.run(ctx, config.inputs, jobs_out);
          loader_done.store(true, std::memory_order_release);
          jobs_out.close();
        },
        "loader");

    rt::WaitGroup workers;
    for (unsigned i = 0; i < config.workers; ++i) {
      workers.add(1);
      rt::go(
          [&, in = rt::Receiver<Job>(jobs), out_ch = rt::Sender<Result>(results)] {
            for (Job& job : in) {
              out_ch.send(ctx.is_done() ? Checker::cancelled(job, "the run was cancelled")
                                        : checker.check(ctx, job));
            }
            workers.done();
          },
          "worker");
    }
    rt::go(
        [&workers, out_ch = rt::Sender<Result>(results)] {
          workers.wait();
          out_ch.close();
        },
        "closer");

    // The collector: this fiber.
    std::optional<RouteMatcher> matcher;
    if (plan->routes) matcher.emplace(std::move(*plan->routes));
    std::uint64_t done = 0, failed = 0;
    auto next_progress = std::chrono::steady_clock::now();
    for (Result& result : rt::Receiver<Result>(results)) {
      ++done;
      if (result.outcome == Outcome::failed) ++failed;
      if (matcher) matcher->add(result.url);
      report.results.push_back(std::move(result));
      if (on_progress) {
        // Sampled, not per result: a terminal needs a few frames a second, not 20,000.
        auto now = std::chrono::steady_clock::now();
        if (now >= next_progress) {
          next_progress = now + std::chrono::milliseconds(100);
          on_progress(ProgressSample{.done = done,
                                     .listed = loader.jobs_sent(),
                                     .failed = failed,
                                     .loading = !loader_done.load(std::memory_order_acquire),
                                     .elapsed = now - started});
        }
      }
    }
    stop_watching();
    watcher_done.wait();
    timed_out = !interrupted_by_signal && ctx.err() == rt::ContextError::deadline_exceeded;
    cancel_deadline();
    cancel_root();

    report.sources = loader.take_sources();
    report.summary.duplicates = loader.duplicates();
    if (!load.ok()) {
      input_error = true;
      input_error_message = load.error;
    }
    if (matcher) {
      matcher->fill(report.routes);
    }
  });

  if (!run.ok()) {
    // The runtime stopped the run (deadlock, escaped exception): a bug, not a user error.
    outcome.exit_code = kExitUsage;
    outcome.error = "internal error: " + run.message;
    return outcome;
  }

  std::sort(report.results.begin(), report.results.end(),
            [](const Result& a, const Result& b) { return a.seq < b.seq; });
  report.run.duration_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count());
  report.run.interrupted = interrupted_by_signal || timed_out;
  if (interrupted_by_signal) report.run.interrupt_reason = interrupt.signal_name();
  if (timed_out) report.run.interrupt_reason = "--max-time";
  report.summary = summarize(report);
  report.run.exit_code = exit_code(report, config, input_error, interrupted_by_signal);
  outcome.ran = true;
  outcome.exit_code = report.run.exit_code;
  if (input_error) outcome.error = std::move(input_error_message);
  return outcome;
}

}  // namespace siteaudit::audit
