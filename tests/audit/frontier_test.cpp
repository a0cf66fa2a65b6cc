// Tests for frontier.cpp: identity, limits, and the end of a run decided by work in flight.
//
// The graph tests run the frontier as the pipeline does, on the real runtime: a dispatcher
// fiber, a pool of worker fibers and a collector, with channels of capacity 1 so that every
// channel is full as often as possible. The "pages" of a random graph offer links to other
// pages while they are being checked, as crawl mode's workers will.
#include "siteaudit/audit/frontier.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <charconv>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

using namespace siteaudit;
using namespace siteaudit::audit;

namespace {

std::string node_url(std::size_t node) {
  return "https://graph.test/n/" + std::to_string(node);
}

std::size_t node_of(std::string_view url) {
  std::size_t node = 0;
  const std::string_view digits = url.substr(url.rfind('/') + 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), node);
  return node;
}

// Graph is a dense random directed graph with cycles: node i links to i+1 (so every node is
// reachable from node 0), to itself, and to `degree` random nodes.
struct Graph {
  Graph(std::size_t nodes, std::size_t degree) : links(nodes) {
    std::mt19937_64 random(20261206);
    std::uniform_int_distribution<std::size_t> pick(0, nodes - 1);
    for (std::size_t i = 0; i < nodes; ++i) {
      links[i].push_back((i + 1) % nodes);
      links[i].push_back(i);
      for (std::size_t k = 0; k < degree; ++k) links[i].push_back(pick(random));
    }
  }
  std::vector<std::vector<std::size_t>> links;
};

struct GraphRun {
  std::uint64_t results = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t accepted = 0;
  std::vector<std::uint32_t> checked;   // per node: how often a worker checked it
  std::vector<std::uint32_t> reported;  // per node: how many results the collector saw
};

// crawl_graph() crawls `graph` from node 0 with `workers` workers on 2 threads. When
// `cancel_after` is non-zero, the collector cancels the run after that many results.
GraphRun crawl_graph(const Graph& graph, unsigned workers, std::uint64_t cancel_after = 0) {
  const std::size_t nodes = graph.links.size();
  GraphRun run;
  run.reported.assign(nodes, 0);
  auto checked = std::make_unique<std::atomic<std::uint32_t>[]>(nodes);
  rt::Runtime runtime({.threads = 2});
  rt::RunResult status = runtime.run([&] {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    Frontier frontier;
    rt::Channel<Job> jobs(1, "jobs");
    rt::Channel<Result> results(1, "results");
    frontier.add_producer();
    rt::WaitGroup seeding;  // the frontier must outlive the seed's producer_done()
    seeding.add(1);
    rt::go(
        [&frontier, &seeding] {
          const std::string seed = node_url(0);
          CHECK(frontier.offer(Offer{.loc = seed, .url = seed}) == OfferStatus::accepted);
          frontier.producer_done();
          seeding.done();
        },
        "seed");
    rt::go([&frontier, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx); }, "dispatcher");
    rt::WaitGroup pool;
    for (unsigned w = 0; w < workers; ++w) {
      pool.add(1);
      rt::go(
          [&, ctx = ctx, rx = rt::Receiver<Job>(jobs), tx = rt::Sender<Result>(results)] {
            for (Job& job : rx) {
              Result result;
              result.url = job.url;
              result.seq = job.seq;
              if (ctx.is_done()) {
                result.outcome = Outcome::cancelled;
              } else {
                const std::size_t node = node_of(job.check_url);
                checked[node].fetch_add(1, std::memory_order_relaxed);
                // A page offers its links while it is being checked, before its result.
                for (std::size_t next : graph.links[node]) {
                  const std::string url = node_url(next);
                  (void)frontier.offer(Offer{.loc = url, .url = url});
                }
              }
              tx.send(std::move(result));
            }
            pool.done();
          },
          "worker");
    }
    rt::go(
        [&pool, tx = rt::Sender<Result>(results)] {
          pool.wait();
          tx.close();
        },
        "closer");
    for (Result& result : rt::Receiver<Result>(results)) {
      ++run.results;
      if (result.outcome == Outcome::cancelled) ++run.cancelled;
      ++run.reported[node_of(result.url)];
      frontier.collected();
      if (cancel_after != 0 && run.results == cancel_after) cancel();
    }
    cancel();
    seeding.wait();
    run.accepted = frontier.accepted();
  });
  REQUIRE(status.ok());
  run.checked.resize(nodes);
  for (std::size_t i = 0; i < nodes; ++i) run.checked[i] = checked[i].load();
  return run;
}

}  // namespace

TEST_CASE("Frontier: a 100,000-page graph with cycles is checked once per page and ends",
          "[audit][frontier]") {
  const unsigned workers = GENERATE(1u, 1000u);
  CAPTURE(workers);
  const Graph graph(100'000, 6);
  const GraphRun run = crawl_graph(graph, workers);
  CHECK(run.accepted == 100'000);
  CHECK(run.results == 100'000);
  CHECK(run.cancelled == 0);
  std::size_t checked_once = 0, reported_once = 0;
  for (std::size_t i = 0; i < graph.links.size(); ++i) {
    checked_once += run.checked[i] == 1;
    reported_once += run.reported[i] == 1;
  }
  CHECK(checked_once == 100'000);
  CHECK(reported_once == 100'000);
}

TEST_CASE("Frontier: cancelled mid-run, every accepted URL is reported checked or cancelled",
          "[audit][frontier]") {
  const unsigned workers = GENERATE(1u, 1000u);
  CAPTURE(workers);
  const Graph graph(100'000, 6);
  const GraphRun run = crawl_graph(graph, workers, 5'000);
  CHECK(run.accepted >= 5'000);
  CHECK(run.accepted < 100'000);
  CHECK(run.results == run.accepted);
  CHECK(run.cancelled > 0);
  std::uint64_t reported = 0;
  for (std::size_t i = 0; i < graph.links.size(); ++i) {
    REQUIRE(run.reported[i] <= 1);
    REQUIRE(run.checked[i] <= run.reported[i]);
    reported += run.reported[i];
  }
  CHECK(reported == run.accepted);
}

namespace {

// Drained is what one producer's offers became, with the jobs in dispatch order.
struct Drained {
  std::vector<OfferStatus> statuses;
  std::vector<Job> jobs;
  std::uint64_t duplicates = 0;
  std::uint64_t numbered = 0;
  std::size_t most_queued = 0;
  TextArena text;  // what jobs[].url views
};

// drain() offers `urls` from one producer fiber and collects the jobs one consumer receives;
// `all_at_once` offers them with one offer_all() (statuses are then not known).
Drained drain(FrontierOptions options, const std::vector<std::string>& urls,
              bool wait_for_room = false, bool all_at_once = false) {
  Drained out;
  rt::Runtime runtime({.threads = 2});
  rt::RunResult status = runtime.run([&] {
    Frontier frontier(std::move(options));
    rt::Channel<Job> jobs(1);
    frontier.add_producer();
    // The producer's fiber is still inside producer_done() when the dispatcher may already
    // have ended the run: the frontier must outlive it, as run_pipeline() waits for its loader.
    rt::WaitGroup producing;
    producing.add(1);
    rt::go([&] {
      if (all_at_once) {
        std::vector<Offer> offers;
        for (const std::string& url : urls)
          offers.push_back(Offer{.loc = url, .url = url, .line = 7});
        frontier.offer_all(offers);
      } else {
        for (const std::string& url : urls) {
          if (wait_for_room) frontier.wait_for_room();
          out.statuses.push_back(frontier.offer(Offer{.loc = url, .url = url, .line = 7}));
          out.most_queued = std::max(out.most_queued, frontier.queued());
        }
      }
      frontier.producer_done();
      producing.done();
    });
    rt::go([&frontier, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx); });
    for (Job& job : jobs) {
      out.jobs.push_back(std::move(job));
      frontier.collected();
    }
    producing.wait();
    out.duplicates = frontier.duplicates();
    out.numbered = frontier.numbered();
    out.text = frontier.take_text();
  });
  REQUIRE(status.ok());
  return out;
}

}  // namespace

TEST_CASE("Frontier: one identity per normalised URL, numbered in acceptance order",
          "[audit][frontier]") {
  const Drained run = drain({}, {"https://example.com/a", "HTTPS://EXAMPLE.COM:443/a",
                                 "https://example.com/b", "https://example.com/a"});
  REQUIRE(run.jobs.size() == 2);
  CHECK(run.statuses == std::vector<OfferStatus>{OfferStatus::accepted, OfferStatus::duplicate,
                                                 OfferStatus::accepted, OfferStatus::duplicate});
  CHECK(run.duplicates == 2);
  CHECK(run.jobs[0].url == "https://example.com/a");
  CHECK(run.jobs[0].check_url == "https://example.com/a");
  CHECK(run.jobs[0].seq == 0);
  CHECK(run.jobs[0].line == 7);
  CHECK(run.jobs[1].url == "https://example.com/b");
  CHECK(run.jobs[1].seq == 1);
}

TEST_CASE("Frontier: --max-urls refuses every offer past the limit", "[audit][frontier]") {
  const Drained run = drain({.max_urls = 2}, {"https://e.com/1", "https://e.com/2",
                                              "https://e.com/3", "https://e.com/4"});
  CHECK(run.jobs.size() == 2);
  CHECK(run.statuses[2] == OfferStatus::limit_reached);
  CHECK(run.statuses[3] == OfferStatus::limit_reached);
}

TEST_CASE("Frontier: offer_all() decides a page's links as offer() does, one after another",
          "[audit][frontier]") {
  const std::vector<std::string> urls{"https://e.com/a", "HTTPS://E.COM:443/a", "https://e.com/b",
                                      "https://e.com/a", "https://e.com/c",     "https://e.com/d"};
  const Drained one_by_one = drain({.max_urls = 3}, urls);
  const Drained at_once = drain({.max_urls = 3}, urls, false, /*all_at_once=*/true);
  REQUIRE(at_once.jobs.size() == 3);
  REQUIRE(one_by_one.jobs.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(at_once.jobs[i].url == one_by_one.jobs[i].url);
    CHECK(at_once.jobs[i].seq == i);
    CHECK(at_once.jobs[i].line == 7);
  }
  CHECK(at_once.jobs[2].url == "https://e.com/c");  // "d" came after --max-urls was reached
  CHECK(at_once.duplicates == 2);
  CHECK(at_once.duplicates == one_by_one.duplicates);
  CHECK(at_once.numbered == 3);
}

TEST_CASE("Frontier: rewrite, filter, shard and the accept observer", "[audit][frontier]") {
  auto filter = UrlFilter::parse({}, {"/private/"});
  REQUIRE(filter.ok());
  const UrlFilter rules = std::move(filter).value();
  std::vector<std::string> seen;
  FrontierOptions options;
  options.rewrite = [](std::string_view url) {
    return "https://preview.test" + std::string(url.substr(url.find('/', 8)));
  };
  options.filter = &rules;
  options.shard = [](std::string_view url) { return !url.ends_with("/other"); };
  options.on_accept = [&seen](std::string_view url) { seen.emplace_back(url); };
  const Drained run = drain(std::move(options),
                            {"https://e.com/a", "https://e.com/private/b", "https://e.com/other"});
  REQUIRE(run.jobs.size() == 2);
  CHECK(run.statuses[2] == OfferStatus::other_shard);
  CHECK(run.jobs[0].check_url == "https://preview.test/a");
  CHECK(run.jobs[0].skip.empty());
  CHECK(run.jobs[1].skip == "excluded by --exclude '/private/'");
  CHECK(seen == std::vector<std::string>{"https://e.com/a", "https://e.com/private/b"});
}

TEST_CASE("Frontier: a shard numbers, dedupes and limits the whole input, not its part",
          "[audit][frontier]") {
  // Odd paths are this shard's. Job::seq, the duplicates and --max-urls are those of a run of
  // the whole input, so that the parts' reports merge into that run's report.
  FrontierOptions options;
  options.max_urls = 5;
  options.shard = [](std::string_view url) { return (url.back() - '0') % 2 == 1; };
  const Drained run =
      drain(std::move(options),
            {"https://e.com/0", "https://e.com/1", "https://e.com/0", "https://e.com/2",
             "https://e.com/3", "https://e.com/4", "https://e.com/5", "https://e.com/6"});
  CHECK(run.statuses == std::vector<OfferStatus>{OfferStatus::other_shard, OfferStatus::accepted,
                                                 OfferStatus::duplicate, OfferStatus::other_shard,
                                                 OfferStatus::accepted, OfferStatus::other_shard,
                                                 OfferStatus::limit_reached,
                                                 OfferStatus::limit_reached});
  REQUIRE(run.jobs.size() == 2);
  CHECK(run.jobs[0].seq == 1);
  CHECK(run.jobs[1].seq == 3);
  CHECK(run.duplicates == 1);  // a duplicate of another part's URL is the whole input's
  CHECK(run.numbered == 5);
}

TEST_CASE("Frontier: a producer that waits for room never queues much more than room",
          "[audit][frontier]") {
  std::vector<std::string> urls;
  for (int i = 0; i < 20'000; ++i) urls.push_back("https://e.com/" + std::to_string(i));
  const Drained run = drain({.room = 100}, urls, true);
  CHECK(run.jobs.size() == 20'000);
  CHECK(run.most_queued <= 101);
  // Without waiting, the same producer runs ahead of the consumer.
  const Drained eager = drain({.room = 100}, urls, false);
  CHECK(eager.jobs.size() == 20'000);
}

TEST_CASE("Frontier: a producer that offers nothing ends the run at once", "[audit][frontier]") {
  const Drained run = drain({}, {});
  CHECK(run.jobs.empty());
}

TEST_CASE("Frontier: a Job that waits in the queue comes out whole", "[audit][frontier]") {
  // Offered before the dispatcher runs, every Job waits in the (compact) queue.
  AuditConfig config;
  config.inputs = {"https://e.com/"};
  CrawlScope scope = CrawlScope::from_config(config).value();
  auto filter = UrlFilter::parse({}, {"/private/"});
  REQUIRE(filter.ok());
  const UrlFilter rules = std::move(filter).value();
  std::vector<Job> out;
  TextArena text;  // what the Jobs' urls view
  rt::Runtime runtime({.threads = 1});
  REQUIRE(runtime
              .run([&] {
                Frontier frontier(FrontierOptions{.filter = &rules, .scope = &scope});
                frontier.add_producer();
                const std::string listed = "HTTPS://E.COM/a";
                CHECK(frontier.offer(Offer{.loc = listed,
                                           .url = listed,
                                           .lastmod = "2026-12-06",
                                           .source = 3,
                                           .line = 7}) == OfferStatus::accepted);
                const std::string link = "https://e.com/private/b";
                CHECK(frontier.offer(Offer{.loc = link,
                                           .found = Discovery::link,
                                           .depth = 2,
                                           .page = true,
                                           .normal = true}) == OfferStatus::accepted);
                const std::string external = "https://other.test/c";
                CHECK(
                    frontier.offer(Offer{
                        .loc = external, .url = external, .found = Discovery::link, .depth = 1}) ==
                    OfferStatus::accepted);
                CHECK(frontier.queued() == 3);
                frontier.producer_done();
                rt::Channel<Job> jobs(8);
                rt::go([&frontier, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx); });
                for (Job& job : jobs) {
                  out.push_back(std::move(job));
                  frontier.collected();
                }
                text = frontier.take_text();
              })
              .ok());
  REQUIRE(out.size() == 3);
  CHECK(out[0].url == "HTTPS://E.COM/a");
  CHECK(out[0].check_url == "https://e.com/a");
  CHECK(out[0].lastmod == "2026-12-06");
  CHECK(out[0].source == 3);
  CHECK(out[0].line == 7);
  CHECK(out[0].seq == 0);
  CHECK(out[0].found == Discovery::sitemap);
  CHECK(out[0].parse);
  CHECK(out[0].identity == UrlHashSet::hash("https://e.com/a"));
  CHECK(out[1].url == "https://e.com/private/b");
  CHECK(out[1].check_url == out[1].url);
  CHECK(out[1].seq == 1);
  CHECK(out[1].depth == 2);
  CHECK(out[1].found == Discovery::link);
  CHECK(out[1].skip == "excluded by --exclude '/private/'");
  CHECK(out[1].skip_kind == ErrorKind::excluded);
  CHECK_FALSE(out[1].parse);
  CHECK(out[2].external);
  CHECK(out[2].depth == 1);
  CHECK(out[2].lastmod.empty());
  CHECK(out[2].skip.empty());
}

namespace {

// LastJobRun is what last_job_run() saw of on_last_job.
struct LastJobRun {
  int calls = 0;
  std::uint64_t taken_at_call = 0;  // Jobs the workers had taken when it came
  std::uint64_t accepted = 0;
};

// last_job_run() runs `urls` through a frontier as the pipeline does (a producer, the
// dispatcher, 16 workers on two threads that call taken(), a collector). With
// `late_producer`, the producer says it is done only once the workers have taken every Job.
LastJobRun last_job_run(FrontierOptions options, std::size_t urls, bool late_producer) {
  LastJobRun run;
  std::atomic<int> calls{0};
  std::atomic<std::uint64_t> taken{0};
  std::atomic<std::uint64_t> taken_at_call{0};
  options.on_last_job = [&] {
    taken_at_call.store(taken.load());
    calls.fetch_add(1);
  };
  rt::Runtime runtime({.threads = 2});
  rt::RunResult status = runtime.run([&] {
    Frontier frontier(std::move(options));
    rt::Channel<Job> jobs(4, "jobs");
    rt::Channel<Result> results(4, "results");
    rt::Channel<char> all_taken(1, "all-taken");
    frontier.add_producer();
    rt::WaitGroup producing;
    producing.add(1);
    rt::go([&] {
      for (std::size_t i = 0; i < urls; ++i) {
        const std::string url = "https://e.com/" + std::to_string(i);
        CHECK(frontier.offer(Offer{.loc = url, .url = url}) == OfferStatus::accepted);
      }
      if (late_producer && urls != 0) (void)all_taken.receive();
      frontier.producer_done();
      producing.done();
    });
    rt::go([&frontier, tx = rt::Sender<Job>(jobs)] { frontier.dispatch(tx); });
    rt::WaitGroup pool;
    for (int w = 0; w < 16; ++w) {
      pool.add(1);
      rt::go([&, rx = rt::Receiver<Job>(jobs), tx = rt::Sender<Result>(results)] {
        for (Job& job : rx) {
          if (taken.fetch_add(1) + 1 == urls) (void)all_taken.try_send('t');
          frontier.taken();
          Result result;
          result.url = job.url;
          result.seq = job.seq;
          rt::yield();  // a check parks: the other workers take Jobs meanwhile
          tx.send(std::move(result));
        }
        pool.done();
      });
    }
    rt::go([&pool, tx = rt::Sender<Result>(results)] {
      pool.wait();
      tx.close();
    });
    for (Result& result : rt::Receiver<Result>(results)) {
      (void)result;
      frontier.collected();
    }
    producing.wait();
    run.accepted = frontier.accepted();
  });
  REQUIRE(status.ok());
  run.calls = calls.load();
  run.taken_at_call = taken_at_call.load();
  return run;
}

}  // namespace

TEST_CASE("Frontier: on_last_job comes once, when the workers have taken every Job",
          "[audit][frontier]") {
  for (const bool late_producer : {false, true}) {
    INFO("the producer is done " << (late_producer ? "after" : "before") << " the last take");
    const LastJobRun run = last_job_run({}, 2'000, late_producer);
    CHECK(run.accepted == 2'000);
    CHECK(run.calls == 1);
    CHECK(run.taken_at_call == 2'000);
  }
  // A producer that offers nothing: the call comes from producer_done().
  const LastJobRun empty = last_job_run({}, 0, false);
  CHECK(empty.calls == 1);
}

TEST_CASE("Frontier: a crawl never calls on_last_job", "[audit][frontier]") {
  // A crawled page may link to new URLs while it is checked: no Job is known to be the last.
  AuditConfig config;
  config.inputs = {"https://e.com/"};
  CrawlScope scope = CrawlScope::from_config(config).value();
  const LastJobRun run = last_job_run({.scope = &scope}, 200, false);
  CHECK(run.accepted == 200);
  CHECK(run.calls == 0);
}
