// mutex_test.cpp — the fiber-aware Mutex (exclusion, hand-off, std lock adaptors) and the SpinLock.
#include "siteaudit/runtime/mutex.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/primitives_support.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace rt = siteaudit::rt;
using rt::testing::run_ok;

TEST_CASE("Mutex excludes under contention and loses no increment", "[runtime][mutex]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  constexpr int kFibers = 32;
  const int per_fiber = 2000 / rt::testing::kStressScale;
  long long counter = 0;  // plain: only the mutex protects it
  rt::testing::OverlapCounter inside;
  std::atomic<int> contended{0};
  rt::testing::StartGate start(kFibers);
  run_ok(threads, [&] {
    rt::Mutex mu;
    rt::WaitGroup wg;
    for (int f = 0; f < kFibers; ++f) {
      wg.add(1);
      rt::go([&] {
        start.arrive_and_wait();  // all compete from the first iteration on
        for (int i = 0; i < per_fiber; ++i) {
          if (!mu.try_lock()) {
            contended.fetch_add(1);
            mu.lock();
          }
          inside.enter();
          ++counter;
          if (i % 16 == 0) rt::yield();  // hold the lock across a switch: others must park
          inside.leave();
          mu.unlock();
        }
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(counter == static_cast<long long>(kFibers) * per_fiber);
  CHECK(inside.max() == 1);
  INFO("contended lock() calls: " << contended.load());
  CHECK(contended.load() > 0);  // the yields inside the lock guarantee real contention
}

TEST_CASE("Mutex works with std::lock_guard, unique_lock and scoped_lock", "[runtime][mutex]") {
  const unsigned threads = GENERATE(1u, 2u, 8u);
  int value = 0;
  bool owned_after_defer = true;
  bool try_to_lock_failed_while_held = false;
  run_ok(threads, [&] {
    rt::Mutex a;
    rt::Mutex b;
    {
      std::lock_guard guard(a);
      ++value;
    }
    {
      std::unique_lock lock(a, std::defer_lock);
      owned_after_defer = lock.owns_lock();
      lock.lock();
      ++value;
      rt::WaitGroup wg;
      wg.add(1);
      rt::go([&] {
        std::unique_lock other(a, std::try_to_lock);
        try_to_lock_failed_while_held = !other.owns_lock();
        wg.done();
      });
      wg.wait();
    }
    {
      std::scoped_lock both(a, b);
      ++value;
    }
  });
  CHECK(value == 3);
  CHECK_FALSE(owned_after_defer);
  CHECK(try_to_lock_failed_while_held);
}

TEST_CASE("a parked lock() blocks the fiber, not the thread", "[runtime][mutex]") {
  // With one thread: A holds the mutex and waits for a value from main; B parks in lock().
  // If B blocked the thread, main could never send and the run would deadlock.
  bool b_got_lock = false;
  run_ok(1, [&] {
    rt::Mutex mu;
    rt::Channel<int> release;
    rt::WaitGroup wg;
    wg.add(2);
    rt::go([&] {
      std::lock_guard guard(mu);
      (void)release.receive();
      wg.done();
    });
    rt::go([&] {
      for (int i = 0; i < 10; ++i) rt::yield();
      std::lock_guard guard(mu);
      b_got_lock = true;
      wg.done();
    });
    for (int i = 0; i < 50; ++i) rt::yield();
    release.send(1);
    wg.wait();
  });
  CHECK(b_got_lock);
}

TEST_CASE("unlock hands the mutex to waiters in arrival order", "[runtime][mutex]") {
  std::vector<int> order;
  run_ok(1, [&] {
    rt::Mutex mu;
    rt::WaitGroup wg;
    mu.lock();
    for (int i = 0; i < 5; ++i) {
      wg.add(1);
      rt::go([&, i] {
        std::lock_guard guard(mu);
        order.push_back(i);
        wg.done();
      });
      for (int k = 0; k < 5; ++k) rt::yield();  // let fiber i queue before fiber i + 1
    }
    mu.unlock();
    wg.wait();
  });
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("SpinLock excludes contending threads, also waiters that backed off to yielding",
          "[runtime][mutex]") {
  // The primitives' SpinLock waits with growing pauses and then yields the CPU at every look.
  // Four threads start waiting while the lock is held for a few milliseconds (long enough for
  // every waiter to reach the yielding phase), then all contend for it.
  constexpr int kThreads = 4;
  const int per_thread = 20000 / rt::testing::kStressScale;
  rt::detail::SpinLock lock;
  long long counter = 0;  // plain: only the lock protects it
  rt::testing::OverlapCounter inside;
  std::atomic<int> waiting{0};
  lock.lock();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      waiting.fetch_add(1);
      for (int i = 0; i < per_thread; ++i) {
        lock.lock();
        inside.enter();
        ++counter;
        inside.leave();
        lock.unlock();
      }
    });
  }
  while (waiting.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  lock.unlock();
  for (auto& thread : threads) thread.join();
  CHECK(counter == static_cast<long long>(kThreads) * per_thread);
  CHECK(inside.max() == 1);
  CHECK(lock.try_lock());  // released by the last holder
  lock.unlock();
}

TEST_CASE("unlocking an unlocked Mutex aborts", "[runtime][mutex]") {
  rt::testing::expect_abort(
      1,
      [] {
        rt::Mutex mu;
        mu.unlock();
      },
      "sync: unlock of unlocked mutex");
}

TEST_CASE("a fiber locking a mutex it holds is reported as a deadlock", "[runtime][mutex]") {
  rt::Runtime runtime({.threads = 2});
  const rt::RunResult result = runtime.run([] {
    rt::Mutex mu;
    mu.lock();
    mu.lock();
  });
  CHECK(result.status == rt::RunStatus::deadlock);
}
