// worker_pool.cpp — the worker loop and the closer.
#include "worker_pool.hpp"

#include <optional>
#include <utility>

#include "page_crawler.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::audit {

WorkerPool::WorkerPool(unsigned count, const rt::Context& ctx, Frontier& frontier,
                       const Checker& checker, LinkGraph* graph, rt::Receiver<Job> jobs,
                       rt::Sender<Result> results) {
  for (unsigned i = 0; i < count; ++i) {
    workers_.add(1);
    rt::go(
        [this, &ctx, &frontier, &checker, graph, jobs, results] {
          // The crawler is made on the worker's first page; its parser is its thread's.
          std::optional<PageCrawler> crawler;
          for (Job& job : jobs) {
            frontier.taken();
            if (ctx.is_done()) {
              Result gone = Checker::cancelled(job, "the run was cancelled");
              if (graph != nullptr) graph->settled(job, gone);
              results.send(std::move(gone));
              continue;
            }
            frontier.screen(ctx, job);
            if (graph == nullptr) {
              results.send(checker.check(ctx, job));
              continue;
            }
            Result result;
            CheckFacts facts;
            if (job.parse && job.skip.empty()) {
              FetchedPage page;
              result = checker.check(ctx, job, &page, &facts);
              if (!crawler) crawler.emplace(frontier, *graph);
              crawler->crawl(job, result, page);
            } else {
              result = checker.check(ctx, job, nullptr, &facts);
            }
            graph->settled(job, result, facts.last_modified);
            results.send(std::move(result));
          }
          workers_.done();
        },
        "worker");
  }
  rt::go(
      [this, results] {
        workers_.wait();
        results.close();
      },
      "closer");
}

}  // namespace siteaudit::audit
