// context.hpp — cancellation, deadlines and timeouts that flow down a tree, like Go's context.
//
// A Context is a cheap, copyable handle to a node in a cancellation tree. The root is
// background(); with_cancel / with_deadline / with_timeout derive children. Cancelling a node
// cancels its whole subtree; a deadline cancels the node when it passes. Every blocking call
// in this project takes a Context: workers stop taking jobs when it is done, in-flight HTTP
// transfers are aborted, and fibers waiting on done() wake up.
//
// Example:
//   auto [ctx, cancel] = rt::with_timeout(rt::background(), std::chrono::seconds(5));
//   rt::go([ctx] { for (;;) { if (ctx.err() != rt::ContextError::none) return; work(); } });
//   cancel();  // idempotent
//
// done() is a Receiver usable as a select case; it is closed when the context ends. err()
// says why: cancelled (a CancelFunc ran, here or on an ancestor) or deadline_exceeded (this
// node's deadline or an ancestor's passed). A child ends with its parent's cause.
//
// Lifetime: a node lives while a Context, a CancelFunc or a done() Receiver refers to it. A
// child keeps its parent alive; a parent refers to its children only while both are live and
// the child is not cancelled, so finished children never accumulate under a long-lived root.
// Deadlines use the runtime's timer heap: with_deadline / with_timeout need a running Runtime.
//
// Thread safety: all members may be called from any fiber or thread. wait() must be called
// from a fiber. A CancelFunc may run on a plain thread (a signal watcher), but the deadlock
// detector sees only fibers, timers and I/O: a run whose fibers all wait for such a thread
// must keep a timer or I/O watch pending, or it is reported as deadlocked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/detail/park.hpp"

namespace siteaudit::rt {

enum class ContextError : std::uint8_t { none, cancelled, deadline_exceeded };

const char* to_string(ContextError error) noexcept;

namespace detail {
struct ContextNode;
}

class Context {
 public:
  // Context() is background().
  Context();

  // err() returns none while the context is live, then why it ended.
  ContextError err() const noexcept;
  // is_done() is err() != none.
  bool is_done() const noexcept;
  // deadline() returns the earliest deadline of this node and its ancestors, if any.
  std::optional<Clock::time_point> deadline() const noexcept;
  // done() returns a receiver that is closed when the context ends. background()'s is a nil
  // channel: never ready, like Go's nil Done().
  Receiver<std::monostate> done() const;
  // wait() parks the calling fiber (WaitReason::context) until the context ends and returns
  // why. On background() it waits forever.
  ContextError wait() const;

  // CallbackId names a callback registered with on_done(); 0 means "ran immediately".
  using CallbackId = std::uint64_t;
  // on_done() runs `fn` once when the context ends (at once, on this thread, if it already
  // has). `fn` runs on whichever thread cancels; it must not block. Used by the poller and the
  // HTTP client to abort waits.
  CallbackId on_done(std::function<void()> fn) const;
  // remove_on_done() unregisters a callback; after it returns the callback is not running and
  // will not run. Returns false when the callback already ran.
  bool remove_on_done(CallbackId id) const noexcept;

  explicit Context(std::shared_ptr<detail::ContextNode> node) : node_(std::move(node)) {}

 private:
  std::shared_ptr<detail::ContextNode> node_;
  friend struct detail::ContextNode;
};

// CancelFunc cancels the context it came with; calling it again does nothing.
using CancelFunc = std::function<void()>;

// background() is the root context: never cancelled, no deadline.
Context background();
// with_cancel() derives a child that ends when the CancelFunc runs or the parent ends.
std::pair<Context, CancelFunc> with_cancel(const Context& parent);
// with_deadline() derives a child that also ends with deadline_exceeded at `deadline` (at once
// if it has passed). A parent deadline that comes first wins, as in Go.
std::pair<Context, CancelFunc> with_deadline(const Context& parent, Clock::time_point deadline);
// with_timeout() is with_deadline(parent, now + timeout).
std::pair<Context, CancelFunc> with_timeout(const Context& parent, Clock::duration timeout);

}  // namespace siteaudit::rt
