// timer_test.cpp — sleep_for/sleep_until and detail::add_timer/cancel_timer: past deadlines,
// cancel races, overlap of sleepers, and an idle runtime sleeping instead of spinning.
#include <sys/resource.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "runtime/introspection.hpp"
#include "runtime/scheduler_support.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using siteaudit_test::check_clean;
using siteaudit_test::Latch;
using siteaudit_test::MaxTracker;
using siteaudit_test::Parker;

namespace {

std::chrono::microseconds process_cpu_time() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return std::chrono::seconds(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         std::chrono::microseconds(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

}  // namespace

TEST_CASE("sleep_for() parks the fiber for at least the duration", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  const auto result = runtime.run([] {
    const auto start = rt::Clock::now();
    rt::sleep_for(15ms);
    CHECK(rt::Clock::now() - start >= 15ms);
    const auto deadline = rt::Clock::now() + 5ms;
    rt::sleep_until(deadline);
    CHECK(rt::Clock::now() >= deadline);
  });
  CHECK(result.ok());
  check_clean(runtime);
}

TEST_CASE("sleeping and timers in the past return promptly", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u);
  rt::Runtime runtime({.threads = threads});
  const auto result = runtime.run([] {
    rt::sleep_for(-5s);
    rt::sleep_for(0s);
    rt::sleep_until(rt::Clock::now() - 1h);
    // A timer already due fires on the next scheduling round.
    Parker parker;
    rt::detail::add_timer(rt::Clock::now() - 1s, [&] { parker.signal(); });
    parker.wait(rt::detail::WaitReason::sleep);
  });
  CHECK(result.ok());
  check_clean(runtime);
}

TEST_CASE("many fibers sleep at once", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  constexpr int kSleepers = siteaudit_test::kManySleepers;
  MaxTracker asleep;
  std::atomic<bool> release{false};
  const auto result = runtime.run([&] {
    Latch latch(kSleepers);
    for (int i = 0; i < kSleepers; ++i) {
      rt::go([&, i] {
        asleep.enter();
        // Naps of 20-30 ms: short enough that release is seen soon, long enough that a
        // thousand sleepers do not keep every thread busy with wake-ups (under TSan, naps
        // of 0.5 ms made the spawner wait two minutes for its turn).
        while (!release.load()) rt::sleep_for(20ms + std::chrono::microseconds(10 * i));
        asleep.leave();
        latch.done();
      });
    }
    while (asleep.inside.load() < kSleepers) rt::sleep_for(1ms);
    release = true;
    latch.wait();
  });
  CHECK(result.ok());
  // Every sleeper was asleep at the same moment: sleeping blocks the fiber, not the thread.
  CHECK(asleep.most == kSleepers);
  check_clean(runtime);
}

TEST_CASE("timers fire in deadline order", "[runtime]") {
  rt::Runtime runtime({.threads = 1});
  std::vector<int> order;
  const auto result = runtime.run([&] {
    Latch latch(5);
    const auto base = rt::Clock::now() + 10ms;
    for (int i : {3, 1, 4, 0, 2}) {
      rt::detail::add_timer(base + std::chrono::milliseconds(i), [&, i] {
        order.push_back(i);
        latch.done();
      });
    }
    latch.wait();
  });
  CHECK(result.ok());
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("cancel_timer() before the deadline prevents the callback", "[runtime]") {
  rt::Runtime runtime({.threads = 2});
  std::atomic<int> fired{0};
  const auto result = runtime.run([&] {
    const rt::detail::TimerId id =
        rt::detail::add_timer(rt::Clock::now() + 1h, [&] { fired.fetch_add(1); });
    CHECK(id != 0);
    CHECK(rt::detail::current_snapshot().timers == 1);
    CHECK(rt::detail::cancel_timer(id));
    CHECK_FALSE(rt::detail::cancel_timer(id));  // already gone
    CHECK(rt::detail::current_snapshot().timers == 0);
  });
  CHECK(result.ok());
  CHECK(fired == 0);
  check_clean(runtime);
}

TEST_CASE("cancel_timer() racing the deadline: the callback runs exactly when cancel fails",
          "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  constexpr int kTimers = 2000;
  std::vector<std::atomic<int>> fired(kTimers);
  std::atomic<int> cancelled{0};
  std::vector<char> cancel_result(kTimers);  // not vector<bool>: written concurrently
  const auto result = runtime.run([&] {
    std::vector<rt::detail::TimerId> ids(kTimers);
    const auto base = rt::Clock::now() + 2ms;
    for (int i = 0; i < kTimers; ++i) {
      ids[i] = rt::detail::add_timer(base + std::chrono::microseconds(i % 500),
                                     [&, i] { fired[i].fetch_add(1); });
    }
    // Cancel from several fibers while the deadlines pass.
    Latch latch(4);
    for (int part = 0; part < 4; ++part) {
      rt::go([&, part] {
        for (int i = part; i < kTimers; i += 4) {
          cancel_result[i] = rt::detail::cancel_timer(ids[i]);
          if (cancel_result[i]) cancelled.fetch_add(1);
          if (i % 64 == 0) rt::sleep_for(100us);
        }
        latch.done();
      });
    }
    latch.wait();
    rt::sleep_for(5ms);  // let every uncancelled timer fire
  });
  CHECK(result.ok());
  for (int i = 0; i < kTimers; ++i) {
    INFO("timer " << i);
    CHECK(fired[i].load() == (cancel_result[i] ? 0 : 1));
  }
  check_clean(runtime);
}

TEST_CASE("timers fire while every worker is busy with runnable fibers", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u);
  rt::Runtime runtime({.threads = threads});
  std::atomic<bool> woke{false};
  const auto result = runtime.run([&] {
    Latch latch(static_cast<int>(threads) + 1);
    for (unsigned i = 0; i < threads; ++i) {
      rt::go([&] {
        while (!woke.load()) rt::yield();  // keeps every run queue non-empty
        latch.done();
      });
    }
    rt::go([&] {
      rt::sleep_for(5ms);
      woke = true;
      latch.done();
    });
    latch.wait();
  });
  CHECK(result.ok());
  CHECK(woke);
}

TEST_CASE("a timer fires while the only busy worker never yields", "[runtime]") {
  // The busy worker runs timers from its loop, which a fiber that never yields keeps it out
  // of; the watcher sees it stuck and runs them.
  rt::Runtime runtime({.threads = 2});
  const auto sleeper = [] { rt::sleep_for(5ms); };
  const auto let_it_arm = [] { rt::yield(); };
  CHECK(siteaudit_test::finished_beside_spinner(runtime, sleeper, let_it_arm));
  check_clean(runtime);
}

TEST_CASE("an idle runtime sleeps until its next timer instead of spinning", "[runtime]") {
  rt::Runtime runtime({.threads = 8});
  std::chrono::microseconds cpu{0};
  std::chrono::microseconds wall{0};
  const auto result = runtime.run([&] {
    rt::sleep_for(5ms);  // let the workers settle
    const auto cpu_start = process_cpu_time();
    const auto wall_start = rt::Clock::now();
    rt::sleep_for(200ms);
    cpu = process_cpu_time() - cpu_start;
    wall = std::chrono::duration_cast<std::chrono::microseconds>(rt::Clock::now() - wall_start);
  });
  CHECK(result.ok());
  // Eight spinning threads would keep every core busy (on CI's two cores, 2x the wall time);
  // sleeping ones use almost nothing. The bound is the wall time itself, so sanitizer
  // overhead (TSan measured 0.4x) cannot fail it while a spinning runtime still does.
  // (A ratio, not a time limit: a loaded machine stretches the wall time, not the CPU time.)
  INFO("cpu " << cpu.count() << " us over wall " << wall.count() << " us");
  CHECK(cpu < wall);
}
