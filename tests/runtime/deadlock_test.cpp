// deadlock_test.cpp — "all fibers are asleep - deadlock!" and the leak report at shutdown.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/introspection.hpp"
#include "runtime/scheduler_support.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using siteaudit_test::Latch;
using siteaudit_test::Parker;

TEST_CASE("all fibers asleep on a channel is reported as a deadlock", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  Parker nobody_signals;  // outlives the run: the abandoned fibers still point at it
  Parker nobody_signals_either;
  const auto result = runtime.run([&] {
    rt::go([&] { nobody_signals_either.wait(rt::detail::WaitReason::wait_group); }, "helper");
    nobody_signals.wait(rt::detail::WaitReason::channel_receive);
  });
  CHECK(result.status == rt::RunStatus::deadlock);
  CHECK_THAT(result.message, Catch::StartsWith("all fibers are asleep - deadlock!"));
  CHECK_THAT(result.message, Catch::Contains("\"main\": waiting on channel receive"));
  CHECK_THAT(result.message, Catch::Contains("\"helper\": waiting on WaitGroup"));
  CHECK(rt::detail::snapshot(runtime).abandoned == 2);
  CHECK(rt::detail::snapshot(runtime).live_fibers == 0);
}

TEST_CASE("a fiber parked on an external event is not a deadlock", "[runtime]") {
  rt::Runtime runtime({.threads = 2});
  const auto result = runtime.run([&] {
    Parker parker;
    std::thread helper([&] {
      std::this_thread::sleep_for(20ms);
      parker.signal();
    });
    parker.wait(rt::detail::WaitReason::external);
    helper.join();
  });
  CHECK(result.ok());
}

TEST_CASE("deadlock detection can be turned off", "[runtime]") {
  rt::Runtime runtime({.threads = 1, .detect_deadlock = false});
  const auto result = runtime.run([&] {
    Parker parker;
    std::thread helper([&] {
      std::this_thread::sleep_for(10ms);
      parker.signal();  // a foreign thread the detector could not know about
    });
    parker.wait(rt::detail::WaitReason::channel_receive);
    helper.join();
  });
  CHECK(result.ok());
}

TEST_CASE("fibers alive when main returns are reported and unwound", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  std::atomic<int> destroyed{0};
  struct Guard {
    std::atomic<int>* counter;
    ~Guard() { counter->fetch_add(1); }
  };
  Parker forever;
  const auto result = runtime.run([&] {
    rt::go(
        [&] {
          Guard guard{&destroyed};
          for (;;) rt::sleep_for(1h);
        },
        "sleeper");
    rt::go(
        [&] {
          Guard guard{&destroyed};
          for (;;) rt::yield();
        },
        "spinner");
    rt::go([&] { forever.wait(); }, "stuck");
    rt::sleep_for(2ms);  // let them start and settle
  });
  CHECK(result.ok());
  CHECK_THAT(result.message, Catch::StartsWith("fibers still alive when main returned:"));
  CHECK_THAT(result.message, Catch::Contains("\"sleeper\""));
  CHECK_THAT(result.message, Catch::Contains("\"spinner\""));
  CHECK_THAT(result.message, Catch::Contains("\"stuck\": waiting on channel receive"));
  CHECK(destroyed == 2);  // sleeper and spinner unwound: their destructors ran
  const auto snapshot = rt::detail::snapshot(runtime);
  CHECK(snapshot.live_fibers == 0);
  CHECK(snapshot.abandoned == 1);  // parked in a primitive: left as it is
  CHECK(snapshot.timers == 0);
}

TEST_CASE("leak reports can be turned off", "[runtime]") {
  rt::Runtime runtime({.threads = 1, .report_leaks = false});
  const auto result = runtime.run([] {
    rt::go([] {
      for (;;) rt::sleep_for(1h);
    });
  });
  CHECK(result.ok());
  CHECK(result.message.empty());
}

TEST_CASE("set_fiber_name() names the fiber in reports", "[runtime]") {
  rt::Runtime runtime({.threads = 1});
  Parker parker;
  const auto result = runtime.run([&] {
    rt::set_fiber_name("renamed main with a rather long name that gets truncated somewhere");
    parker.wait();
  });
  CHECK(result.status == rt::RunStatus::deadlock);
  CHECK_THAT(result.message, Catch::Contains("\"renamed main with a rather long name"));
}

TEST_CASE("the deadlock report names what each fiber waits on, by address", "[runtime]") {
  rt::Runtime runtime({.threads = 2});
  Parker first;
  Parker second;
  const auto result = runtime.run([&] {
    rt::go([&] { second.wait(rt::detail::WaitReason::mutex); }, "locker");
    first.wait(rt::detail::WaitReason::select);
  });
  REQUIRE(result.status == rt::RunStatus::deadlock);
  CHECK_THAT(result.message, Catch::Contains(fmt::format("\"main\": waiting on select ({})",
                                                         static_cast<void*>(&first))));
  CHECK_THAT(result.message, Catch::Contains(fmt::format("\"locker\": waiting on Mutex ({})",
                                                         static_cast<void*>(&second))));
}

TEST_CASE("a pending timer is not a deadlock, until it has fired", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u);
  rt::Runtime runtime({.threads = threads});
  Parker never;
  std::atomic<bool> slept{false};
  const auto result = runtime.run([&] {
    rt::go(
        [&] {
          rt::sleep_for(20ms);  // while this sleeps, main's wait is not yet hopeless
          slept = true;
        },
        "sleeper");
    never.wait(rt::detail::WaitReason::channel_receive);
  });
  CHECK(slept);
  REQUIRE(result.status == rt::RunStatus::deadlock);
  CHECK_THAT(result.message, Catch::Contains("\"main\""));
  CHECK_THAT(result.message, !Catch::Contains("\"sleeper\""));
}

TEST_CASE("a deadlock with many fibers on all threads is detected", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Runtime runtime({.threads = threads});
  constexpr int kFibers = siteaudit_test::kCrowd;
  std::vector<Parker> parkers(kFibers);
  const auto result = runtime.run([&] {
    Latch started(kFibers);
    for (int i = 0; i < kFibers; ++i) {
      rt::go([&, i] {
        started.done();
        parkers[i].wait(rt::detail::WaitReason::channel_send);
      });
    }
    started.wait();
    Parker main_never;
    main_never.wait(rt::detail::WaitReason::channel_receive);
  });
  REQUIRE(result.status == rt::RunStatus::deadlock);
  // One line per fiber: the heading, main and the 200 others.
  CHECK(std::count(result.message.begin(), result.message.end(), '\n') == kFibers + 2);
  CHECK(rt::detail::snapshot(runtime).live_fibers == 0);
}
