// once_test.cpp — Once: one run, concurrent callers park until it finishes.
#include "siteaudit/runtime/once.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "runtime/primitives_support.hpp"
#include "runtime/scheduler_support.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using rt::testing::run_ok;

TEST_CASE("Once runs its function once for many concurrent callers", "[runtime][once]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kCallers = siteaudit_test::kCrowd;
  std::atomic<int> runs{0};
  std::atomic<int> saw_uninitialised{0};
  run_ok(threads, [&] {
    rt::Once once;
    int config = 0;  // written once by the winner, read by everyone after call() returns
    rt::WaitGroup wg;
    for (int i = 0; i < kCallers; ++i) {
      wg.add(1);
      rt::go([&] {
        once.call([&] {
          runs.fetch_add(1);
          rt::yield();  // stay inside fn for a while so that other callers arrive
          config = 42;
        });
        if (config != 42) saw_uninitialised.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(runs.load() == 1);
  CHECK(saw_uninitialised.load() == 0);
}

TEST_CASE("callers park until the first call finishes", "[runtime][once]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kWaiters = 20;
  int returned_early = -1;
  std::atomic<int> returned{0};
  run_ok(threads, [&] {
    rt::Once once;
    rt::Channel<int> release;
    rt::Channel<int> started(1);
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      once.call([&] {
        started.send(1);
        (void)release.receive();  // fn parks: waiting callers must not return meanwhile
      });
      wg.done();
    });
    (void)started.receive();
    for (int i = 0; i < kWaiters; ++i) {
      wg.add(1);
      rt::go([&] {
        once.call([] {});
        returned.fetch_add(1);
        wg.done();
      });
    }
    for (int i = 0; i < 100; ++i) rt::yield();
    returned_early = returned.load();
    release.send(1);
    wg.wait();
  });
  CHECK(returned_early == 0);
  CHECK(returned.load() == kWaiters);
}

TEST_CASE("an exception from the function counts as done, like a Go panic", "[runtime][once]") {
  const unsigned threads = GENERATE(1u, 2u);
  bool caught = false;
  bool second_ran = false;
  bool done = false;
  run_ok(threads, [&] {
    rt::Once once;
    try {
      once.call([] { throw std::runtime_error("init failed"); });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    once.call([&] { second_ran = true; });
    done = once.done();
  });
  CHECK(caught);
  CHECK_FALSE(second_ran);
  CHECK(done);
}

TEST_CASE("Once works off a fiber when uncontended", "[runtime][once]") {
  rt::Once once;
  int runs = 0;
  once.call([&] { ++runs; });
  once.call([&] { ++runs; });
  CHECK(runs == 1);
  CHECK(once.done());
}
