// scheduler_support.hpp — small blocking helpers built straight on the park/ready seam, so the
// scheduler's tests do not depend on the channel and WaitGroup implementations.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>

#include "runtime/introspection.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit_test {

namespace rt = siteaudit::rt;

// TSan counts every fiber as a thread and allows about 8,000 at once, and each TSan fiber
// costs milliseconds to create, switch to and destroy (measured: 500 spawns on each of 1, 2
// and 8 threads take 10 s): its runs use the smallest sizes that still keep every thread
// busy, since what TSan checks is each interleaving, not the count. ASan is just slow.
// kCrowd is how many fibers a contention test parks at once: several per thread.
#if defined(SITEAUDIT_TSAN)
inline constexpr int kStressFibers = 1'000;
inline constexpr int kManyFibers = 200;
inline constexpr int kManySleepers = 100;
inline constexpr int kCrowd = 64;
#elif defined(SITEAUDIT_ASAN)
inline constexpr int kStressFibers = 20'000;
inline constexpr int kManyFibers = 10'000;
inline constexpr int kManySleepers = 1'000;
inline constexpr int kCrowd = 200;
#else
inline constexpr int kStressFibers = 200'000;
inline constexpr int kManyFibers = 10'000;
inline constexpr int kManySleepers = 1'000;
inline constexpr int kCrowd = 200;
#endif

// Parker lets one fiber wait until signal() is called (before or after it parks).
struct Parker {
  std::mutex mutex;
  rt::detail::Fiber* waiter = nullptr;
  bool signalled = false;

  static void unlock(void* arg) { static_cast<Parker*>(arg)->mutex.unlock(); }

  // wait() parks until signal(); the mutex is released only once the fiber is off its stack.
  void wait(rt::detail::WaitReason reason = rt::detail::WaitReason::channel_receive) {
    mutex.lock();
    if (signalled) {
      mutex.unlock();
      return;
    }
    waiter = rt::detail::current_fiber();
    rt::detail::park(reason, this, &Parker::unlock, this);
  }
  // signal() wakes the waiter, if any, from any fiber or thread.
  void signal() {
    rt::detail::Fiber* wake = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex);
      signalled = true;
      wake = waiter;
      waiter = nullptr;
    }
    if (wake != nullptr) rt::detail::ready(wake);
  }
};

// Latch counts down from n; one fiber's wait() parks until it reaches zero.
struct Latch {
  explicit Latch(int n) : count(n) {}
  std::atomic<int> count;
  Parker parker;
  void done() {
    if (count.fetch_sub(1) == 1) parker.signal();
  }
  void wait() { parker.wait(rt::detail::WaitReason::wait_group); }
};

// MaxTracker records the largest number of fibers inside a section at once: concurrency is
// proven by overlap, never by timing.
struct MaxTracker {
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  void enter() {
    const int now = inside.fetch_add(1) + 1;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
  void leave() { inside.fetch_sub(1); }
};

// os_thread_id() asks the kernel: std::this_thread::get_id() is pthread_self(), which glibc
// declares const, so the compiler may reuse one thread's answer after the fiber migrated —
// the very TLS pitfall the runtime guards against (src/README.md, pitfalls).
inline long os_thread_id() {
  return ::syscall(SYS_gettid);
}

// spin_until() burns the CPU, never yielding, until `done` or 10 s: a fiber stuck in a long
// computation. The cap only keeps a broken scheduler from hanging the suite.
inline bool spin_until(const std::atomic<bool>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done.load() && std::chrono::steady_clock::now() < give_up) {
  }
  return done.load();
}

// finished_beside_spinner() runs `waiter` in a fiber of its own and then, on the main fiber,
// `kick` (what lets the waiter finish) and spin_until() the waiter has returned: the waiter
// can only finish if the scheduler looks past a worker stuck in one fiber.
template <typename Waiter, typename Kick>
bool finished_beside_spinner(rt::Runtime& runtime, Waiter waiter, Kick kick) {
  std::atomic<bool> done{false};
  bool finished = false;
  const auto result = runtime.run([&] {
    Latch latch(1);
    rt::go([&] {
      waiter();
      done = true;
      latch.done();
    });
    kick();
    finished = spin_until(done);
    latch.wait();
  });
  REQUIRE(result.ok());
  return finished;
}

// check_clean() asserts that a finished runtime left no fiber, timer, watch or fd wait.
inline void check_clean(const rt::Runtime& runtime) {
  const auto snapshot = rt::detail::snapshot(runtime);
  CHECK(snapshot.live_fibers == 0);
  CHECK(snapshot.timers == 0);
  CHECK(snapshot.watches == 0);
  CHECK(snapshot.fd_waits == 0);
}

}  // namespace siteaudit_test
