// select.hpp — wait on several channel operations at once, like Go's select statement.
//
// select(cases...) blocks until one of its cases can proceed, performs that one operation,
// runs its handler, and returns the case's index (0-based, in argument order). Cases:
//
//   on_receive(ch, fn)      receive from a Channel/Receiver. fn takes std::optional<T> (empty
//                           when the channel is closed and drained: Go's `v, ok := <-ch`), or
//                           T (a default T when closed: Go's `v := <-ch`), or nothing.
//   on_send(ch, value, fn)  send `value` on a Channel/Sender, then call fn(). The case holds
//                           `value` (moved in when the case is built, as Go evaluates it on
//                           entering the select); it is dropped if another case is chosen.
//   on_timeout(d, fn)       chosen when nothing else became ready within d (Go's
//                           `case <-time.After(d)`); fn takes nothing or the firing time.
//   otherwise(fn)           Go's `default`: chosen at once when no other case is ready, which
//                           makes the select non-blocking.
//
// The handler is optional for every case. When several cases are ready, one is picked
// uniformly at random (Go's fairness rule). A closed channel is always ready to receive from,
// so a select whose receive cases are all closed picks one of them; sending on a closed
// channel aborts, as in Go. Nil Senders/Receivers are never ready (use them to switch a case
// off); select() with no cases parks forever.
//
// Example (the worker loop of the Go article):
//   for (bool running = true; running;) {
//     rt::select(rt::on_receive(ctx.done(), [&] { running = false; }),
//                rt::on_receive(jobs, [&](std::optional<Job> job) {
//                  if (!job) { running = false; return; }
//                  handle(*job);
//                }));
//   }
//
// Implementation: Go's selectgo. Lock every channel in address order, poll the cases in a
// random order, else queue one waiter per case and park; the first waker to win the shared
// SelectState completes its case; then the other waiters are dequeued. Case objects (and
// their waiters) live in the caller's frame: no allocation, except the timer of on_timeout.
//
// Thread safety: a select may involve channels shared with any number of fibers on any
// threads. Case objects are built inside the select() call; do not keep them around.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/timer.hpp"

namespace siteaudit::rt {
namespace detail {

// SelectCase is the type-erased part of a case that select_cases() works on.
struct SelectCase {
  enum class Kind : std::uint8_t { send, receive, otherwise };

  SelectCase(Kind kind_in, ChannelCore* core_in, bool (*poll_in)(SelectCase*, Fiber**))
      : kind(kind_in), core(core_in), poll(poll_in) {}
  SelectCase(const SelectCase&) = delete;
  SelectCase& operator=(const SelectCase&) = delete;

  Kind kind;
  ChannelCore* core;                   // null for a nil channel and for otherwise()
  bool (*poll)(SelectCase*, Fiber**);  // completes the case now if it can; core is locked
  ChannelWaiter waiter;                // queued on core while the select is parked
};

// select_cases() is Go's selectgo over `cases[0..n)`; `scratch` has room for 2 * n indices.
// It returns the index of the completed case. Aborts if more than one case is otherwise().
std::size_t select_cases(SelectCase* const* cases, std::size_t n, std::uint16_t* scratch);

struct NoHandler {
  void operator()() const noexcept {}
};

template <typename T, typename F>
void invoke_receive_handler(F& fn, std::optional<T>&& value) {
  if constexpr (std::is_invocable_v<F&, std::optional<T>&&>) {
    fn(std::move(value));
  } else if constexpr (std::is_invocable_v<F&>) {
    fn();
  } else if constexpr (std::is_invocable_v<F&, T&&>) {
    static_assert(std::is_default_constructible_v<T>,
                  "on_receive: a handler taking T needs a default T for a closed channel; "
                  "take std::optional<T> instead");
    fn(value.has_value() ? std::move(*value) : T{});
  } else {
    static_assert(std::is_invocable_v<F&>,
                  "on_receive handler must take std::optional<T>, T, or nothing");
  }
}

template <typename T, typename F>
class ReceiveCase : public SelectCase {
 public:
  ReceiveCase(ChannelState<T>* state, F fn)
      : SelectCase(Kind::receive, state, &poll_impl), state_(state), fn_(std::move(fn)) {
    waiter.slot = &value_;
  }
  void run() { invoke_receive_handler<T>(fn_, std::move(value_)); }

 private:
  static bool poll_impl(SelectCase* base, Fiber** wake) {
    auto* self = static_cast<ReceiveCase*>(base);
    return self->state_->poll_receive_locked(self->value_, wake);
  }
  ChannelState<T>* state_;
  std::optional<T> value_;
  F fn_;
};

template <typename T, typename F>
class SendCase : public SelectCase {
 public:
  template <typename U>
  SendCase(ChannelState<T>* state, U&& value, F fn)
      : SelectCase(Kind::send, state, &poll_impl),
        state_(state),
        value_(std::forward<U>(value)),
        fn_(std::move(fn)) {
    waiter.slot = &value_;
  }
  void run() { fn_(); }

 private:
  static bool poll_impl(SelectCase* base, Fiber** wake) {
    auto* self = static_cast<SendCase*>(base);
    return self->state_->poll_send_locked(self->value_, wake);
  }
  ChannelState<T>* state_;
  T value_;
  F fn_;
};

template <typename F>
class TimeoutCase : public SelectCase {
 public:
  TimeoutCase(Clock::duration d, F fn)
      : SelectCase(Kind::receive, nullptr, &poll_impl), timer_(d), fn_(std::move(fn)) {
    state_ = ChannelAccess::state(timer_.channel());
    core = state_;
    waiter.slot = &value_;
  }
  void run() { invoke_receive_handler<Clock::time_point>(fn_, std::move(value_)); }

 private:
  static bool poll_impl(SelectCase* base, Fiber** wake) {
    auto* self = static_cast<TimeoutCase*>(base);
    return self->state_->poll_receive_locked(self->value_, wake);
  }
  Timer timer_;  // stopped when the select returns, so a won select leaves no timer behind
  ChannelState<Clock::time_point>* state_;
  std::optional<Clock::time_point> value_;
  F fn_;
};

template <typename F>
class DefaultCase : public SelectCase {
 public:
  explicit DefaultCase(F fn) : SelectCase(Kind::otherwise, nullptr, nullptr), fn_(std::move(fn)) {}
  void run() { fn_(); }

 private:
  F fn_;
};

}  // namespace detail

// on_receive() is a select case receiving from `channel`; see the file comment for `fn`.
template <typename T, typename F = detail::NoHandler>
detail::ReceiveCase<T, std::decay_t<F>> on_receive(const Receiver<T>& channel, F&& fn = {}) {
  return {detail::ChannelAccess::state(channel), std::forward<F>(fn)};
}
template <typename T, typename F = detail::NoHandler>
detail::ReceiveCase<T, std::decay_t<F>> on_receive(const Channel<T>& channel, F&& fn = {}) {
  return {detail::ChannelAccess::state(channel), std::forward<F>(fn)};
}

// on_send() is a select case sending `value` on `channel`, then calling fn().
template <typename T, typename U, typename F = detail::NoHandler>
requires std::is_constructible_v<T, U&&> detail::SendCase<T, std::decay_t<F>> on_send(
    const Sender<T>& channel, U&& value, F&& fn = {}) {
  return {detail::ChannelAccess::state(channel), std::forward<U>(value), std::forward<F>(fn)};
}
template <typename T, typename U, typename F = detail::NoHandler>
requires std::is_constructible_v<T, U&&> detail::SendCase<T, std::decay_t<F>> on_send(
    const Channel<T>& channel, U&& value, F&& fn = {}) {
  return {detail::ChannelAccess::state(channel), std::forward<U>(value), std::forward<F>(fn)};
}

// on_timeout() is a select case chosen when no other case is ready within `d`. The timer is
// armed when the case is built (as Go evaluates time.After on entering the select).
template <typename F = detail::NoHandler>
detail::TimeoutCase<std::decay_t<F>> on_timeout(Clock::duration d, F&& fn = {}) {
  return {d, std::forward<F>(fn)};
}

// otherwise() is Go's `default` case: chosen when no other case is ready right away.
template <typename F = detail::NoHandler>
detail::DefaultCase<std::decay_t<F>> otherwise(F&& fn = {}) {
  return detail::DefaultCase<std::decay_t<F>>(std::forward<F>(fn));
}

// select() performs exactly one ready case, runs its handler and returns its index; see the
// file comment. Must be called from a fiber unless it has an otherwise() case.
template <typename... Cases>
std::size_t select(Cases&&... cases) {
  constexpr std::size_t kCount = sizeof...(Cases);
  static_assert((std::is_base_of_v<detail::SelectCase, std::remove_cvref_t<Cases>> && ...),
                "select() takes on_receive, on_send, on_timeout and otherwise cases");
  static_assert(kCount < 0x8000, "too many select cases");
  if constexpr (kCount == 0) {
    detail::park_forever(detail::WaitReason::select);  // Go's `select {}`
  }
  std::array<detail::SelectCase*, kCount> erased{static_cast<detail::SelectCase*>(&cases)...};
  std::array<std::uint16_t, 2 * kCount> scratch;
  const std::size_t chosen = detail::select_cases(erased.data(), kCount, scratch.data());
  std::size_t index = 0;
  ((index++ == chosen ? cases.run() : void()), ...);
  return chosen;
}

}  // namespace siteaudit::rt
