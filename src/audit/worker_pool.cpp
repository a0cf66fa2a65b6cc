// worker_pool.cpp — the worker loop and the closer.
#include "worker_pool.hpp"

#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::audit {

WorkerPool::WorkerPool(unsigned count, const rt::Context& ctx, const Frontier& frontier,
                       const Checker& checker, rt::Receiver<Job> jobs, rt::Sender<Result> results) {
  for (unsigned i = 0; i < count; ++i) {
    workers_.add(1);
    rt::go(
        [this, &ctx, &frontier, &checker, jobs, results] {
          for (Job& job : jobs) {
            if (ctx.is_done()) {
              results.send(Checker::cancelled(job, "the run was cancelled"));
              continue;
            }
            frontier.screen(ctx, job);
            results.send(checker.check(ctx, job));
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
