// context_test.cpp — Context: cancel, deadlines, the tree, done() and on_done callbacks.
#include "siteaudit/runtime/context.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/select.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using rt::ContextError;
using rt::testing::run_ok;

TEST_CASE("background is never done and has no deadline", "[runtime][context]") {
  const rt::Context root = rt::background();
  CHECK(root.err() == ContextError::none);
  CHECK_FALSE(root.is_done());
  CHECK_FALSE(root.deadline().has_value());
  CHECK_FALSE(static_cast<bool>(root.done()));  // a nil channel, like Go's
  CHECK(rt::Context().err() == ContextError::none);
  CHECK(std::string(rt::to_string(ContextError::deadline_exceeded)) == "deadline exceeded");
}

TEST_CASE("cancel ends the context once, and done() is closed", "[runtime][context]") {
  auto [ctx, cancel] = rt::with_cancel(rt::background());
  CHECK(ctx.err() == ContextError::none);
  CHECK(ctx.done().try_receive().status == rt::ChannelStatus::empty);
  cancel();
  cancel();  // idempotent
  CHECK(ctx.err() == ContextError::cancelled);
  CHECK(ctx.is_done());
  CHECK(ctx.done().try_receive().status == rt::ChannelStatus::closed);
}

TEST_CASE("cancelling a parent cancels the whole subtree, not the ancestors",
          "[runtime][context]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::vector<ContextError> after_a;
  std::vector<ContextError> after_root;
  run_ok(threads, [&] {
    auto [root, cancel_root] = rt::with_cancel(rt::background());
    auto [a, cancel_a] = rt::with_cancel(root);
    auto [b, cancel_b] = rt::with_cancel(a);
    auto [c, cancel_c] = rt::with_timeout(a, 1h);
    auto [sibling, cancel_sibling] = rt::with_cancel(root);
    (void)cancel_b;
    (void)cancel_c;
    cancel_a();
    after_a = {a.err(), b.err(), c.err(), root.err(), sibling.err()};
    cancel_root();
    auto [late, cancel_late] = rt::with_cancel(a);  // derived from an ended parent
    after_root = {sibling.err(), late.err()};
  });
  using E = ContextError;
  // c ends with its parent's cause, not with its own (later) deadline.
  CHECK(after_a == std::vector<E>{E::cancelled, E::cancelled, E::cancelled, E::none, E::none});
  CHECK(after_root == std::vector<E>{E::cancelled, E::cancelled});
}

TEST_CASE("a deadline ends the context with deadline_exceeded", "[runtime][context]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  ContextError waited = ContextError::none;
  ContextError child = ContextError::none;
  ContextError parent_after = ContextError::cancelled;
  bool deadline_set = false;
  run_ok(threads, [&] {
    auto [parent, cancel_parent] = rt::with_cancel(rt::background());
    auto [ctx, cancel] = rt::with_timeout(parent, 5ms);
    auto [grandchild, cancel_grandchild] = rt::with_cancel(ctx);
    deadline_set = grandchild.deadline() == ctx.deadline() && ctx.deadline().has_value();
    waited = ctx.wait();
    child = grandchild.wait();
    parent_after = parent.err();
    cancel();  // cancelling after the deadline changes nothing
  });
  CHECK(deadline_set);
  CHECK(waited == ContextError::deadline_exceeded);
  CHECK(child == ContextError::deadline_exceeded);
  CHECK(parent_after == ContextError::none);
}

TEST_CASE("a deadline in the past ends the context at once", "[runtime][context]") {
  auto [ctx, cancel] = rt::with_deadline(rt::background(), rt::Clock::now() - 1s);
  CHECK(ctx.err() == ContextError::deadline_exceeded);
  auto [zero, cancel_zero] = rt::with_timeout(rt::background(), 0s);
  CHECK(zero.err() == ContextError::deadline_exceeded);
}

TEST_CASE("an earlier parent deadline wins", "[runtime][context]") {
  const unsigned threads = GENERATE(1u, 2u);
  bool same_deadline = false;
  ContextError cause = ContextError::none;
  run_ok(threads, [&] {
    auto [parent, cancel_parent] = rt::with_timeout(rt::background(), 5ms);
    auto [child, cancel_child] = rt::with_timeout(parent, 1h);
    same_deadline = child.deadline() == parent.deadline();
    cause = child.wait();
  });
  CHECK(same_deadline);
  CHECK(cause == ContextError::deadline_exceeded);
}

TEST_CASE("wait and select on done() wake every waiter on cancel", "[runtime][context]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kWaiters = 40;
  std::atomic<int> woke_cancelled{0};
  run_ok(threads, [&] {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::WaitGroup wg;
    for (int i = 0; i < kWaiters; ++i) {
      wg.add(1);
      rt::go([&, i, ctx = ctx] {
        if (i % 2 == 0) {
          if (ctx.wait() == ContextError::cancelled) woke_cancelled.fetch_add(1);
        } else {
          rt::select(rt::on_receive(ctx.done()));
          if (ctx.err() == ContextError::cancelled) woke_cancelled.fetch_add(1);
        }
        wg.done();
      });
    }
    for (int i = 0; i < 100; ++i) rt::yield();
    cancel();
    wg.wait();
  });
  CHECK(woke_cancelled.load() == kWaiters);
}

TEST_CASE("cancel from a thread that is not a fiber wakes fibers", "[runtime][context]") {
  // As for Ctrl-C: a plain thread cancels. A sleeping keeper fiber (a pending timer) stands
  // for the signal watch that keeps the deadlock detector from ending the run meanwhile.
  const unsigned threads = GENERATE(1u, 2u);
  ContextError cause = ContextError::none;
  run_ok(threads, [&] {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::WaitGroup keeper;
    keeper.add(1);
    // The keeper lives until main has woken, as the signal watch lives until the run ends:
    // stopping when the context reads done left a window (seen under TSan) in which the
    // thread had set the error but not yet readied main, and nothing kept the run alive.
    std::atomic<bool> main_woke{false};
    rt::go([&] {
      while (!main_woke.load()) rt::sleep_for(1ms);
      keeper.done();
    });
    std::thread canceller([cancel = cancel] { cancel(); });
    cause = ctx.wait();
    main_woke = true;
    canceller.join();
    keeper.wait();
  });
  CHECK(cause == ContextError::cancelled);
}

TEST_CASE("on_done callbacks run once, immediately when already done", "[runtime][context]") {
  auto [ctx, cancel] = rt::with_cancel(rt::background());
  int first = 0;
  int removed = 0;
  const auto id = ctx.on_done([&] { ++first; });
  const auto removed_id = ctx.on_done([&] { ++removed; });
  CHECK(id != 0);
  CHECK(ctx.remove_on_done(removed_id));
  cancel();
  cancel();
  CHECK(first == 1);
  CHECK(removed == 0);
  CHECK_FALSE(ctx.remove_on_done(id));  // it already ran
  int late = 0;
  CHECK(ctx.on_done([&] { ++late; }) == 0);  // ran at once, on this thread
  CHECK(late == 1);
  // background never ends: its callbacks never run and removing them succeeds.
  int never = 0;
  const auto background_id = rt::background().on_done([&] { ++never; });
  CHECK(rt::background().remove_on_done(background_id));
  CHECK(never == 0);
}

TEST_CASE("thousands of on_done callbacks: removed in any order, the rest run in order",
          "[runtime][context]") {
  // One per fetch in flight on a shared context: removals come in completion order, which is
  // neither registration order nor its reverse.
  auto [ctx, cancel] = rt::with_cancel(rt::background());
  constexpr int kCallbacks = 5000;
  std::vector<int> ran;
  std::vector<rt::Context::CallbackId> ids;
  for (int i = 0; i < kCallbacks; ++i) ids.push_back(ctx.on_done([&ran, i] { ran.push_back(i); }));
  int removed = 0;
  for (int i = 0; i < kCallbacks; ++i) {
    // Every index not ≡ 0 (mod 7), visited in a scrambled order (3001 is coprime to 5000).
    const int k = static_cast<int>((static_cast<long>(i) * 3001) % kCallbacks);
    if (k % 7 != 0) {
      CHECK(ctx.remove_on_done(ids[k]));
      CHECK_FALSE(ctx.remove_on_done(ids[k]));  // a second removal finds nothing
      ++removed;
    }
  }
  cancel();
  std::vector<int> expected;
  for (int i = 0; i < kCallbacks; i += 7) expected.push_back(i);
  CHECK(static_cast<int>(ran.size()) == kCallbacks - removed);
  CHECK(ran == expected);
}

TEST_CASE("remove_on_done racing cancel: afterwards the callback is not running",
          "[runtime][context]") {
  const int rounds = 2000 / rt::testing::kStressScale;
  int violations = 0;
  int ran_count = 0;
  for (int round = 0; round < rounds; ++round) {
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    std::atomic<int> state{0};  // 0 not run, 1 running, 2 finished
    const auto id = ctx.on_done([&] {
      state.store(1);
      for (int spin = 0; spin < 200; ++spin) std::atomic_signal_fence(std::memory_order_seq_cst);
      state.store(2);
    });
    std::thread canceller([cancel = cancel] { cancel(); });
    const bool removed = ctx.remove_on_done(id);
    const int after = state.load();
    if (removed ? after != 0 : after != 2) ++violations;
    canceller.join();
    if (state.load() == 2) ++ran_count;
    if (removed && state.load() != 0) ++violations;  // removed means it never runs
  }
  CHECK(violations == 0);
  INFO("callbacks that won the race: " << ran_count);
}

TEST_CASE("cancellation racing completion: each worker sees exactly one outcome",
          "[runtime][context]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  const int workers = 400 / rt::testing::kStressScale;
  std::atomic<int> completed{0};
  std::atomic<int> cancelled{0};
  run_ok(threads, [&] {
    rt::WaitGroup wg;
    for (int i = 0; i < workers; ++i) {
      auto [ctx, cancel] = rt::with_cancel(rt::background());
      rt::Channel<int> result(1);
      wg.add(2);
      rt::go([&, result] {  // the work: finishes "at the same time" as the cancel below
        rt::yield();
        (void)result.try_send(1);
        wg.done();
      });
      rt::go([&, ctx = ctx, cancel = cancel, result] {
        rt::go([cancel] { cancel(); });
        const std::size_t index = rt::select(rt::on_receive(result), rt::on_receive(ctx.done()));
        (index == 0 ? completed : cancelled).fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(completed.load() + cancelled.load() == workers);
  INFO("completed " << completed.load() << ", cancelled " << cancelled.load());
}

TEST_CASE("children unregister when cancelled or destroyed", "[runtime][context]") {
  // A long-lived root with many short-lived children: every child is cancelled or dropped,
  // then the root is cancelled. Under ASan a child left in the root's list would be a
  // use-after-free here; without it, cancelling the root touches no child at all.
  const unsigned threads = GENERATE(1u, 2u, 8u);
  std::atomic<int> callbacks_run{0};
  ContextError root_after = ContextError::none;
  run_ok(threads, [&] {
    auto [root, cancel_root] = rt::with_cancel(rt::background());
    rt::WaitGroup wg;
    for (int f = 0; f < 8; ++f) {
      wg.add(1);
      rt::go([&, root = root] {
        for (int i = 0; i < 500; ++i) {
          auto [child, cancel_child] = rt::with_timeout(root, 1h);
          child.on_done([&] { callbacks_run.fetch_add(1); });
          if (i % 2 == 0) cancel_child();
        }
        wg.done();
      });
    }
    wg.wait();
    cancel_root();
    root_after = root.err();
  });
  CHECK(callbacks_run.load() == 8 * 250);  // only the explicitly cancelled children ran theirs
  CHECK(root_after == ContextError::cancelled);
}

TEST_CASE("a fiber waiting on a context nobody cancels is a deadlock", "[runtime][context]") {
  // Objects a deadlocked fiber waits on live outside it: the runtime abandons such fibers
  // without unwinding them (README: Shutdown), so what their frames own would leak.
  auto [ctx, cancel] = rt::with_cancel(rt::background());
  rt::Runtime runtime({.threads = 2});
  const rt::RunResult result = runtime.run([&ctx = ctx] { (void)ctx.wait(); });
  CHECK(result.status == rt::RunStatus::deadlock);
}
