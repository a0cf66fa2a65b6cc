// timer_after_test.cpp — after() and Timer: one-shot timers delivered on a channel.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/select.hpp"
#include "siteaudit/runtime/timer.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using rt::testing::run_ok;

TEST_CASE("after(d) delivers one time value no earlier than d", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::Clock::time_point start{};
  std::optional<rt::Clock::time_point> fired;
  rt::ChannelStatus second = rt::ChannelStatus::success;
  run_ok(threads, [&] {
    start = rt::Clock::now();
    rt::Receiver<rt::Clock::time_point> timeout = rt::after(3ms);
    fired = timeout.receive();
    second = timeout.try_receive().status;  // fires once, never closes
  });
  REQUIRE(fired.has_value());
  CHECK(*fired >= start + 3ms);
  CHECK(second == rt::ChannelStatus::empty);
}

TEST_CASE("timers in the past fire at once", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u);
  rt::ChannelStatus zero = rt::ChannelStatus::empty;
  rt::ChannelStatus negative = rt::ChannelStatus::empty;
  bool past_timer_received = false;
  run_ok(threads, [&] {
    zero = rt::after(0s).try_receive().status;
    negative = rt::after(-5s).try_receive().status;
    rt::Timer past(rt::Clock::now() - 1h);
    past_timer_received = past.channel().receive().has_value();
  });
  CHECK(zero == rt::ChannelStatus::success);
  CHECK(negative == rt::ChannelStatus::success);
  CHECK(past_timer_received);
}

TEST_CASE("Timer::stop before firing prevents the send", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  bool stopped = false;
  bool stopped_again = true;
  rt::ChannelStatus status = rt::ChannelStatus::success;
  run_ok(threads, [&] {
    rt::Timer timer(2ms);
    stopped = timer.stop();
    stopped_again = timer.stop();
    rt::sleep_for(10ms);  // well past the original deadline
    status = timer.channel().try_receive().status;
  });
  CHECK(stopped);
  CHECK_FALSE(stopped_again);
  CHECK(status == rt::ChannelStatus::empty);
}

TEST_CASE("Timer::stop after firing returns false and the value stays", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u);
  bool stopped = true;
  bool value_waiting = false;
  run_ok(threads, [&] {
    rt::Timer timer(1ms);
    rt::sleep_for(10ms);
    stopped = timer.stop();
    value_waiting = timer.channel().receive().has_value();
  });
  CHECK_FALSE(stopped);
  CHECK(value_waiting);
}

TEST_CASE("many fibers wait on timers at once", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int fibers = 500 / rt::testing::kStressScale;
  std::atomic<int> fired{0};
  rt::testing::OverlapCounter waiting;
  rt::testing::StartGate start(fibers);
  run_ok(threads, [&] {
    rt::WaitGroup wg;
    for (int i = 0; i < fibers; ++i) {
      wg.add(1);
      rt::go([&, i] {
        start.arrive_and_wait();
        waiting.enter();
        if (rt::after(std::chrono::milliseconds(1 + i % 7)).receive()) fired.fetch_add(1);
        waiting.leave();
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(fired.load() == fibers);
  INFO("max fibers waiting on a timer at once: " << waiting.max());
  CHECK(waiting.max() >= 2);
}

TEST_CASE("a select timeout can repeat in a loop", "[runtime][timer]") {
  const unsigned threads = GENERATE(1u, 2u);
  int timeouts = 0;
  run_ok(threads, [&] {
    rt::Channel<int> never;
    for (int i = 0; i < 5; ++i) {
      rt::select(rt::on_receive(never), rt::on_timeout(1ms, [&] { ++timeouts; }));
    }
  });
  CHECK(timeouts == 5);
}
