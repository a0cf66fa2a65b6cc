// channel_test.cpp — Channel<T>, Sender<T>, Receiver<T>: Go's channel semantics.
#include "siteaudit/runtime/channel.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using rt::testing::run_ok;

TEST_CASE("unbuffered send parks until a receiver takes the value", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  bool sent_before_receive = true;
  std::optional<int> received;
  bool sent_after = false;
  run_ok(threads, [&] {
    rt::Channel<int> ch;
    std::atomic<bool> sent{false};
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      ch.send(7);
      sent.store(true);
      wg.done();
    });
    // No receiver exists yet, so the sender cannot have finished, however long we let it run.
    for (int i = 0; i < 100; ++i) rt::yield();
    sent_before_receive = sent.load();
    received = ch.receive();
    wg.wait();
    sent_after = sent.load();
  });
  CHECK_FALSE(sent_before_receive);
  CHECK(received == 7);
  CHECK(sent_after);
}

TEST_CASE("buffered channel holds capacity values, then send parks", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::size_t size_when_full = 0;
  bool extra_send_finished_early = true;
  std::vector<int> order;
  run_ok(threads, [&] {
    rt::Channel<int> ch(3, "numbers");
    ch.send(0);
    ch.send(1);
    ch.send(2);  // none of these park: there is room
    size_when_full = ch.size();
    std::atomic<bool> done{false};
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      ch.send(3);  // full: parks until a receive makes room
      done.store(true);
      wg.done();
    });
    for (int i = 0; i < 100; ++i) rt::yield();
    extra_send_finished_early = done.load();
    for (int i = 0; i < 4; ++i) order.push_back(*ch.receive());
    wg.wait();
  });
  CHECK(size_when_full == 3);
  CHECK_FALSE(extra_send_finished_early);
  CHECK(order == std::vector<int>{0, 1, 2, 3});  // the parked sender's value goes to the tail
}

TEST_CASE("close wakes every parked receiver with closed", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kReceivers = 50;
  std::atomic<int> closed_seen{0};
  run_ok(threads, [&] {
    rt::Channel<int> ch(0, "to-close");
    rt::WaitGroup finished;
    for (int i = 0; i < kReceivers; ++i) {
      finished.add(1);
      rt::go([&] {
        if (!ch.receive().has_value()) closed_seen.fetch_add(1);
        finished.done();
      });
    }
    for (int i = 0; i < 200; ++i) rt::yield();
    ch.close();
    finished.wait();
  });
  CHECK(closed_seen.load() == kReceivers);
}

TEST_CASE("receive after close drains the buffer, then reports closed", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<int> drained;
  rt::ChannelStatus after = rt::ChannelStatus::success;
  bool receive_after = true;
  run_ok(threads, [&] {
    rt::Channel<int> ch(4);
    ch.send(1);
    ch.send(2);
    ch.send(3);
    ch.close();
    for (int v : ch) drained.push_back(v);
    after = ch.try_receive().status;
    receive_after = ch.receive().has_value();
  });
  CHECK(drained == std::vector<int>{1, 2, 3});
  CHECK(after == rt::ChannelStatus::closed);
  CHECK_FALSE(receive_after);
}

TEST_CASE("try_send and try_receive report status without parking", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<rt::ChannelStatus> statuses;
  std::optional<int> value;
  run_ok(threads, [&] {
    rt::Channel<int> unbuffered;
    statuses.push_back(unbuffered.try_send(1));           // no receiver: full
    statuses.push_back(unbuffered.try_receive().status);  // no sender: empty
    rt::Channel<int> ch(1);
    statuses.push_back(ch.try_send(5));
    statuses.push_back(ch.try_send(6));  // buffer full
    auto [status, v] = ch.try_receive();
    statuses.push_back(status);
    value = v;
    ch.close();
    statuses.push_back(ch.try_receive().status);
  });
  using S = rt::ChannelStatus;
  CHECK(statuses == std::vector<S>{S::full, S::empty, S::success, S::full, S::success, S::closed});
  CHECK(value == 5);
  CHECK(std::string(rt::to_string(S::closed)) == "closed");
}

TEST_CASE("try_send hands off to a parked receiver", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  rt::ChannelStatus status = rt::ChannelStatus::full;
  std::optional<int> got;
  run_ok(threads, [&] {
    rt::Channel<int> ch;
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&] {
      got = ch.receive();
      wg.done();
    });
    // Retry until the receiver has parked; an unbuffered try_send succeeds only then.
    while ((status = ch.try_send(11)) == rt::ChannelStatus::full) rt::yield();
    wg.wait();
  });
  CHECK(status == rt::ChannelStatus::success);
  CHECK(got == 11);
}

TEST_CASE("move-only values travel through buffered and unbuffered channels",
          "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int sum = 0;
  run_ok(threads, [&] {
    for (std::size_t capacity : {0u, 1u, 8u}) {
      rt::Channel<std::unique_ptr<int>> ch(capacity);
      rt::go([ch] {
        for (int i = 1; i <= 10; ++i) ch.send(std::make_unique<int>(i));
        ch.close();
      });
      for (std::unique_ptr<int>& p : ch) sum += *p;
    }
  });
  CHECK(sum == 3 * 55);
}

TEST_CASE("a type without a default constructor works", "[runtime][channel]") {
  struct Token {
    explicit Token(int v) : value(v) {}
    int value;
  };
  const unsigned threads = GENERATE(1u, 2u);
  int total = 0;
  run_ok(threads, [&] {
    rt::Channel<Token> ch(2);
    ch.send(Token(4));
    (void)ch.try_send(Token(5));
    ch.close();
    for (const Token& t : ch) total += t.value;
  });
  CHECK(total == 9);
}

TEST_CASE("a channel destroys the values still buffered", "[runtime][channel]") {
  struct Counted {
    explicit Counted(std::atomic<int>* live_in) : live(live_in) { live->fetch_add(1); }
    Counted(Counted&& other) noexcept : live(other.live) { live->fetch_add(1); }
    Counted& operator=(Counted&&) = delete;
    ~Counted() { live->fetch_sub(1); }
    std::atomic<int>* live;
  };
  std::atomic<int> live{0};
  {
    rt::Channel<Counted> ch(4);
    CHECK(ch.try_send(Counted(&live)) == rt::ChannelStatus::success);
    CHECK(ch.try_send(Counted(&live)) == rt::ChannelStatus::success);
    CHECK(live.load() == 2);
  }
  CHECK(live.load() == 0);
}

TEST_CASE("directional views share the channel", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<int> got;
  bool nil_sender = true;
  bool nil_receiver = true;
  rt::ChannelStatus nil_try = rt::ChannelStatus::success;
  run_ok(threads, [&] {
    rt::Channel<int> ch(0, "directional");
    rt::Sender<int> tx = ch;
    rt::Receiver<int> rx = ch;
    rt::go([tx] {
      for (int i = 0; i < 5; ++i) tx.send(i);
      tx.close();
    });
    for (int v : rx) got.push_back(v);
    nil_sender = static_cast<bool>(rt::Sender<int>());
    nil_receiver = static_cast<bool>(rt::Receiver<int>());
    nil_try = rt::Receiver<int>().try_receive().status;
  });
  CHECK(got == std::vector<int>{0, 1, 2, 3, 4});
  CHECK_FALSE(nil_sender);
  CHECK_FALSE(nil_receiver);
  CHECK(nil_try == rt::ChannelStatus::empty);
}

TEST_CASE("the channel outlives its handles' scope while a fiber holds one", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int got = 0;
  run_ok(threads, [&] {
    rt::Receiver<int> rx;
    {
      rt::Channel<int> ch(1);
      rx = ch;
      rt::go([tx = rt::Sender<int>(ch)] { tx.send(42); });
    }
    got = *rx.receive();
  });
  CHECK(got == 42);
}

TEST_CASE("unbuffered ping-pong keeps order across threads", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int rounds = 20000 / rt::testing::kStressScale;
  int last = -1;
  bool in_order = true;
  run_ok(threads, [&] {
    rt::Channel<int> ping;
    rt::Channel<int> pong;
    rt::go([&] {
      for (std::optional<int> v; (v = ping.receive());) pong.send(*v + 1);
      pong.close();
    });
    for (int i = 0; i < rounds; ++i) {
      ping.send(2 * i);
      const int back = *pong.receive();
      if (back != 2 * i + 1) in_order = false;
      last = back;
    }
    ping.close();
    in_order = in_order && !pong.receive().has_value();
  });
  CHECK(in_order);
  CHECK(last == 2 * (rounds - 1) + 1);
}

TEST_CASE("many producers and consumers lose and duplicate nothing", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const std::size_t capacity = GENERATE(0u, 1u, 64u);
  constexpr int kProducers = 16;
  constexpr int kConsumers = 16;
  const int per_producer = 5000 / rt::testing::kStressScale;
  std::atomic<long long> sum{0};
  std::atomic<int> count{0};
  run_ok(threads, [&] {
    rt::Channel<int> ch(capacity, "stress");
    rt::WaitGroup producers;
    rt::WaitGroup consumers;
    for (int p = 0; p < kProducers; ++p) {
      producers.add(1);
      rt::go([&, p] {
        for (int i = 0; i < per_producer; ++i) ch.send(p * per_producer + i);
        producers.done();
      });
    }
    for (int c = 0; c < kConsumers; ++c) {
      consumers.add(1);
      rt::go([&] {
        long long local = 0;
        int n = 0;
        for (int v : ch) {
          local += v;
          ++n;
        }
        sum.fetch_add(local);
        count.fetch_add(n);
        consumers.done();
      });
    }
    producers.wait();
    ch.close();
    consumers.wait();
  });
  const long long n = static_cast<long long>(kProducers) * per_producer;
  CHECK(count.load() == n);
  CHECK(sum.load() == n * (n - 1) / 2);
}

TEST_CASE("a daisy chain of fibers passes a value end to end", "[runtime][channel]") {
  // Go's "Chinese whispers": N fibers linked by unbuffered channels, all parked at once until
  // the value travels through them, each adding one.
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int links = 10000 / (rt::testing::kStressScale * rt::testing::kStressScale);
  int result = 0;
  run_ok(threads, [&] {
    rt::Channel<int> leftmost;
    rt::Channel<int> left = leftmost;
    for (int i = 0; i < links; ++i) {
      rt::Channel<int> right;
      rt::go([left, right] { left.send(1 + *right.receive()); });
      left = right;
    }
    left.send(0);
    result = *leftmost.receive();
  });
  CHECK(result == links);
}

TEST_CASE("a hundred thousand short fibers per run report through one channel",
          "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int fibers = 100000 / (rt::testing::kStressScale * rt::testing::kStressScale);
  long long sum = 0;
  int count = 0;
  run_ok(threads, [&] {
    rt::Channel<int> results(256, "results");
    rt::go([results] {
      rt::WaitGroup wg;
      for (int i = 0; i < fibers; ++i) {
        wg.add(1);
        rt::go([results, &wg, i] {
          results.send(i);
          wg.done();
        });
      }
      wg.wait();
      results.close();
    });
    for (int v : results) {
      sum += v;
      ++count;
    }
  });
  CHECK(count == fibers);
  CHECK(sum == static_cast<long long>(fibers) * (fibers - 1) / 2);
}

TEST_CASE("send on a closed channel aborts naming the channel", "[runtime][channel]") {
  rt::testing::expect_abort(
      1,
      [] {
        rt::Channel<int> ch(1, "results");
        ch.close();
        ch.send(1);
      },
      "send on closed channel: channel \"results\"");
}

TEST_CASE("closing a channel with a parked sender aborts the sender", "[runtime][channel]") {
  rt::testing::expect_abort(
      2,
      [] {
        rt::Channel<int> ch(0, "jobs");
        rt::go([ch] { ch.send(1); });
        for (int i = 0; i < 100; ++i) rt::yield();
        ch.close();
        (void)rt::Channel<int>().receive();  // park, so the woken sender runs and aborts
      },
      "send on closed channel: channel \"jobs\"");
}

TEST_CASE("closing a channel twice aborts naming the channel", "[runtime][channel]") {
  rt::testing::expect_abort(
      1,
      [] {
        rt::Channel<int> ch(0, "done");
        ch.close();
        ch.close();
      },
      "close of closed channel: channel \"done\"");
}

TEST_CASE("a fiber blocked on a receive nobody sends is a deadlock", "[runtime][channel]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  // Objects a deadlocked fiber waits on live outside it: the runtime abandons such fibers
  // without unwinding them (README: Shutdown), so what their frames own would leak.
  rt::Channel<int> ch(0, "never");
  rt::Runtime runtime({.threads = threads});
  const rt::RunResult result = runtime.run([&] { (void)ch.receive(); });
  INFO(result.message);
  CHECK(result.status == rt::RunStatus::deadlock);
  CHECK(result.message.find("all fibers are asleep - deadlock!") != std::string::npos);
}
