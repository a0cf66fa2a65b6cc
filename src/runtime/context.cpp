// context.cpp — the cancellation tree behind Context.
//
// Each derived context is a ContextNode. A node links itself into its parent's intrusive list
// of children (under the parent's lock) and unlinks itself when it is cancelled or destroyed.
// Cancelling a node: set err, close the done channel, run the on_done callbacks one by one,
// cancel the children with the same cause, unlink from the parent. Locks are never nested:
// a node collects strong references to its children under its own lock, releases it, and only
// then cancels them (each child then takes its own lock, and its parent's to unlink).
#include "siteaudit/runtime/context.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <thread>
#include <utility>
#include <vector>

#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::rt {

const char* to_string(ContextError error) noexcept {
  switch (error) {
    case ContextError::none:
      return "none";
    case ContextError::cancelled:
      return "cancelled";
    case ContextError::deadline_exceeded:
      return "deadline exceeded";
  }
  return "unknown";
}

namespace detail {
namespace {

std::atomic<Context::CallbackId> next_callback_id{1};

void pause_briefly() {
  if (current_fiber() != nullptr) {
    yield();
  } else {
    sched_yield();
  }
}

}  // namespace

struct ContextNode : std::enable_shared_from_this<ContextNode> {
  ContextNode(std::shared_ptr<ContextNode> parent_in, std::optional<Clock::time_point> deadline_in)
      : parent(std::move(parent_in)), deadline(deadline_in) {}

  ~ContextNode() {
    if (timer != 0) cancel_timer(timer);
    unlink_from_parent();
  }

  bool is_background() const noexcept { return parent == nullptr; }

  // of() reaches the node behind a handle (ContextNode is Context's friend).
  static const std::shared_ptr<ContextNode>& of(const Context& context) noexcept {
    return context.node_;
  }

  // unlink_from_parent() ends this node's membership in its parent's list. background() keeps
  // no list, and skipping it keeps every worker's short-lived contexts off its lock.
  void unlink_from_parent() {
    if (parent != nullptr && !parent->is_background()) parent->unlink(this);
  }

  // link() adds `child` to this node's children, or returns false when this node has already
  // ended (the caller then cancels the child with err).
  bool link(ContextNode* child) {
    lock.lock();
    if (err.load(std::memory_order_relaxed) != ContextError::none) {
      lock.unlock();
      return false;
    }
    child->prev_sibling = nullptr;
    child->next_sibling = first_child;
    if (first_child != nullptr) first_child->prev_sibling = child;
    first_child = child;
    child->linked = true;
    lock.unlock();
    return true;
  }

  void unlink(ContextNode* child) {
    lock.lock();
    unlink_locked(child);
    lock.unlock();
  }

  void unlink_locked(ContextNode* child) {
    if (!child->linked) return;
    child->linked = false;
    if (child->prev_sibling != nullptr) {
      child->prev_sibling->next_sibling = child->next_sibling;
    } else {
      first_child = child->next_sibling;
    }
    if (child->next_sibling != nullptr) child->next_sibling->prev_sibling = child->prev_sibling;
  }

  void cancel(ContextError why, bool from_own_timer) {
    lock.lock();
    if (err.load(std::memory_order_relaxed) != ContextError::none) {
      lock.unlock();
      return;
    }
    err.store(why, std::memory_order_release);
    const TimerId pending_timer = std::exchange(timer, 0);
    // Children whose last reference is being dropped right now cannot be locked; they are
    // unlinked here and their destructor finds nothing to do.
    std::vector<std::shared_ptr<ContextNode>> children;
    while (first_child != nullptr) {
      ContextNode* child = first_child;
      unlink_locked(child);
      if (auto strong = child->weak_from_this().lock()) children.push_back(std::move(strong));
    }
    lock.unlock();

    // A timer callback must not cancel its own timer (it is firing); any other path removes
    // the deadline timer so a cancelled context leaves nothing in the heap.
    if (pending_timer != 0 && !from_own_timer) cancel_timer(pending_timer);
    done_channel.close();
    run_callbacks();
    for (const auto& child : children) child->cancel(why, false);
    unlink_from_parent();
  }

  // run_callbacks() runs the registered callbacks one at a time, in registration order,
  // publishing which one runs so that remove_on_done() can wait for it to finish. Each is found
  // by id, not by position: a removal while one runs may compact the vector.
  void run_callbacks() {
    lock.lock();
    Context::CallbackId after = 0;
    for (;;) {
      auto next =
          std::upper_bound(callbacks.begin(), callbacks.end(), after,
                           [](Context::CallbackId id, const Callback& c) { return id < c.id; });
      while (next != callbacks.end() && !next->fn) ++next;
      if (next == callbacks.end()) break;
      after = next->id;
      std::function<void()> fn = std::exchange(next->fn, nullptr);
      ++removed_callbacks;
      running_callback = after;
      running_thread = std::this_thread::get_id();
      lock.unlock();
      fn();
      lock.lock();
      running_callback = 0;
    }
    callbacks.clear();
    removed_callbacks = 0;
    lock.unlock();
  }

  Context::CallbackId add_callback(std::function<void()> fn) {
    // background() never ends: keeping its callbacks would only accumulate them.
    if (is_background()) return next_callback_id.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    if (err.load(std::memory_order_relaxed) == ContextError::none) {
      // Numbered under the lock, so `callbacks` stays sorted by id.
      const Context::CallbackId id = next_callback_id.fetch_add(1, std::memory_order_relaxed);
      callbacks.push_back({id, std::move(fn)});
      lock.unlock();
      return id;
    }
    lock.unlock();
    fn();
    return 0;
  }

  bool remove_callback(Context::CallbackId id) {
    if (is_background()) return id != 0;
    for (;;) {
      lock.lock();
      auto found = std::lower_bound(
          callbacks.begin(), callbacks.end(), id,
          [](const Callback& c, Context::CallbackId wanted) { return c.id < wanted; });
      if (found != callbacks.end() && found->id == id && found->fn) {
        found->fn = nullptr;
        ++removed_callbacks;
        drop_removed_callbacks();
        lock.unlock();
        return true;
      }
      // Wait while another thread runs it; from inside the callback itself, just return.
      const bool running_elsewhere =
          running_callback == id && running_thread != std::this_thread::get_id();
      lock.unlock();
      if (!running_elsewhere) return false;
      pause_briefly();
    }
  }

  // drop_removed_callbacks() pops removed entries off the back (a fetch that ends removes the
  // newest) and compacts once more than half are removed, so a removal costs O(log n)
  // amortised even with thousands registered (one per fetch in flight on a shared context).
  void drop_removed_callbacks() {
    while (!callbacks.empty() && !callbacks.back().fn) {
      callbacks.pop_back();
      --removed_callbacks;
    }
    if (removed_callbacks * 2 > callbacks.size()) {
      std::erase_if(callbacks, [](const Callback& c) { return !c.fn; });
      removed_callbacks = 0;
    }
  }

  const std::shared_ptr<ContextNode> parent;        // null only for background()
  const std::optional<Clock::time_point> deadline;  // the earliest of this node's and ancestors'
  std::atomic<ContextError> err{ContextError::none};
  ChannelState<std::monostate> done_channel{0, "context.done"};

  SpinLock lock;  // guards everything below, and the sibling links of this node's children
  ContextNode* first_child = nullptr;
  ContextNode* prev_sibling = nullptr;  // guarded by parent->lock
  ContextNode* next_sibling = nullptr;  // guarded by parent->lock
  bool linked = false;                  // guarded by parent->lock
  // In registration order, so sorted by id. A vector, not a map: every fetch registers one and
  // removes it again, and a map node was an allocation each time. A removed entry keeps its
  // place with an empty `fn` until drop_removed_callbacks() compacts: erasing from the middle
  // shifted the rest, O(n) per fetch with 10,000 fetches on one context.
  struct Callback {
    Context::CallbackId id;
    std::function<void()> fn;  // empty once removed or taken to run
  };
  std::vector<Callback> callbacks;
  std::size_t removed_callbacks = 0;  // entries of `callbacks` whose fn is empty
  Context::CallbackId running_callback = 0;
  std::thread::id running_thread;
  TimerId timer = 0;
};

namespace {

const std::shared_ptr<ContextNode>& background_node() {
  static const std::shared_ptr<ContextNode> node =
      std::make_shared<ContextNode>(nullptr, std::nullopt);
  return node;
}

void unlock_nothing(void*) noexcept {}

// derive() makes a child of `parent` with the given effective deadline and links it.
std::shared_ptr<ContextNode> derive(const std::shared_ptr<ContextNode>& parent,
                                    std::optional<Clock::time_point> deadline) {
  auto child = std::make_shared<ContextNode>(parent, deadline);
  // background() is never cancelled, so its children need no link (and no contention on it).
  if (!parent->is_background() && !parent->link(child.get())) {
    child->cancel(parent->err.load(std::memory_order_acquire), false);
  }
  return child;
}

CancelFunc cancel_func(const std::shared_ptr<ContextNode>& node) {
  return [node] { node->cancel(ContextError::cancelled, false); };
}

}  // namespace
}  // namespace detail

Context::Context() : node_(detail::background_node()) {}

ContextError Context::err() const noexcept {
  return node_->err.load(std::memory_order_acquire);
}

bool Context::is_done() const noexcept {
  return err() != ContextError::none;
}

std::optional<Clock::time_point> Context::deadline() const noexcept {
  return node_->deadline;
}

Receiver<std::monostate> Context::done() const {
  if (node_->is_background()) return {};
  // Aliasing constructor: the receiver shares ownership of the node that embeds the channel.
  return Receiver<std::monostate>(
      std::shared_ptr<detail::ChannelState<std::monostate>>(node_, &node_->done_channel));
}

ContextError Context::wait() const {
  if (node_->is_background()) {
    detail::park(detail::WaitReason::context, node_.get(), detail::unlock_nothing, nullptr);
  }
  // A receive on the done channel that parks with WaitReason::context rather than
  // channel_receive, so the deadlock report says the fiber waits on a context. Nobody sends
  // on done_channel; only close() wakes the waiter.
  detail::ChannelState<std::monostate>& done = node_->done_channel;
  done.lock.lock();
  if (!done.closed) {
    std::optional<std::monostate> slot;
    detail::ChannelWaiter self;
    self.fiber = detail::current_fiber();
    self.slot = &slot;
    done.receivers.push(&self);
    detail::park(detail::WaitReason::context, node_.get(), detail::SpinLock::unlock_hook,
                 &done.lock);
  } else {
    done.lock.unlock();
  }
  return err();
}

Context::CallbackId Context::on_done(std::function<void()> fn) const {
  return node_->add_callback(std::move(fn));
}

bool Context::remove_on_done(CallbackId id) const noexcept {
  return node_->remove_callback(id);
}

Context background() {
  return Context(detail::background_node());
}

std::pair<Context, CancelFunc> with_cancel(const Context& parent) {
  const auto& parent_node = detail::ContextNode::of(parent);
  auto node = detail::derive(parent_node, parent_node->deadline);
  return {Context(node), detail::cancel_func(node)};
}

std::pair<Context, CancelFunc> with_deadline(const Context& parent, Clock::time_point deadline) {
  const auto& parent_node = detail::ContextNode::of(parent);
  const auto& parent_deadline = parent_node->deadline;
  if (parent_deadline.has_value() && *parent_deadline <= deadline) {
    return with_cancel(parent);  // the parent's earlier deadline ends the child first
  }
  auto node = detail::derive(parent_node, deadline);
  if (Clock::now() >= deadline) {
    node->cancel(ContextError::deadline_exceeded, false);
  } else if (node->err.load(std::memory_order_acquire) == ContextError::none) {
    // The timer holds a weak reference: a context dropped before its deadline is freed at
    // once, and its destructor removes the timer.
    std::weak_ptr<detail::ContextNode> weak = node;
    const detail::TimerId id = detail::add_timer(deadline, [weak] {
      if (auto strong = weak.lock()) strong->cancel(ContextError::deadline_exceeded, true);
    });
    node->lock.lock();
    // If the deadline already fired (or a cancel ran) the context has ended and the id is
    // stale; cancel_timer on it is harmless, but recording it is unnecessary.
    if (node->err.load(std::memory_order_relaxed) == ContextError::none) node->timer = id;
    node->lock.unlock();
  }
  return {Context(node), detail::cancel_func(node)};
}

std::pair<Context, CancelFunc> with_timeout(const Context& parent, Clock::duration timeout) {
  return with_deadline(parent, Clock::now() + timeout);
}

}  // namespace siteaudit::rt
