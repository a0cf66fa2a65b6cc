// timer.hpp — one-shot timers that deliver on a channel: Timer and after(), like Go's time.
//
// after(d) returns a Receiver that receives the current time once, `d` from now — the
// counterpart of Go's time.After, typically a select() case. A Timer is the same with a
// handle: stop() cancels it before it fires (Go's time.NewTimer / Timer.Stop), and a Timer
// stops itself when destroyed, so it never outlives the code that waits on it.
//
// The channel has capacity 1 and the timer sends with try_send, so firing never blocks the
// scheduler thread that runs it, whether or not anyone is still receiving. Timers come from
// the runtime's timer heap (detail::add_timer), which also keeps a runtime whose fibers only
// wait on timers from being declared deadlocked. A duration <= 0 (a deadline in the past)
// fires at once, without touching the heap. Sleeping is rt::sleep_for (runtime.hpp).
//
// Example:
//   rt::Channel<Result> results;
//   rt::select(rt::on_receive(results, [](std::optional<Result> r) { use(r); }),
//              rt::on_receive(rt::after(std::chrono::seconds(1)), [] { give_up(); }));
//
// Thread safety: after() and Timer's constructor need a running Runtime and may be called from
// any fiber or runtime thread. A Timer object is used by one fiber at a time; its channel may
// be received from anywhere.
#pragma once

#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/detail/park.hpp"

namespace siteaudit::rt {

class Timer {
 public:
  // Timer(d) / Timer(when) arm a timer that sends the time it fires at on channel().
  explicit Timer(Clock::duration d);
  explicit Timer(Clock::time_point when);
  // ~Timer() stops the timer if it has not fired.
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer(Timer&& other) noexcept;
  Timer& operator=(Timer&& other) noexcept;

  // channel() receives the firing time once; it is never closed.
  const Receiver<Clock::time_point>& channel() const noexcept { return receiver_; }
  // stop() prevents the timer from firing. It returns true if that call stopped the timer, and
  // false if the timer already fired (its value may be waiting in channel()) or was stopped.
  bool stop() noexcept;

 private:
  Receiver<Clock::time_point> receiver_;
  detail::TimerId id_ = 0;
};

// after() returns a receiver that gets the current time once, `d` from now (Go's time.After).
// The timer stays armed until it fires, even if nobody receives; use a Timer to stop early.
Receiver<Clock::time_point> after(Clock::duration d);

}  // namespace siteaudit::rt
