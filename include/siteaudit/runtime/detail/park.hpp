// park.hpp — the scheduler's park/ready protocol, for building blocking primitives.
//
// This is the one seam between the scheduler (src/runtime/) and everything that blocks a
// fiber: channels, select, WaitGroup, Mutex, Once, Context, timers, the poller and the net
// layer's HTTP client. It mirrors Go's gopark/goready:
//
//   * park(reason, object, unlock, arg) switches the current fiber out. Only once the fiber is
//     fully off its stack does the scheduler call unlock(arg) (park-then-publish, like gopark's
//     unlock hook), so a waker on another thread that takes the same lock can never resume a
//     fiber that is still running. park returns after someone calls ready() on the fiber.
//   * ready(f) makes a parked fiber runnable. Called from a fiber, the woken fiber goes to the
//     caller thread's runnext slot (hand-off); called from a timer/poller callback or a foreign
//     thread, it goes to a run queue and an idle thread is woken.
//
// Every park names what it waits on, so the deadlock detector can tell a fiber that no one
// can wake (channel, sync) from one that a timer or I/O event will wake.
//
// A ready() may also arrive before the fiber is fully parked — from the unlock hook, from a
// callback registered just before park(), even before park() was called: the scheduler notes
// it, and that park() returns at once. A second ready() for the same park aborts.
//
// Thread safety: ready() may be called from any thread, exactly once per park.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace siteaudit::rt {

using Clock = std::chrono::steady_clock;

namespace detail {

struct Fiber;  // opaque; owned by the scheduler

// WaitReason says what a parked fiber waits on. The first group can only be woken by another
// fiber (deadlock candidates); the second by a timer, I/O or a foreign thread.
enum class WaitReason : std::uint8_t {
  channel_send,
  channel_receive,
  select,
  wait_group,
  mutex,
  once,
  context,  // waiting on Context::done() alone
  // --- woken by something outside the fibers ---
  sleep,
  io,        // poller readiness (wait_readable / wait_writable)
  external,  // e.g. an HTTP transfer driven by poller callbacks
};

// to_string() names a wait reason as the deadlock and leak reports print it.
const char* to_string(WaitReason reason) noexcept;

// current_fiber() returns the running fiber, or nullptr when called off a fiber.
// Never cache it across a suspension point on another fiber's behalf.
Fiber* current_fiber() noexcept;

// park() blocks the running fiber until ready() is called on it; see the file comment.
// `object` is what it waits on (a channel, a WaitGroup) and is printed by the deadlock report.
// Aborts with a message when called off a fiber.
void park(WaitReason reason, const void* object, void (*unlock)(void*), void* arg) noexcept;

// ready() makes a fiber parked by park() runnable again. Exactly once per park.
void ready(Fiber* fiber) noexcept;

// on_system_stack() runs fn(arg) on the current thread's own stack, outside any fiber, and
// returns when it is done (Go's systemstack). Called from a fiber, the fiber switches to its
// worker's scheduler loop, which calls fn and resumes the fiber on the same thread at once;
// called off a fiber, it just calls fn. For work with deep call chains that any fiber may end
// up doing, such as driving libcurl: run on fiber stacks, it touched 10-30 KB of every one of
// them, which stays resident for the fiber's life. fn runs as scheduler code does in a poller
// callback: it must not block or park, and a ready() from it queues the woken fiber.
void on_system_stack(void (*fn)(void*), void* arg);

// TimerId names a timer registered with add_timer(); 0 is never a valid id.
using TimerId = std::uint64_t;

// add_timer() runs `fire` once, on a scheduler thread outside any fiber, at or after `when`.
// `fire` must not block; it typically calls ready(). Timers are what keep a runtime with only
// sleeping fibers from being declared deadlocked. Requires a running Runtime.
TimerId add_timer(Clock::time_point when, std::function<void()> fire);

// cancel_timer() removes a timer that has not fired yet and returns true; returns false when it
// already fired (or is firing), in which case `fire` runs or has run exactly once.
bool cancel_timer(TimerId id) noexcept;

}  // namespace detail
}  // namespace siteaudit::rt
