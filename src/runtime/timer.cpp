// timer.cpp — Timer and after(): a capacity-1 channel fed by the runtime's timer heap.
#include "siteaudit/runtime/timer.hpp"

#include <utility>

namespace siteaudit::rt {
namespace {

// arm() registers a timer that sends the firing time on `channel`, or sends it at once when
// `when` is already past. Returns the heap id, or 0 when nothing was registered.
detail::TimerId arm(const Channel<Clock::time_point>& channel, Clock::time_point when) {
  const Clock::time_point now = Clock::now();
  if (when <= now) {
    (void)channel.try_send(Clock::time_point(now));  // capacity 1, first send: always success
    return 0;
  }
  // The callback owns a handle, so the channel outlives the Timer if the callback is running
  // when the Timer is destroyed; try_send never parks, as a timer callback must not block.
  return detail::add_timer(when, [channel] { (void)channel.try_send(Clock::now()); });
}

}  // namespace

Timer::Timer(Clock::duration d) : Timer(Clock::now() + d) {}

Timer::Timer(Clock::time_point when) {
  Channel<Clock::time_point> channel(1, "timer");
  receiver_ = channel;
  id_ = arm(channel, when);
}

Timer::~Timer() {
  stop();
}

Timer::Timer(Timer&& other) noexcept
    : receiver_(std::move(other.receiver_)), id_(std::exchange(other.id_, 0)) {}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    stop();
    receiver_ = std::move(other.receiver_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

bool Timer::stop() noexcept {
  if (id_ == 0) return false;
  return detail::cancel_timer(std::exchange(id_, 0));
}

Receiver<Clock::time_point> after(Clock::duration d) {
  Channel<Clock::time_point> channel(1, "after");
  arm(channel, Clock::now() + d);
  return channel;
}

}  // namespace siteaudit::rt
