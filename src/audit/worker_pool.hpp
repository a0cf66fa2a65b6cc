// worker_pool.hpp — exactly N worker fibers between the jobs and the results channels.
//
// The article's pattern: a fixed pool of workers ranges over `jobs`, sends one Result per Job
// to `results`, and a closer fiber waits on the workers' WaitGroup and closes `results`, so
// the collector's range over `results` ends exactly when the last Result is in. A Job taken
// after the run was cancelled becomes a `cancelled` Result without a request: nothing the
// frontier accepted is lost.
//
// Example (inside the runtime):
//   WorkerPool pool(64, ctx, frontier, checker, /*graph=*/nullptr, rt::Receiver<Job>(jobs),
//                   rt::Sender<Result>(results));
//
// In crawl mode (`graph` set) each worker has its own PageCrawler: a Job marked parse is
// fetched with GET, its links are offered to the frontier before its Result is sent, and every
// Result is settled in the graph (which keeps the referrers of the URLs that failed).
//
// Thread safety: constructed on one fiber; it must outlive the collector's range over
// `results` (the closer fiber uses it until it closes the channel).
#pragma once

#include "siteaudit/audit/checker.hpp"
#include "siteaudit/audit/frontier.hpp"
#include "siteaudit/audit/link_graph.hpp"
#include "siteaudit/audit/model_types.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace siteaudit::audit {

class WorkerPool {
 public:
  // WorkerPool() starts `count` workers and the closer. Each Job is screened by `frontier`
  // (robots.txt) before `checker` checks it; `ctx`, `frontier` and `checker` must outlive them.
  WorkerPool(unsigned count, const rt::Context& ctx, Frontier& frontier, const Checker& checker,
             LinkGraph* graph, rt::Receiver<Job> jobs, rt::Sender<Result> results);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

 private:
  rt::WaitGroup workers_;
};

}  // namespace siteaudit::audit
