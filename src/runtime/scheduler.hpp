// scheduler.hpp — internals of the M:N scheduler: fibers, workers, queues, the idle protocol.
//
// Runtime (runtime.hpp) is a handle to a Scheduler. Each of the N workers is an OS thread
// (worker 0 is the thread that called run()) running a scheduler loop on its own stack:
// find a runnable fiber, switch to it, and when it switches back, finish what it asked for
// (park: run its unlock hook then publish it as parked; yield: queue it; exit: recycle it).
// src/runtime/README.md has the state diagram and the protocols.
//
// Thread safety: see each member; the hot paths are lock-free, the idle list and the global
// queue take short mutexes.
#pragma once

#include <atomic>
#include <boost/context/fiber.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/idle_cpu.hpp"
#include "runtime/introspection.hpp"
#include "runtime/io_poller.hpp"
#include "runtime/run_queue.hpp"
#include "runtime/stack_pool.hpp"
#include "runtime/timer_heap.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::rt::detail {

class Scheduler;

// FiberUnwind is thrown at a fiber's yield(), sleep or fd wait when the runtime shuts down
// while the fiber is still alive, so its stack unwinds and its destructors run. A catch(...)
// inside a fiber must rethrow it.
struct FiberUnwind {};

// Fiber is the control block of one fiber. It lives at the top of the fiber's own stack
// mapping, so a spawn from the pool allocates nothing but the std::function's captures.
struct Fiber {
  // State is the park/ready state word; see README.md for the transitions.
  enum State : std::uint32_t {
    kFree,       // in a pool, waiting to be reused
    kRunnable,   // in a run queue, running, or in park() until the switch is finished
    kParked,     // switched out and published; ready() queues it
    kNotified,   // a wake-up arrived while runnable (or parking): the next park returns
    kAbandoned,  // left suspended at shutdown (parked in a primitive); never reused
  };
  enum class Switch : std::uint8_t { park, yield, exit, call };

  Fiber() {}
  ~Fiber() {}  // never run: the memory is the stack mapping

  // context is the suspended fiber while it is off a worker. Constructed in place once; never
  // destroyed, because destroying a suspended boost fiber would unwind it (see README.md).
  union {
    boost::context::fiber context;
  };
  std::atomic<std::uint32_t> state{kFree};
  Switch switch_reason = Switch::exit;
  WaitReason wait_reason = WaitReason::sleep;
  bool started = false;      // fn has begun running
  bool unwind_safe = false;  // suspended in yield()/sleep/fd wait, which may throw FiberUnwind
  bool unwinding = false;    // resumed at shutdown to throw FiberUnwind
  bool is_main = false;
  bool requeue_global = false;  // the next yield goes behind the global queue
  const void* wait_object = nullptr;
  // hook(hook_arg) runs on the far side of a switch, off this fiber's stack: for Switch::park
  // it releases the primitive's lock before the park is published (null: nothing to release);
  // for Switch::call it is on_system_stack()'s call, run by the loop before resuming us.
  void (*hook)(void*) = nullptr;
  void* hook_arg = nullptr;
  std::uint64_t id = 0;
  Scheduler* scheduler = nullptr;
  std::function<void()> fn;
  char* stack_low = nullptr;  // usable stack is [stack_low, this)
  std::size_t stack_size = 0;
  void* asan_fake_stack = nullptr;
  void* tsan_fiber = nullptr;
  unsigned valgrind_stack_id = 0;
  char name[48] = {};
};

// Worker is one OS thread's scheduling state (Go's M and P in one).
struct Worker {
  Scheduler* scheduler = nullptr;
  unsigned index = 0;
  RunQueue queue;
  Fiber* current = nullptr;  // the fiber running on this worker, if any
  // switched_from is the fiber that just switched directly to `current` (no trip through the
  // scheduler loop); the arriving fiber finishes its switch (README.md, "The switch").
  Fiber* switched_from = nullptr;
  // scheduler_context is the suspended scheduler loop while a fiber runs on this worker.
  boost::context::fiber scheduler_context;
  std::uint32_t tick = 0;
  std::atomic<std::uint32_t> sched_tick{0};  // tick, readable by thieves
  std::vector<std::uint32_t> seen_ticks;     // others' sched_tick when this worker began to spin
  std::vector<std::uint32_t> watch_ticks;    // others' sched_tick at this watcher's last look
  // idle_entries counts this worker's calls of Scheduler::idle(): the watcher tells a worker
  // that stayed busy from one that went idle in between by it.
  std::atomic<std::uint32_t> idle_entries{0};
  std::vector<std::uint32_t> watch_idle_entries;  // others' idle_entries at the watcher's look
  std::vector<std::int64_t> busy_since_ns;        // since when the watcher saw each one busy
  // The watcher's reading of the machine's CPU counters since a worker became saturated.
  std::optional<CpuTimes> saturated_cpu;
  std::int64_t saturated_cpu_at_ns = 0;
  std::uint32_t runnext_streak = 0;
  bool spinning = false;
  std::atomic<bool> idle{false};            // inside Scheduler::idle(); written by this worker
  std::atomic<std::uint32_t> wake_word{0};  // futex word while asleep
  std::uint64_t rng = 0;
  std::vector<Fiber*> cache;  // recycled fibers, used by this worker's spawns first
  // Fiber ids for this worker's spawns, taken from Scheduler::next_fiber_id_ in batches (Go's
  // goidcache): one shared atomic per batch instead of per spawn.
  std::uint64_t next_id = 0;
  std::uint64_t id_limit = 0;
  const void* asan_stack_bottom = nullptr;
  std::size_t asan_stack_size = 0;
  void* tsan_fiber = nullptr;
};

// current_worker() reads the thread's worker through a call the compiler cannot see into, so
// a fiber that resumed on another thread never uses a stale thread-local address.
Worker* current_worker() noexcept;
void set_current_worker(Worker* worker) noexcept;

// The switch (fiber.cpp). Each side announces the change of stacks to ASan and TSan.
// init_fiber_context() builds a fresh fiber's suspended context on its stack.
void init_fiber_context(Fiber* fiber);
// destroy_fiber_context() releases what init_fiber_context() registered with the tools
// (TSan fiber, valgrind stack); the context itself is never destroyed.
void destroy_fiber_context(Fiber* fiber) noexcept;
// run_unlock_hook() runs a parked fiber's unlock hook, as the fiber for TSan's purposes.
void run_unlock_hook(Worker& worker, Fiber* fiber);
// switch_into() runs `fiber` on the calling worker until a fiber switches back to the loop,
// and returns that fiber: `fiber` itself, or one that it (or a successor) switched to directly.
Fiber* switch_into(Worker& worker, Fiber* fiber);
// switch_out() suspends the calling fiber: straight into the next local fiber when
// Scheduler::take_next() has one, else back to its worker's scheduler loop. It returns when
// some worker resumes the fiber.
void switch_out(Fiber* fiber);

class Scheduler {
 public:
  explicit Scheduler(RuntimeConfig config);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  RunResult run(std::function<void()> main);
  // spawn() starts a fiber from any thread; from a fiber of this runtime it goes to runnext.
  void spawn(std::function<void()> fn, const char* name);
  unsigned threads() const noexcept { return nthreads_; }

  void park(Fiber* fiber, WaitReason reason, const void* object, void (*unlock)(void*),
            void* arg) noexcept;
  void ready(Fiber* fiber) noexcept;
  void yield(Fiber* fiber);
  // share_backlog() wakes a sleeping worker when fibers wait in `worker`'s ring: the caller is
  // about to compute for a while on it (rt::share_backlog()).
  void share_backlog(Worker& worker) noexcept;
  // call_on_system_stack() runs fn(arg) on the worker's loop stack between two switches of
  // `fiber`, the running fiber (on_system_stack in park.hpp).
  void call_on_system_stack(Fiber* fiber, void (*fn)(void*), void* arg);
  void sleep_until(Fiber* fiber, Clock::time_point deadline);
  TimerId add_timer(Clock::time_point when, std::function<void()> fire);
  bool cancel_timer(TimerId id) noexcept;
  IoPoller& poller() noexcept { return poller_; }
  // registration_added() makes sure some worker polls after a new fd wait or watch.
  void registration_added() noexcept;
  // dispatched_event() counts a tick for the worker running the poller's callbacks: a long
  // batch of them is progress, not a stuck worker (see the watcher in idle()).
  void dispatched_event() noexcept;

  RuntimeSnapshot snapshot() const;
  // assume_idle_cpu() makes the watcher take the machine's CPU as idle without reading
  // /proc/stat, so that a test does not depend on the load of the machine it runs on.
  void assume_idle_cpu(bool assume) noexcept { assume_idle_cpu_.store(assume); }

  // running() is the scheduler whose run() is in progress in this process, if any.
  static Scheduler* running() noexcept;
  // current() is the scheduler of the calling worker thread, else running().
  static Scheduler* current() noexcept;

  // Called on the fiber's own stack (fiber.cpp).
  void run_body(Fiber* fiber);
  // take_next() is the fiber a switching-out fiber may switch to directly: runnext or the
  // ring's head, unless this tick is one on which find_runnable() has more to do (global
  // queue, poller, timers) or the run is stopping. nullptr: go through the scheduler loop.
  Fiber* take_next(Worker& worker) noexcept;
  // finish_switch() completes what a fiber that switched out asked for (park, yield, exit),
  // once it is off its stack: on the scheduler loop, or on the fiber it switched to.
  void finish_switch(Worker& worker, Fiber* fiber);

 private:
  friend struct FiberAccess;

  void worker_main(Worker& worker);
  Fiber* find_runnable(Worker& worker);
  Fiber* pop_local(Worker& worker);
  Fiber* steal(Worker& worker);
  void idle(Worker& worker);
  void cancel_idle(Worker& worker, bool polling);
  bool work_visible() const noexcept;
  void found_work(Worker& worker);
  void execute(Worker& worker, Fiber* fiber);
  void finish_park(Worker& worker, Fiber* fiber);

  // push_local() returns true when the ring overflowed into the global queue.
  bool push_local(Worker& worker, Fiber* fiber);
  enum class Displaced { nothing, queued, overflowed };
  // put_runnext() says what became of the fiber it displaced from runnext.
  Displaced put_runnext(Worker& worker, Fiber* fiber);
  void push_global(Fiber* const* fibers, std::size_t count);
  Fiber* pop_global(Worker& worker, std::size_t max);
  // own_worker() is the calling thread's worker if it is one of this scheduler's, else null.
  Worker* own_worker() const noexcept;
  bool enqueue(Fiber* fiber, bool from_spawn);  // true: the local ring overflowed
  void wakep(bool fence = true) noexcept;
  bool spin_for_work() noexcept;
  void sleep_or_watch(Worker& worker);
  void pass_watch(Worker& worker);  // the watcher leaves: the role goes to another sleeper
  // worker_stuck() is the watcher's look at the others; it also says whether all were idle.
  bool worker_stuck(Worker& watcher, bool& others_idle) noexcept;
  // start_watching() records what the new watcher compares its later looks with.
  void start_watching(Worker& watcher) noexcept;
  // worker_saturated() is the watcher's other look: a worker busy without a break for a while,
  // with fibers queued behind it, while the machine leaves CPU unused (README.md, "Who wakes
  // whom"). `now_ns` is the monotonic clock.
  bool worker_saturated(Worker& watcher, std::int64_t now_ns);
  Fiber* steal_stuck_runnext(Worker& worker) noexcept;
  void wake_all() noexcept;

  void run_due_timers();
  void poll_io();  // non-blocking, if the poller token is free

  std::uint64_t new_fiber_id(Worker* worker) noexcept;
  Fiber* acquire_fiber(Worker* worker);
  Fiber* create_fiber();
  void release_fiber(Worker& worker, Fiber* fiber);

  void request_stop(RunStatus status, std::string message, std::exception_ptr exception);
  void fiber_threw(Fiber* fiber, std::exception_ptr exception);
  bool deadlocked_locked() const noexcept;
  std::string describe_fibers(const char* heading, bool parked_only) const;
  void shutdown(Worker& worker);
  template <typename Fn>
  void for_each_fiber(Fn&& fn) const;

  RuntimeConfig config_;
  unsigned nthreads_;
  std::vector<std::unique_ptr<Worker>> workers_;
  StackPool stacks_;

  std::mutex pool_mutex_;  // the global pool of recycled fibers
  std::vector<Fiber*> pool_;

  std::mutex global_mutex_;  // the global run queue
  std::deque<Fiber*> global_queue_;
  std::atomic<std::size_t> global_size_{0};

  std::mutex idle_mutex_;  // sleepers_ and the transitions of nidle_
  std::vector<Worker*> sleepers_;
  std::atomic<unsigned> nidle_{0};
  std::atomic<unsigned> nspinning_{0};
  std::atomic<bool> poller_busy_{false};      // the poller token
  std::atomic<bool> poller_blocked_{false};   // its holder sleeps in epoll_wait
  std::atomic<Worker*> watcher_{nullptr};     // the sleeper that looks for stuck workers
  std::atomic<std::uint64_t> wakeups_{0};     // by wakep(): a sleeper or the blocked poller
  std::atomic<std::uint64_t> takeovers_{0};   // by the watcher, from a stuck worker
  std::atomic<std::uint64_t> helpers_{0};     // by the watcher, for a saturated worker
  std::atomic<bool> assume_idle_cpu_{false};  // tests: skip the reading of /proc/stat

  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
  std::mutex result_mutex_;
  RunResult result_;
  // Written by spawns and parks on every thread: each on its own cache line, away from stop_
  // and the idle counters that every worker reads on each switch.
  alignas(64) std::atomic<std::uint64_t> next_fiber_id_{1};
  alignas(64) std::atomic<std::int64_t> wakeable_parked_{0};  // parked on sleep / io / external
  alignas(64) std::size_t abandoned_ = 0;

  TimerHeap timers_;
  IoPoller poller_;
};

}  // namespace siteaudit::rt::detail
