// scheduler.cpp — the M:N scheduler: run loop, queues, idle protocol, park/ready, shutdown.
//
// Follows Go's runtime/proc.go: findRunnable (runnext, local ring, global queue every 61
// ticks, netpoll, steal half from a random victim), spinning workers capped at half the busy
// ones, wakep() waking one sleeper only when nobody spins, and the "drop spinning, then
// recheck every queue" step that keeps a wake-up from being lost. Unlike Go, readying a fiber
// wakes no one and only the last idle worker polls; a sleeping watcher takes over from a
// stuck worker instead, and helps a saturated one when a CPU is free (README.md, "Who wakes
// whom").
#include "runtime/scheduler.hpp"

#include <fmt/format.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "siteaudit/runtime/fatal.hpp"

#if defined(SITEAUDIT_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace siteaudit::rt::detail {

namespace {

constexpr std::uint32_t kWakeSpin = 1;   // woken by wakep(): start out spinning
constexpr std::uint32_t kWakeStop = 2;   // woken because the run is over
constexpr std::uint32_t kWakeWatch = 3;  // the watcher role fell free: take it, keep sleeping
constexpr std::uint32_t kGlobalCheckTicks = 61;
constexpr std::uint32_t kTimerCheckTicks = 16;
constexpr std::uint32_t kMaxRunnextStreak = 32;
constexpr std::size_t kCacheMax = 256;
constexpr std::size_t kCacheRefill = 32;
constexpr int kStealRounds = 4;
constexpr std::uint64_t kIdBatch = 16;
// Rounds of 32 pauses (about 0.75 us each here) an idle spinner waits before sleeping: 3 us,
// Go's wait before stealing a runnext. 32 rounds (24 us) burned CPU that a server sharing the
// cores needed: auditing 20,000 URLs against nginx took 1.65 CPU-s and 3.0 s, now 1.3 and 2.0.
constexpr int kIdleSpinRounds = 4;
// How often the watcher (one sleeping worker) looks for a worker stuck in one fiber: Go's
// sysmon retakes a P whose goroutine ran 10 ms; a worker whose tick has not moved for one
// period has its queue taken over, so readied fibers wait at most two periods behind it.
// While every other worker is idle the period doubles, up to 16 ms (62 wake-ups a second).
constexpr std::int64_t kWatchPeriodNs = 2'000'000;
constexpr std::int64_t kIdleWatchPeriodNs = 16'000'000;
// A worker that has not gone idle for this long, with fibers queued behind the running one, is
// saturated. The watcher then reads the machine's CPU counters over kIdleCpuWindowNs and
// brings in a helper if at least kIdleCpuCores of a CPU went unused: at USER_HZ = 100 a window
// of 50 ms is 5 ticks a CPU, the fewest that tell a free half core from noise.
constexpr std::int64_t kSaturatedNs = 10'000'000;
constexpr std::int64_t kIdleCpuWindowNs = 50'000'000;
constexpr double kIdleCpuCores = 0.5;

std::atomic<Scheduler*> g_running{nullptr};

std::int64_t monotonic_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::size_t control_block_bytes() noexcept {
  return (sizeof(Fiber) + 63) & ~std::size_t{63};
}

Fiber* fiber_at(const StackPool::Slot& slot) noexcept {
  return reinterpret_cast<Fiber*>(slot.high - control_block_bytes());
}

void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
            nullptr, nullptr, 0);
}

// futex_wait_for() is futex_wait() that also returns after `ns` nanoseconds.
void futex_wait_for(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                    std::int64_t ns) noexcept {
  const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                         static_cast<long>(ns % 1'000'000'000)};
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
            &timeout, nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>* word) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}

std::uint64_t next_random(std::uint64_t& state) noexcept {
  // xorshift64*: cheap, and good enough to spread victims.
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

bool is_wakeable(WaitReason reason) noexcept {
  return reason >= WaitReason::sleep;
}

#if defined(SITEAUDIT_TSAN)
std::atomic<std::uint64_t> g_barrier_word{0};
#endif

// store_load_barrier() orders a producer's "push work, then read nidle_" against an idle
// worker's "nidle_++, then look at the queues" (a Dekker pair): one of them sees the other.
// TSan does not model fences; there, both sides do a read-modify-write of one shared word,
// which orders them just as well (the later one synchronises with the earlier).
void store_load_barrier() noexcept {
#if defined(SITEAUDIT_TSAN)
  g_barrier_word.fetch_add(1, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

std::string fiber_label(const Fiber* fiber) {
  if (fiber->name[0] == '\0') return fmt::format("fiber #{}", fiber->id);
  return fmt::format("fiber #{} \"{}\"", fiber->id, fiber->name);
}

void copy_name(Fiber* fiber, const char* name) noexcept {
  if (name == nullptr) {
    fiber->name[0] = '\0';
    return;
  }
  std::strncpy(fiber->name, name, sizeof(fiber->name) - 1);
  fiber->name[sizeof(fiber->name) - 1] = '\0';
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction and run()

Scheduler::Scheduler(RuntimeConfig config)
    : config_(config),
      nthreads_(config.threads != 0 ? config.threads
                                    : std::max(1u, std::thread::hardware_concurrency())),
#if defined(SITEAUDIT_ASAN)
      // ASan's redzones make frames several times larger (folly multiplies by 16).
      stacks_(config.stack_size * 4),
#else
      stacks_(config.stack_size),
#endif
      poller_(*this) {
  workers_.reserve(nthreads_);
  for (unsigned i = 0; i < nthreads_; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->scheduler = this;
    worker->index = i;
    worker->rng = 0x9E3779B97F4A7C15ULL * (i + 1);
    worker->cache.reserve(kCacheMax + 1);
    worker->seen_ticks.resize(nthreads_);
    worker->watch_ticks.resize(nthreads_);
    worker->watch_idle_entries.resize(nthreads_);
    worker->busy_since_ns.resize(nthreads_);
    workers_.push_back(std::move(worker));
  }
  sleepers_.reserve(nthreads_);
}

Scheduler::~Scheduler() {
  if (running_.load()) fatal("Runtime destroyed while run() is in progress");
  for_each_fiber([](Fiber* fiber) { destroy_fiber_context(fiber); });
}

Scheduler* Scheduler::running() noexcept {
  return g_running.load(std::memory_order_acquire);
}

Scheduler* Scheduler::current() noexcept {
  Worker* worker = current_worker();
  return worker != nullptr ? worker->scheduler : running();
}

RunResult Scheduler::run(std::function<void()> main) {
  Scheduler* none = nullptr;
  if (!g_running.compare_exchange_strong(none, this)) {
    fatal(none == this ? "Runtime::run() called while it is already running"
                       : "Runtime::run() called while another Runtime is running; runtimes "
                         "run one at a time");
  }
  running_.store(true);
  stop_.store(false);
  {
    std::lock_guard<std::mutex> lock(result_mutex_);
    result_ = RunResult{};
  }
  if (Fiber* fiber = acquire_fiber(nullptr)) {
    fiber->fn = std::move(main);
    fiber->id = next_fiber_id_.fetch_add(1);
    fiber->is_main = true;
    copy_name(fiber, "main");
    fiber->state.store(Fiber::kRunnable, std::memory_order_release);
    push_global(&fiber, 1);
  }

  std::vector<std::thread> threads;
  threads.reserve(nthreads_);
  for (unsigned i = 1; i < nthreads_; ++i) {
    try {
      threads.emplace_back([this, i] { worker_main(*workers_[i]); });
    } catch (const std::system_error& error) {
      request_stop(
          RunStatus::resource_exhausted,
          fmt::format("cannot start runtime thread {} of {}: {}", i + 1, nthreads_, error.what()),
          nullptr);
      break;
    }
  }
  worker_main(*workers_[0]);
  for (std::thread& thread : threads) thread.join();

  shutdown(*workers_[0]);
  running_.store(false);
  g_running.store(nullptr, std::memory_order_release);
  std::lock_guard<std::mutex> lock(result_mutex_);
  return std::move(result_);
}

void Scheduler::worker_main(Worker& worker) {
  set_current_worker(&worker);
#if defined(SITEAUDIT_TSAN)
  worker.tsan_fiber = __tsan_get_current_fiber();
#endif
  worker.spinning = false;
  worker.tick = 0;
  while (Fiber* fiber = find_runnable(worker)) execute(worker, fiber);
  if (worker.spinning) {
    worker.spinning = false;
    nspinning_.fetch_sub(1);
  }
  set_current_worker(nullptr);
}

// ---------------------------------------------------------------------------------------------
// Spawning and recycling

void Scheduler::spawn(std::function<void()> fn, const char* name) {
  Worker* worker = own_worker();
  if (stop_.load(std::memory_order_relaxed) && running_.load()) return;  // shutting down
  Fiber* fiber = acquire_fiber(worker);
  if (fiber == nullptr) return;  // resource exhaustion already stopped the run
  fiber->fn = std::move(fn);
  fiber->id = new_fiber_id(worker);
  copy_name(fiber, name);
  fiber->state.store(Fiber::kRunnable, std::memory_order_release);
  if (enqueue(fiber, /*from_spawn=*/true) && worker != nullptr && worker->current != nullptr) {
    // The spawner filled its run queue. Go would preempt a loop like this after its time
    // slice; without preemption, let the queued fibers run now, so a spawning loop keeps a
    // few hundred warm fibers in flight instead of a million cold ones. Behind the global
    // queue (Go's Gosched), where the overflow went, so that gets drained first too.
    Fiber* spawner = worker->current;
    spawner->requeue_global = true;
    yield(spawner);
  }
}

std::uint64_t Scheduler::new_fiber_id(Worker* worker) noexcept {
  // Ids name fibers in reports and order the shutdown unwinding (youngest first). Batched per
  // worker like Go's goids, so ids from different threads interleave by batch, not by spawn.
  if (worker == nullptr) return next_fiber_id_.fetch_add(1, std::memory_order_relaxed);
  if (worker->next_id == worker->id_limit) {
    worker->next_id = next_fiber_id_.fetch_add(kIdBatch, std::memory_order_relaxed);
    worker->id_limit = worker->next_id + kIdBatch;
  }
  return worker->next_id++;
}

Fiber* Scheduler::acquire_fiber(Worker* worker) {
  if (worker != nullptr && !worker->cache.empty()) {
    Fiber* fiber = worker->cache.back();
    worker->cache.pop_back();
    return fiber;
  }
  {
    // An array, not a list through the fibers: each control block is on its own page, and
    // chasing links through them is a TLB miss per fiber.
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!pool_.empty()) {
      Fiber* fiber = pool_.back();
      pool_.pop_back();
      if (worker != nullptr) {
        const std::size_t n = std::min(pool_.size(), kCacheRefill);
        worker->cache.insert(worker->cache.end(), pool_.end() - static_cast<std::ptrdiff_t>(n),
                             pool_.end());
        pool_.resize(pool_.size() - n);
      }
      return fiber;
    }
  }
  return create_fiber();
}

Fiber* Scheduler::create_fiber() {
  std::string error;
  std::optional<StackPool::Slot> slot = stacks_.allocate(&error);
  if (!slot) {
    request_stop(RunStatus::resource_exhausted, std::move(error), nullptr);
    return nullptr;
  }
  Fiber* fiber = new (fiber_at(*slot)) Fiber();
  fiber->scheduler = this;
  fiber->stack_low = slot->low;
  fiber->stack_size = static_cast<std::size_t>(reinterpret_cast<char*>(fiber) - slot->low);
  init_fiber_context(fiber);
  return fiber;
}

void Scheduler::release_fiber(Worker& worker, Fiber* fiber) {
  fiber->id = 0;
  fiber->name[0] = '\0';
  fiber->started = false;
  fiber->is_main = false;
  fiber->unwinding = false;
  fiber->unwind_safe = false;
  fiber->wait_object = nullptr;
  fiber->hook = nullptr;
  fiber->state.store(Fiber::kFree, std::memory_order_release);
  worker.cache.push_back(fiber);
  if (worker.cache.size() > kCacheMax) {
    // Hand half to the global pool: a spawner on another worker can reuse them.
    std::lock_guard<std::mutex> lock(pool_mutex_);
    const auto keep = static_cast<std::ptrdiff_t>(kCacheMax / 2);
    pool_.insert(pool_.end(), worker.cache.begin() + keep, worker.cache.end());
    worker.cache.resize(kCacheMax / 2);
  }
}

// ---------------------------------------------------------------------------------------------
// The fiber body (runs on the fiber's stack)

void Scheduler::run_body(Fiber* fiber) {
  fiber->started = true;
  bool threw = false;
  try {
    fiber->fn();
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // boost is unwinding this context; it must reach boost's entry frame
  } catch (const FiberUnwind&) {
    // Shutdown unwound the stack; nothing to report.
  } catch (...) {
    threw = true;
    fiber_threw(fiber, std::current_exception());
  }
  fiber->fn = nullptr;  // captures die here, on the fiber, before it is recycled
  if (fiber->is_main && !threw) request_stop(RunStatus::completed, {}, nullptr);
}

void Scheduler::fiber_threw(Fiber* fiber, std::exception_ptr exception) {
  std::string what;
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& error) {
    what = error.what();
  } catch (...) {
    what = "an exception not derived from std::exception";
  }
  request_stop(RunStatus::fiber_exception,
               fmt::format("{} exited with an uncaught exception: {}", fiber_label(fiber), what),
               exception);
}

void Scheduler::request_stop(RunStatus status, std::string message, std::exception_ptr exception) {
  {
    std::lock_guard<std::mutex> lock(result_mutex_);
    if (stop_.load()) return;  // the first reason to stop wins
    result_.status = status;
    result_.message = std::move(message);
    result_.exception = std::move(exception);
    stop_.store(true);
  }
  wake_all();
}

// ---------------------------------------------------------------------------------------------
// Queues

bool Scheduler::push_local(Worker& worker, Fiber* fiber) {
  for (;;) {
    if (worker.queue.push(fiber)) return false;
    // Ring full: move half of it plus this fiber to the global queue (Go's runqputslow).
    Fiber* batch[RunQueue::kCapacity / 2 + 1];
    std::uint32_t n = worker.queue.take_half(batch);
    if (n == 0) continue;
    batch[n++] = fiber;
    push_global(batch, n);
    return true;
  }
}

Scheduler::Displaced Scheduler::put_runnext(Worker& worker, Fiber* fiber) {
  // Thieves only ever swap a non-null runnext for null, so an empty slot cannot change under
  // the owner: fill it with a plain store (the common case of a hand-off) and save a locked
  // instruction. Otherwise exchange, racing a possible thief.
  if (worker.queue.runnext.load(std::memory_order_relaxed) == nullptr) {
    worker.queue.runnext.store(fiber, std::memory_order_release);
    return Displaced::nothing;
  }
  Fiber* old = worker.queue.runnext.exchange(fiber, std::memory_order_acq_rel);
  if (old == nullptr) return Displaced::nothing;
  return push_local(worker, old) ? Displaced::overflowed : Displaced::queued;
}

void Scheduler::push_global(Fiber* const* fibers, std::size_t count) {
  std::lock_guard<std::mutex> lock(global_mutex_);
  global_queue_.insert(global_queue_.end(), fibers, fibers + count);
  global_size_.fetch_add(count, std::memory_order_seq_cst);
}

Fiber* Scheduler::pop_global(Worker& worker, std::size_t max) {
  if (global_size_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard<std::mutex> lock(global_mutex_);
  const std::size_t size = global_queue_.size();
  if (size == 0) return nullptr;
  // Take a fair share, not everything: the other workers want some too.
  std::size_t n = std::min(
      {size, size / nthreads_ + 1, max, static_cast<std::size_t>(RunQueue::kCapacity / 2)});
  Fiber* first = global_queue_.front();
  global_queue_.pop_front();
  std::size_t taken = 1;
  for (; taken < n; ++taken) {
    if (!worker.queue.push(global_queue_.front())) break;  // only when called with a full ring
    global_queue_.pop_front();
  }
  global_size_.fetch_sub(taken, std::memory_order_seq_cst);
  return first;
}

bool Scheduler::enqueue(Fiber* fiber, bool from_spawn) {
  if (Worker* worker = own_worker()) {
    if (worker->current != nullptr) {
      // Readied or spawned by the running fiber: hand-off through runnext (Go's runqput with
      // next=true). Only a new fiber wakes another worker (see README.md, "Who wakes whom").
      const Displaced displaced = put_runnext(*worker, fiber);
      if (from_spawn) wakep(/*fence=*/false);
      return displaced == Displaced::overflowed;
    }
    // A timer or poller callback on a worker thread, which runs the fiber once it returns.
    return push_local(*worker, fiber);
  }
  push_global(&fiber, 1);  // a foreign thread
  wakep(/*fence=*/true);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Finding work

Fiber* Scheduler::pop_local(Worker& worker) {
  // runnext first, except that a long chain of hand-offs must not starve the ring.
  if (worker.runnext_streak < kMaxRunnextStreak || worker.queue.ring_empty()) {
    Fiber* next = worker.queue.runnext.load(std::memory_order_relaxed);
    if (next != nullptr &&
        worker.queue.runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
      ++worker.runnext_streak;
      return next;
    }
  }
  worker.runnext_streak = 0;
  if (Fiber* fiber = worker.queue.pop()) return fiber;
  Fiber* next = worker.queue.runnext.load(std::memory_order_relaxed);
  if (next != nullptr &&
      worker.queue.runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
    return next;
  }
  return nullptr;
}

Fiber* Scheduler::find_runnable(Worker& worker) {
  for (;;) {
    if (stop_.load(std::memory_order_acquire)) return nullptr;
    ++worker.tick;
    worker.sched_tick.store(worker.tick, std::memory_order_relaxed);
    if (worker.tick % kGlobalCheckTicks == 0) {
      // Fairness: without this, fibers that keep readying each other starve the global queue.
      if (Fiber* fiber = pop_global(worker, 1)) return fiber;
      if (poller_.has_registrations()) poll_io();
    }
    if (timers_.size() != 0 && (worker.tick % kTimerCheckTicks == 0 || worker.queue.empty())) {
      run_due_timers();
    }
    if (Fiber* fiber = pop_local(worker)) {
      found_work(worker);
      return fiber;
    }
    if (Fiber* fiber = pop_global(worker, RunQueue::kCapacity / 2)) {
      found_work(worker);
      return fiber;
    }
    if (poller_.has_registrations()) {
      poll_io();
      if (Fiber* fiber = pop_local(worker)) {
        found_work(worker);
        return fiber;
      }
    }
    if (Fiber* fiber = steal(worker)) {
      found_work(worker);
      return fiber;
    }
    if (worker.spinning) {
      // Remember where every worker is, spin a little, and only then consider taking a
      // victim's runnext — if the victim has not scheduled since: its fiber is the partner of
      // a hand-off the victim is about to run (Go waits 3 us before stealing runnext).
      for (unsigned i = 0; i < nthreads_; ++i) {
        worker.seen_ticks[i] = workers_[i]->sched_tick.load(std::memory_order_relaxed);
      }
      if (spin_for_work()) continue;
      if (Fiber* fiber = steal_stuck_runnext(worker)) {
        found_work(worker);
        return fiber;
      }
    }
    idle(worker);
  }
}

bool Scheduler::spin_for_work() noexcept {
  // Bounded (a few microseconds): cheaper than a futex sleep and wake-up when work keeps
  // arriving, and short enough not to take the CPU from other processes when it does not.
  for (int round = 0; round < kIdleSpinRounds; ++round) {
    for (int i = 0; i < 32; ++i) cpu_relax();
    if (stop_.load(std::memory_order_relaxed) || work_visible()) return true;
  }
  return false;
}

Fiber* Scheduler::steal_stuck_runnext(Worker& worker) noexcept {
  for (unsigned i = 0; i < nthreads_; ++i) {
    Worker& victim = *workers_[i];
    if (&victim == &worker ||
        victim.sched_tick.load(std::memory_order_relaxed) != worker.seen_ticks[i]) {
      continue;
    }
    if (Fiber* fiber = worker.queue.steal_from(victim.queue, /*take_runnext=*/true)) {
      return fiber;
    }
  }
  return nullptr;
}

void Scheduler::found_work(Worker& worker) {
  if (!worker.spinning) return;
  worker.spinning = false;
  // The last spinner to find work wakes another, so that new work keeps finding a thread
  // (Go's resetspinning).
  if (nspinning_.fetch_sub(1) == 1) wakep(/*fence=*/false);
}

Fiber* Scheduler::steal(Worker& worker) {
  if (nthreads_ == 1) return nullptr;
  if (!worker.spinning) {
    // At most half of the busy workers spin; the rest go to sleep straight away.
    const unsigned busy = nthreads_ - nidle_.load();
    if (2 * nspinning_.load() >= busy) return nullptr;
    worker.spinning = true;
    nspinning_.fetch_add(1);
  }
  for (int round = 0; round < kStealRounds; ++round) {
    const unsigned start = static_cast<unsigned>(next_random(worker.rng) % nthreads_);
    for (unsigned i = 0; i < nthreads_; ++i) {
      Worker& victim = *workers_[(start + i) % nthreads_];
      if (&victim == &worker) continue;
      if (Fiber* fiber = worker.queue.steal_from(victim.queue, /*take_runnext=*/false)) {
        return fiber;
      }
    }
    if (Fiber* fiber = pop_global(worker, RunQueue::kCapacity / 2)) return fiber;
    if (stop_.load(std::memory_order_relaxed)) return nullptr;
  }
  return nullptr;
}

bool Scheduler::work_visible() const noexcept {
  // runnext does not count: only its owner fills it, and the owner runs it.
  if (global_size_.load(std::memory_order_seq_cst) != 0) return true;
  for (const auto& worker : workers_) {
    if (!worker->queue.ring_empty()) return true;
  }
  return false;
}

void Scheduler::idle(Worker& worker) {
  // The watcher tells an idle worker from a stuck one by this flag.
  struct IdleFlag {
    explicit IdleFlag(Worker& w) : worker(w) {
      worker.idle_entries.fetch_add(1, std::memory_order_relaxed);
      worker.idle.store(true, std::memory_order_release);
    }
    ~IdleFlag() { worker.idle.store(false, std::memory_order_release); }
    Worker& worker;
  } flag(worker);
  bool polling = false;
  bool was_spinning = false;
  bool deadlock = false;
  {
    std::unique_lock<std::mutex> lock(idle_mutex_);
    // Count this worker idle before looking at the global queue: a foreign thread pushes
    // first and reads nidle_ second (wakep), so one of the two sees the other.
    const unsigned idle_now = nidle_.fetch_add(1) + 1;
    if (stop_.load() || global_size_.load() != 0) {
      nidle_.fetch_sub(1);
      return;
    }
    if (worker.spinning) {
      worker.spinning = false;
      was_spinning = true;
      nspinning_.fetch_sub(1);
    }
    if (idle_now == nthreads_ && config_.detect_deadlock && deadlocked_locked()) {
      nidle_.fetch_sub(1);
      deadlock = true;
    } else if (idle_now == nthreads_ && (timers_.size() != 0 || poller_.has_registrations()) &&
               !poller_busy_.exchange(true)) {
      // Only the last worker to go idle blocks in epoll_wait. While another is busy, that one
      // polls from its loop (every 61 ticks and whenever its queue runs dry); a thread blocked
      // in epoll_wait would wake for every event and take half the work with it.
      polling = true;
      poller_blocked_.store(true);
    } else {
      worker.wake_word.store(0, std::memory_order_relaxed);
      sleepers_.push_back(&worker);
    }
  }
  if (deadlock) {
    request_stop(RunStatus::deadlock,
                 describe_fibers("all fibers are asleep - deadlock!", /*parked_only=*/true),
                 nullptr);
    return;
  }
  if (was_spinning || polling) {
    // A producer that saw a spinner did not wake anyone; now that this worker stopped
    // spinning, look once more before sleeping (Go's findRunnable after dropping the P).
    store_load_barrier();
    if (work_visible()) {
      cancel_idle(worker, polling);
      return;
    }
  }
  if (polling) {
    std::int64_t timeout_ns = -1;
    if (std::optional<Clock::time_point> next = timers_.next_deadline()) {
      timeout_ns = std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::nanoseconds>(*next - Clock::now()).count());
    }
    const int events = stop_.load() ? 0 : poller_.wait(timeout_ns);
    {
      std::lock_guard<std::mutex> lock(idle_mutex_);
      nidle_.fetch_sub(1);
      poller_blocked_.store(false);
    }
    poller_.dispatch(events);
    run_due_timers();
    poller_busy_.store(false, std::memory_order_release);
    return;
  }
  sleep_or_watch(worker);
}

void Scheduler::sleep_or_watch(Worker& worker) {
  // One sleeper at a time is the watcher (Go's sysmon, without a thread of its own): it wakes
  // every period and takes over when a worker has been stuck in one fiber since its last
  // look, because fibers readied on that worker wake no one (see "Who wakes whom"). The
  // others sleep until woken; when the watcher leaves, it hands the role to one of them.
  bool watching = false;
  std::int64_t period = kWatchPeriodNs;
  for (;;) {
    std::uint32_t word = worker.wake_word.load(std::memory_order_acquire);
    if (word == kWakeWatch) {
      // A CAS, not a store: a wakep() may have replaced the word since, and must not be lost.
      if (!worker.wake_word.compare_exchange_strong(word, 0, std::memory_order_acq_rel)) continue;
      word = 0;
    }
    if (word != 0) {
      worker.wake_word.store(0, std::memory_order_relaxed);
      if (word == kWakeSpin) worker.spinning = true;  // wakep() counted us as spinning
      break;
    }
    if (!watching && nthreads_ > 1) {
      Worker* none = nullptr;
      watching = watcher_.compare_exchange_strong(none, &worker);
      if (watching) start_watching(worker);
    }
    if (!watching) {
      futex_wait(&worker.wake_word, 0);
      continue;
    }
    futex_wait_for(&worker.wake_word, 0, period);
    if (worker.wake_word.load(std::memory_order_acquire) != 0) continue;
    bool others_idle = false;
    if (worker_stuck(worker, others_idle)) {
      takeovers_.fetch_add(1, std::memory_order_relaxed);
      cancel_idle(worker, /*polling=*/false);  // leaves spinning, as if woken by wakep()
      break;
    }
    if (!others_idle && worker_saturated(worker, monotonic_ns())) {
      helpers_.fetch_add(1, std::memory_order_relaxed);
      cancel_idle(worker, /*polling=*/false);  // spinning: it steals from the saturated one
      break;
    }
    period = others_idle ? std::min(2 * period, kIdleWatchPeriodNs) : kWatchPeriodNs;
  }
  if (watching) pass_watch(worker);
}

void Scheduler::pass_watch(Worker& worker) {
  watcher_.store(nullptr, std::memory_order_release);
  Worker* heir = nullptr;
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    for (Worker* sleeper : sleepers_) {
      if (sleeper == &worker) continue;
      std::uint32_t expected = 0;
      // Only a sleeper nobody has woken yet: a set word already ends its sleep.
      if (sleeper->wake_word.compare_exchange_strong(expected, kWakeWatch,
                                                     std::memory_order_acq_rel)) {
        heir = sleeper;
        break;
      }
    }
  }
  if (heir != nullptr) futex_wake(&heir->wake_word);
}

void Scheduler::start_watching(Worker& watcher) noexcept {
  const std::int64_t now = monotonic_ns();
  for (unsigned i = 0; i < nthreads_; ++i) {
    watcher.watch_ticks[i] = workers_[i]->sched_tick.load(std::memory_order_relaxed);
    watcher.watch_idle_entries[i] = workers_[i]->idle_entries.load(std::memory_order_relaxed);
    watcher.busy_since_ns[i] = now;
  }
  watcher.saturated_cpu.reset();
}

bool Scheduler::worker_saturated(Worker& watcher, std::int64_t now_ns) {
  bool saturated = false;
  for (unsigned i = 0; i < nthreads_; ++i) {
    Worker& other = *workers_[i];
    if (&other == &watcher) continue;
    const std::uint32_t entries = other.idle_entries.load(std::memory_order_relaxed);
    if (other.idle.load(std::memory_order_acquire) || entries != watcher.watch_idle_entries[i]) {
      watcher.watch_idle_entries[i] = entries;
      watcher.busy_since_ns[i] = now_ns;
      continue;
    }
    // Fibers in the ring wait for this worker; runnext alone is its next hand-off, not a
    // backlog.
    saturated = saturated ||
                (now_ns - watcher.busy_since_ns[i] >= kSaturatedNs && !other.queue.ring_empty());
  }
  if (!saturated) {
    watcher.saturated_cpu.reset();
    return false;
  }
  if (assume_idle_cpu_.load(std::memory_order_relaxed)) return true;
  if (!watcher.saturated_cpu) {
    // Where /proc/stat cannot be read (no procfs), once a window, not at every look: no
    // helper ever comes there, as before this look existed.
    if (now_ns - watcher.saturated_cpu_at_ns < kIdleCpuWindowNs) return false;
    watcher.saturated_cpu = read_cpu_times();
    watcher.saturated_cpu_at_ns = now_ns;
    return false;
  }
  if (now_ns - watcher.saturated_cpu_at_ns < kIdleCpuWindowNs) return false;
  const std::optional<CpuTimes> now = read_cpu_times();
  const bool free_cpu = now && idle_cores(*watcher.saturated_cpu, *now) >= kIdleCpuCores;
  watcher.saturated_cpu = now;  // the next window starts here
  watcher.saturated_cpu_at_ns = now_ns;
  return free_cpu;
}

bool Scheduler::worker_stuck(Worker& watcher, bool& others_idle) noexcept {
  // Stuck: not idle, and no scheduling tick since the last look (one fiber, or one poller or
  // timer callback, has run for a whole period).
  bool stuck = false;
  bool waiting = false;  // a stuck worker's runnext holds a fiber
  others_idle = true;
  for (unsigned i = 0; i < nthreads_; ++i) {
    Worker& other = *workers_[i];
    if (&other == &watcher) continue;
    const std::uint32_t tick = other.sched_tick.load(std::memory_order_relaxed);
    const bool idle = other.idle.load(std::memory_order_acquire);
    others_idle = others_idle && idle;
    if (tick == watcher.watch_ticks[i] && !idle && !stop_.load(std::memory_order_relaxed)) {
      stuck = true;
      waiting = waiting || other.queue.runnext.load(std::memory_order_acquire) != nullptr;
    }
    watcher.watch_ticks[i] = tick;
  }
  // Worth taking over only if something may be waiting: queued fibers, fds or timers.
  return stuck && (waiting || work_visible() || poller_.has_registrations() || timers_.size() != 0);
}

void Scheduler::cancel_idle(Worker& worker, bool polling) {
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (polling) {
      nidle_.fetch_sub(1);
      poller_blocked_.store(false);
    } else {
      auto it = std::find(sleepers_.begin(), sleepers_.end(), &worker);
      if (it != sleepers_.end()) {
        sleepers_.erase(it);
        nidle_.fetch_sub(1);
      } else {
        // wakep() popped this worker already, decremented nidle_ and counted it spinning.
        const std::uint32_t word = worker.wake_word.exchange(0);
        if (word == kWakeSpin) worker.spinning = true;
      }
    }
  }
  if (polling) poller_busy_.store(false, std::memory_order_release);
  if (!worker.spinning) {
    worker.spinning = true;
    nspinning_.fetch_add(1);
  }
}

void Scheduler::wakep(bool fence) noexcept {
  // The fence pairs with idle()'s recheck: a spinner that stops spinning then looks at every
  // queue once more. Work pushed into the caller's own queue needs no fence — if no one sees
  // it, the caller runs it itself (Go's runqput + wakep has none on x86 either); work for the
  // global queue or a new timer does.
  if (fence) store_load_barrier();
  if (nspinning_.load() != 0 || nidle_.load() == 0) return;
  unsigned expected = 0;
  if (!nspinning_.compare_exchange_strong(expected, 1)) return;
  Worker* sleeper = nullptr;
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (!sleepers_.empty()) {
      sleeper = sleepers_.back();
      sleepers_.pop_back();
      nidle_.fetch_sub(1);
      sleeper->wake_word.store(kWakeSpin, std::memory_order_release);
    }
  }
  if (sleeper != nullptr) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    futex_wake(&sleeper->wake_word);
    return;
  }
  nspinning_.fetch_sub(1);
  // Nobody sleeps on a futex; the only idle worker is blocked in epoll_wait.
  if (poller_blocked_.load()) {
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    poller_.interrupt();
  }
}

void Scheduler::wake_all() noexcept {
  std::vector<Worker*> woken;
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    woken.swap(sleepers_);
    for (Worker* worker : woken) {
      nidle_.fetch_sub(1);
      worker->wake_word.store(kWakeStop, std::memory_order_release);
    }
  }
  for (Worker* worker : woken) futex_wake(&worker->wake_word);
  poller_.interrupt();
}

void Scheduler::dispatched_event() noexcept {
  Worker* worker = own_worker();
  if (worker == nullptr) return;
  ++worker->tick;
  worker->sched_tick.store(worker->tick, std::memory_order_relaxed);
}

void Scheduler::registration_added() noexcept {
  if (poller_blocked_.load()) return;   // epoll_ctl reaches a blocked epoll_wait directly
  if (own_worker() != nullptr) return;  // this worker polls, in its loop or once it goes idle
  wakep();                              // an idle worker becomes the poller
}

Worker* Scheduler::own_worker() const noexcept {
  Worker* worker = current_worker();
  return worker != nullptr && worker->scheduler == this ? worker : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Running a fiber and finishing its switch

void Scheduler::execute(Worker& worker, Fiber* fiber) {
  // No state change: kRunnable covers "queued" and "running" (one atomic less per switch); a
  // pending wake-up (kNotified) stays, and the fiber's next park() returns at once.
  for (;;) {
    worker.current = fiber;
    Fiber* last = switch_into(worker, fiber);
    worker.current = nullptr;
    if (last->switch_reason != Fiber::Switch::call) {
      finish_switch(worker, last);
      return;
    }
    // on_system_stack(): run the call here, on the loop's stack and off any fiber, then
    // resume the caller at once, on this thread.
    last->hook(last->hook_arg);
    fiber = last;
  }
}

void Scheduler::call_on_system_stack(Fiber* fiber, void (*fn)(void*), void* arg) {
  fiber->hook = fn;
  fiber->hook_arg = arg;
  fiber->switch_reason = Fiber::Switch::call;
  switch_out(fiber);  // to the loop, never straight into another fiber (see switch_out)
  fiber->hook = nullptr;
}

Fiber* Scheduler::take_next(Worker& worker) noexcept {
  if (stop_.load(std::memory_order_relaxed)) return nullptr;
  // The same tick find_runnable() would count; on the ticks where it checks the global queue,
  // the poller or the timers, let it.
  const std::uint32_t tick = worker.tick + 1;
  if (tick % kGlobalCheckTicks == 0) return nullptr;
  if (tick % kTimerCheckTicks == 0 && timers_.size() != 0) return nullptr;
  Fiber* next = pop_local(worker);
  if (next == nullptr) return nullptr;
  worker.tick = tick;
  worker.sched_tick.store(tick, std::memory_order_relaxed);
  return next;
}

void Scheduler::finish_switch(Worker& worker, Fiber* fiber) {
  switch (fiber->switch_reason) {
    case Fiber::Switch::park:
      finish_park(worker, fiber);
      break;
    case Fiber::Switch::yield: {
      if (fiber->requeue_global) {
        fiber->requeue_global = false;
        push_global(&fiber, 1);
      } else {
        push_local(worker, fiber);
      }
      break;
    }
    case Fiber::Switch::exit:
      release_fiber(worker, fiber);
      break;
    case Fiber::Switch::call:
      fatal("a fiber switched to another in on_system_stack()");  // execute() handles calls
  }
}

void Scheduler::finish_park(Worker& worker, Fiber* fiber) {
  // park-then-publish: the fiber is off its stack, so whoever takes the lock the hook releases
  // may resume it at once.
  if (fiber->hook != nullptr) run_unlock_hook(worker, fiber);
  std::uint32_t state = Fiber::kRunnable;
  if (fiber->state.compare_exchange_strong(state, Fiber::kParked, std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
    return;  // from here on the fiber belongs to whoever readies it
  }
  // ready() arrived while the fiber was switching out (state is kNotified): run it again, on
  // this worker, which is back in its loop (no wake-up, as for any readied fiber).
  fiber->state.store(Fiber::kRunnable, std::memory_order_relaxed);
  push_local(worker, fiber);
}

// ---------------------------------------------------------------------------------------------
// park / ready / yield / sleep

void Scheduler::park(Fiber* fiber, WaitReason reason, const void* object, void (*unlock)(void*),
                     void* arg) noexcept {
  // No locked instruction here: the fiber stays kRunnable until finish_park() publishes it
  // with a CAS, and a ready() arriving in between turns kRunnable into kNotified, which that
  // CAS sees. A plain load is enough to catch the wake-up that came before park().
  const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
  if (state != Fiber::kRunnable) {
    if (state != Fiber::kNotified) fatal("park() called by a fiber that is not running");
    // Woken before it parked: consume the wake-up and keep running. No ready() can race with
    // this store: the one for this park has arrived, and a second one is a misuse.
    fiber->state.store(Fiber::kRunnable, std::memory_order_relaxed);
    if (unlock != nullptr) unlock(arg);
    return;
  }
  fiber->wait_reason = reason;
  fiber->wait_object = object;
  fiber->hook = unlock;
  fiber->hook_arg = arg;
  fiber->switch_reason = Fiber::Switch::park;
  const bool wakeable = is_wakeable(reason);
  if (wakeable) wakeable_parked_.fetch_add(1);
  switch_out(fiber);
  if (wakeable) wakeable_parked_.fetch_sub(1);
  fiber->hook = nullptr;
}

void Scheduler::ready(Fiber* fiber) noexcept {
  std::uint32_t state = fiber->state.load(std::memory_order_acquire);
  for (;;) {
    switch (state) {
      case Fiber::kParked:
        if (fiber->state.compare_exchange_weak(state, Fiber::kRunnable,
                                               std::memory_order_acq_rel)) {
          enqueue(fiber, /*from_spawn=*/false);
          return;
        }
        break;
      case Fiber::kRunnable:  // queued, running, or in park() before finish_park()
        if (fiber->state.compare_exchange_weak(state, Fiber::kNotified,
                                               std::memory_order_acq_rel)) {
          return;  // whoever switches it next sees the note
        }
        break;
      case Fiber::kNotified:
        fatal("ready() called twice for one park");
      default:
        fatal("ready() called on a fiber that is not alive");
    }
  }
}

void Scheduler::share_backlog(Worker& worker) noexcept {
  if (!worker.queue.ring_empty()) wakep();
}

void Scheduler::yield(Fiber* fiber) {
  fiber->switch_reason = Fiber::Switch::yield;
  fiber->unwind_safe = true;
  switch_out(fiber);
  fiber->unwind_safe = false;
  if (fiber->unwinding) throw FiberUnwind{};
}

void Scheduler::sleep_until(Fiber* fiber, Clock::time_point deadline) {
  if (deadline <= Clock::now()) {
    yield(fiber);
    return;
  }
  struct Request {
    Scheduler* scheduler;
    Fiber* fiber;
    Clock::time_point deadline;
  } request{this, fiber, deadline};
  fiber->unwind_safe = true;
  // The timer is armed in the unlock hook, once the fiber is off its stack.
  park(
      fiber, WaitReason::sleep, nullptr,
      [](void* arg) {
        auto* r = static_cast<Request*>(arg);
        Fiber* sleeper = r->fiber;
        r->scheduler->add_timer(r->deadline, [sleeper] { sleeper->scheduler->ready(sleeper); });
      },
      &request);
  fiber->unwind_safe = false;
  if (fiber->unwinding) throw FiberUnwind{};
}

// ---------------------------------------------------------------------------------------------
// Timers and the poller

TimerId Scheduler::add_timer(Clock::time_point when, std::function<void()> fire) {
  bool earliest = false;
  const TimerId id = timers_.add(when, std::move(fire), &earliest);
  if (earliest) {
    if (poller_blocked_.load()) {
      poller_.interrupt();  // it sleeps until a later deadline
    } else if (own_worker() == nullptr) {
      wakep();  // make sure an idle worker becomes the poller; a worker runs timers itself
    }
  }
  return id;
}

bool Scheduler::cancel_timer(TimerId id) noexcept {
  return timers_.cancel(id);
}

void Scheduler::run_due_timers() {
  const Clock::time_point now = Clock::now();
  if (!timers_.due(now)) return;
  std::vector<std::function<void()>> due;
  timers_.take_due(now, due);
  for (auto& fire : due) fire();
}

void Scheduler::poll_io() {
  if (poller_busy_.exchange(true)) return;  // someone else holds the poller token
  const int events = poller_.wait(0);
  poller_.dispatch(events);
  poller_busy_.store(false, std::memory_order_release);
}

// ---------------------------------------------------------------------------------------------
// Deadlock detection, reports and shutdown

bool Scheduler::deadlocked_locked() const noexcept {
  // Every worker is idle. Nothing queued, no timer, no fd registration and no fiber parked on
  // something outside the fibers: no one can ever wake the parked fibers (Go's checkdead).
  return !stop_.load() && global_size_.load() == 0 && timers_.size() == 0 &&
         !poller_.has_registrations() && wakeable_parked_.load() == 0;
}

template <typename Fn>
void Scheduler::for_each_fiber(Fn&& fn) const {
  stacks_.for_each([&](const StackPool::Slot& slot) { fn(fiber_at(slot)); });
}

std::string Scheduler::describe_fibers(const char* heading, bool parked_only) const {
  std::vector<const Fiber*> fibers;
  for_each_fiber([&](const Fiber* fiber) {
    const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
    if (state == Fiber::kFree || state == Fiber::kAbandoned) return;
    if (parked_only && state != Fiber::kParked) return;
    fibers.push_back(fiber);
  });
  std::sort(fibers.begin(), fibers.end(),
            [](const Fiber* a, const Fiber* b) { return a->id < b->id; });
  std::string text = heading;
  text += '\n';
  for (const Fiber* fiber : fibers) {
    const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
    text += "  ";
    text += fiber_label(fiber);
    if (!fiber->started) {
      text += ": not started\n";
    } else if (state == Fiber::kParked) {
      text +=
          fmt::format(": waiting on {} ({})\n", to_string(fiber->wait_reason), fiber->wait_object);
    } else {
      text += ": runnable\n";
    }
  }
  return text;
}

void Scheduler::shutdown(Worker& worker) {
  // Every worker thread has exited; this thread acts as worker 0 for the unwinding.
  std::vector<Fiber*> live;
  for_each_fiber([&](Fiber* fiber) {
    const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
    if (state != Fiber::kFree && state != Fiber::kAbandoned) live.push_back(fiber);
  });
  {
    std::lock_guard<std::mutex> lock(result_mutex_);
    if (!live.empty() && config_.report_leaks && result_.status == RunStatus::completed) {
      result_.message = describe_fibers("fibers still alive when main returned:", false);
    }
  }
  // Nothing may fire into the fibers being torn down.
  timers_.clear();
  poller_.clear();
  for (auto& w : workers_) w->queue.clear();
  {
    std::lock_guard<std::mutex> lock(global_mutex_);
    global_queue_.clear();
    global_size_.store(0);
  }

  // Youngest first: a fiber usually waits on objects owned by the fiber that spawned it.
  std::sort(live.begin(), live.end(), [](Fiber* a, Fiber* b) { return a->id > b->id; });
  set_current_worker(&worker);
  std::size_t abandoned = 0;
  for (Fiber* fiber : live) {
    if (!fiber->started) {
      fiber->fn = nullptr;
      release_fiber(worker, fiber);
    } else if (fiber->unwind_safe) {
      // Suspended in yield(), sleep or an fd wait: resume it to throw FiberUnwind there.
      fiber->unwinding = true;
      fiber->state.store(Fiber::kRunnable, std::memory_order_relaxed);
      execute(worker, fiber);
    }
    const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
    if (state != Fiber::kFree) {
      // Parked inside a primitive (park() cannot throw) or blocked again while unwinding:
      // its frames are left as they are, its captures released, its stack never reused.
      fiber->fn = nullptr;
      fiber->state.store(Fiber::kAbandoned, std::memory_order_release);
      ++abandoned;
    }
  }
  set_current_worker(nullptr);
  timers_.clear();
  poller_.clear();
  for (auto& w : workers_) w->queue.clear();
  {
    std::lock_guard<std::mutex> lock(global_mutex_);
    global_queue_.clear();
    global_size_.store(0);
  }
  abandoned_ += abandoned;
  nidle_.store(0);
  nspinning_.store(0);
  sleepers_.clear();
  poller_busy_.store(false);
  poller_blocked_.store(false);
  wakeable_parked_.store(0);
}

RuntimeSnapshot Scheduler::snapshot() const {
  RuntimeSnapshot snapshot;
  for_each_fiber([&](const Fiber* fiber) {
    const std::uint32_t state = fiber->state.load(std::memory_order_acquire);
    if (state != Fiber::kFree && state != Fiber::kAbandoned) ++snapshot.live_fibers;
  });
  snapshot.timers = timers_.size();
  snapshot.watches = poller_.watch_count();
  snapshot.fd_waits = poller_.fd_wait_count();
  snapshot.stack_slots = stacks_.slot_count();
  snapshot.abandoned = abandoned_;
  snapshot.guard_uses_madvise = stacks_.guard_uses_madvise();
  snapshot.wakeups = wakeups_.load(std::memory_order_relaxed);
  snapshot.takeovers = takeovers_.load(std::memory_order_relaxed);
  snapshot.helpers = helpers_.load(std::memory_order_relaxed);
  return snapshot;
}

}  // namespace siteaudit::rt::detail
