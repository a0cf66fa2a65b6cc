// select_test.cpp — select(): Go's selectgo with receive, send, timeout and default cases.
#include "siteaudit/runtime/select.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using rt::testing::run_ok;

TEST_CASE("select performs the one ready case and returns its index", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  int value = 0;
  bool other_ran = false;
  run_ok(threads, [&] {
    rt::Channel<int> empty;
    rt::Channel<int> ready(1);
    ready.send(5);
    index = rt::select(rt::on_receive(empty, [&](int) { other_ran = true; }),
                       rt::on_receive(ready, [&](int v) { value = v; }));
  });
  CHECK(index == 1);
  CHECK(value == 5);
  CHECK_FALSE(other_ran);
}

TEST_CASE("select send case delivers to a buffered channel", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  bool handler_ran = false;
  std::optional<int> delivered;
  run_ok(threads, [&] {
    rt::Channel<int> out(1);
    rt::Channel<int> never;
    index = rt::select(rt::on_receive(never), rt::on_send(out, 9, [&] { handler_ran = true; }));
    delivered = out.try_receive().value;
  });
  CHECK(index == 1);
  CHECK(handler_ran);
  CHECK(delivered == 9);
}

TEST_CASE("otherwise() makes select non-blocking", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  std::size_t ready_index = 99;
  run_ok(threads, [&] {
    rt::Channel<int> in;
    rt::Channel<int> out;  // unbuffered, nobody receiving: the send is not ready either
    index = rt::select(rt::on_receive(in), rt::on_send(out, 1), rt::otherwise());
    rt::Channel<int> ready(1);
    ready.send(1);
    ready_index = rt::select(rt::on_receive(ready), rt::otherwise());
  });
  CHECK(index == 2);
  CHECK(ready_index == 0);  // a ready case wins over the default
}

TEST_CASE("select with otherwise works off any fiber", "[runtime][select]") {
  rt::Channel<int> ch(1);
  CHECK(rt::select(rt::on_receive(ch), rt::otherwise()) == 1);
  ch.try_send(3);
  int got = 0;
  CHECK(rt::select(rt::on_receive(ch, [&](int v) { got = v; }), rt::otherwise()) == 0);
  CHECK(got == 3);
}

TEST_CASE("select parks until another fiber sends or receives", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<std::size_t> chosen;
  std::optional<int> received_from_send_case;
  int got = 0;
  run_ok(threads, [&] {
    rt::Channel<int> a(0, "a");
    rt::Channel<int> b(0, "b");
    rt::Channel<int> c(0, "c");
    rt::go([b] { b.send(8); });
    chosen.push_back(rt::select(rt::on_receive(a), rt::on_receive(b, [&](int v) { got = v; })));
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      received_from_send_case = c.receive();
      wg.done();
    });
    chosen.push_back(rt::select(rt::on_receive(a), rt::on_send(c, 4)));
    wg.wait();
  });
  CHECK(chosen == std::vector<std::size_t>{1, 1});
  CHECK(got == 8);
  CHECK(received_from_send_case == 4);
}

TEST_CASE("a receive case tells closed from a value", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<std::optional<int>> seen;
  run_ok(threads, [&] {
    rt::Channel<int> ch(1);
    ch.send(3);
    ch.close();
    for (int i = 0; i < 2; ++i) {
      rt::select(rt::on_receive(ch, [&](std::optional<int> v) { seen.push_back(v); }));
    }
  });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == 3);
  CHECK_FALSE(seen[1].has_value());
}

TEST_CASE("close wakes a parked select", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  bool closed = false;
  run_ok(threads, [&] {
    rt::Channel<int> a;
    rt::Channel<int> b;
    rt::go([b] {
      for (int i = 0; i < 50; ++i) rt::yield();
      b.close();
    });
    index = rt::select(rt::on_receive(a),
                       rt::on_receive(b, [&](std::optional<int> v) { closed = !v; }));
  });
  CHECK(index == 1);
  CHECK(closed);
}

TEST_CASE("select over only closed channels picks among them like Go", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int picks[2] = {0, 0};
  int values = 0;
  run_ok(threads, [&] {
    rt::Channel<int> a;
    rt::Channel<int> b;
    a.close();
    b.close();
    for (int i = 0; i < 400; ++i) {
      const std::size_t index =
          rt::select(rt::on_receive(a, [&](std::optional<int> v) { values += v.has_value(); }),
                     rt::on_receive(b, [&](std::optional<int> v) { values += v.has_value(); }));
      ++picks[index];
    }
  });
  CHECK(values == 0);
  CHECK(picks[0] > 0);  // random choice: both closed cases get picked
  CHECK(picks[1] > 0);
}

TEST_CASE("select is fair among ready cases", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kRounds = 10000;
  int counts[3] = {0, 0, 0};
  run_ok(threads, [&] {
    rt::Channel<int> a(1);
    rt::Channel<int> b(1);
    rt::Channel<int> c(1);
    for (int i = 0; i < kRounds; ++i) {
      (void)a.try_send(1);
      (void)b.try_send(2);
      (void)c.try_send(3);
      ++counts[rt::select(rt::on_receive(a), rt::on_receive(b), rt::on_receive(c))];
    }
  });
  // Uniform choice gives ~3333 each; 2800 is more than 10 standard deviations away.
  for (int count : counts) {
    CHECK(count > 2800);
    CHECK(count < 3900);
  }
}

TEST_CASE("on_timeout fires when nothing else becomes ready", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  bool fired = false;
  rt::Clock::duration waited{};
  run_ok(threads, [&] {
    rt::Channel<int> never;
    const auto start = rt::Clock::now();
    index = rt::select(rt::on_receive(never), rt::on_timeout(5ms, [&] { fired = true; }));
    waited = rt::Clock::now() - start;
  });
  CHECK(index == 1);
  CHECK(fired);
  CHECK(waited >= 5ms);  // a lower bound is the timer's contract, not a speed claim
}

TEST_CASE("a zero or past timeout is ready at once", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u);
  std::vector<std::size_t> chosen;
  run_ok(threads, [&] {
    rt::Channel<int> never;
    chosen.push_back(rt::select(rt::on_receive(never), rt::on_timeout(0ms)));
    chosen.push_back(rt::select(rt::on_receive(never), rt::on_timeout(-1s)));
    // Like Go, a ready timeout competes with default only as a ready case.
    chosen.push_back(rt::select(rt::on_timeout(-1s), rt::otherwise()));
  });
  CHECK(chosen == std::vector<std::size_t>{1, 1, 0});
}

TEST_CASE("a value that arrives before the timeout wins", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  int got = 0;
  run_ok(threads, [&] {
    rt::Channel<int> ch;
    rt::go([ch] { ch.send(6); });
    // A long timeout must be stopped when another case wins: the run would otherwise keep a
    // timer armed for an hour (and the test would not finish).
    index = rt::select(rt::on_receive(ch, [&](int v) { got = v; }), rt::on_timeout(1h));
  });
  CHECK(index == 0);
  CHECK(got == 6);
}

TEST_CASE("nil channels are never chosen", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u);
  std::size_t index = 99;
  run_ok(threads, [&] {
    rt::Receiver<int> nil_rx;
    rt::Sender<int> nil_tx;
    rt::Channel<int> ch(1);
    ch.send(1);
    index = rt::select(rt::on_receive(nil_rx), rt::on_send(nil_tx, 2), rt::on_receive(ch));
  });
  CHECK(index == 2);
}

TEST_CASE("move-only values through select send and receive", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int got = 0;
  run_ok(threads, [&] {
    rt::Channel<std::unique_ptr<int>> ch;
    rt::go([ch] { rt::select(rt::on_send(ch, std::make_unique<int>(12))); });
    rt::select(rt::on_receive(ch, [&](std::optional<std::unique_ptr<int>> p) { got = **p; }));
  });
  CHECK(got == 12);
}

TEST_CASE("ctx.done() is a select case", "[runtime][select]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t index = 99;
  run_ok(threads, [&] {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::Channel<int> jobs;
    rt::go([cancel = cancel] {
      for (int i = 0; i < 20; ++i) rt::yield();
      cancel();
    });
    index = rt::select(rt::on_receive(jobs), rt::on_receive(ctx.done()));
  });
  CHECK(index == 1);
}

TEST_CASE("competing selects complete each value exactly once", "[runtime][select]") {
  // Every receiver selects over three channels and every sender over two, so wakers often
  // find select waiters already won by another case: the CAS-losing path.
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int per_sender = 2000 / rt::testing::kStressScale;
  constexpr int kSenders = 8;
  constexpr int kReceivers = 8;
  std::atomic<long long> sum{0};
  std::atomic<int> received{0};
  run_ok(threads, [&] {
    rt::Channel<int> a(0, "a");
    rt::Channel<int> b(2, "b");
    rt::Channel<int> c(0, "c");
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::WaitGroup senders;
    rt::WaitGroup receivers;
    for (int s = 0; s < kSenders; ++s) {
      senders.add(1);
      rt::go([&, s] {
        for (int i = 0; i < per_sender; ++i) {
          const int v = s * per_sender + i;
          rt::select(rt::on_send(a, v), rt::on_send(s % 2 == 0 ? b : c, v));
        }
        senders.done();
      });
    }
    for (int r = 0; r < kReceivers; ++r) {
      receivers.add(1);
      rt::go([&, done = ctx.done()] {
        for (bool running = true; running;) {
          auto take = [&](int v) {
            sum.fetch_add(v);
            received.fetch_add(1);
          };
          rt::select(rt::on_receive(a, take), rt::on_receive(b, take), rt::on_receive(c, take),
                     rt::on_receive(done, [&] { running = false; }));
        }
        receivers.done();
      });
    }
    senders.wait();
    cancel();
    receivers.wait();
    // A receiver may have picked done() while b still buffered values: drain them here.
    for (auto r = b.try_receive(); r.status == rt::ChannelStatus::success; r = b.try_receive()) {
      sum.fetch_add(*r.value);
      received.fetch_add(1);
    }
  });
  const long long n = static_cast<long long>(kSenders) * per_sender;
  CHECK(received.load() == n);
  CHECK(sum.load() == n * (n - 1) / 2);
}

TEST_CASE("a select send case on a closed channel aborts", "[runtime][select]") {
  rt::testing::expect_abort(
      1,
      [] {
        rt::Channel<int> ch(1, "closed-out");
        ch.close();
        rt::select(rt::on_send(ch, 1), rt::otherwise());
      },
      "send on closed channel: channel \"closed-out\"");
}

TEST_CASE("select with no ready case and nobody to wake it deadlocks", "[runtime][select]") {
  // Objects a deadlocked fiber waits on live outside it: the runtime abandons such fibers
  // without unwinding them (README: Shutdown), so what their frames own would leak.
  rt::Channel<int> a(0, "a");
  rt::Runtime runtime({.threads = 2});
  const rt::RunResult result = runtime.run([&] {
    rt::Receiver<int> nil;
    rt::select(rt::on_receive(a), rt::on_receive(nil));
  });
  CHECK(result.status == rt::RunStatus::deadlock);
  CHECK(result.message.find("all fibers are asleep - deadlock!") != std::string::npos);
}
