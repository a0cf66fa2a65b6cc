// channel.hpp — typed channels between fibers, with Go's semantics.
//
// A Channel<T> carries values between fibers. An unbuffered channel (capacity 0) is a
// rendezvous: send() parks until a receiver takes the value. A buffered channel holds up to
// `capacity` values; send() parks only while it is full. close() says "no more values":
// receivers drain what is buffered and then see the channel closed, and every parked fiber
// wakes up. Sending on a closed channel and closing twice are programming errors and abort
// with a message naming the channel, as Go panics.
//
// Channel<T> is a handle, like Go's `chan T`: copies refer to the same channel, which lives
// as long as any handle (Channel, Sender, Receiver) refers to it. Sender<T> and Receiver<T>
// are the directional views (Go's `chan<- T` and `<-chan T`): a Sender cannot receive and a
// Receiver can neither send nor close — it does not compile. A default-constructed Sender or
// Receiver is a nil channel: operations on it block forever and select() never picks it.
//
// Example:
//   rt::Channel<Job> jobs(64, "jobs");
//   rt::go([tx = rt::Sender<Job>(jobs), &urls] {
//     for (auto& u : urls) tx.send(Job{u});
//     tx.close();
//   });
//   for (Job job : jobs) check(job);  // ends when jobs is closed and drained
//
// A value handed to a parked receiver is moved straight into the receiver's slot and the
// receiver is made runnable in the sender's runnext slot (Go's direct hand-off), so a
// ping-pong costs two fiber switches and no allocation. Move-only T works.
//
// Thread safety: every member may be called from any fiber on any thread. Blocking calls
// (send, receive, range-for) must run on a fiber; try_send, try_receive, close, size and
// capacity work from any thread, including timer and poller callbacks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::rt {

// ChannelStatus is the outcome of a non-blocking channel operation.
enum class ChannelStatus : std::uint8_t {
  success,  // the value was sent or received
  empty,    // try_receive: nothing to receive right now
  full,     // try_send: no room and no receiver waiting right now
  closed,   // try_receive: the channel is closed and drained
};

const char* to_string(ChannelStatus status) noexcept;

template <typename T>
class Channel;
template <typename T>
class Sender;
template <typename T>
class Receiver;

namespace detail {

// SelectState is shared by the waiters of one select(): the first waker to swap `winner` from
// -1 to its waiter's case index completes that case; wakers that lose skip the waiter.
struct SelectState {
  std::atomic<int> winner{-1};
};

// ChannelWaiter is Go's sudog: the record of a fiber parked on a channel. It lives on the
// parked fiber's stack (no allocation per operation) and is linked into the channel's queue
// while the fiber waits. Every field is guarded by the lock of the channel it is queued on.
struct ChannelWaiter {
  Fiber* fiber = nullptr;
  void* slot = nullptr;  // receive: std::optional<T>* to fill; send: T* to move from
  SelectState* select = nullptr;
  int case_index = 0;
  bool success = false;  // true: a value moved; false: woken by close()
  bool queued = false;
  ChannelWaiter* prev = nullptr;
  ChannelWaiter* next = nullptr;
};

// WaiterQueue is a FIFO of ChannelWaiters (Go's waitq).
class WaiterQueue {
 public:
  bool empty() const noexcept { return head_ == nullptr; }

  void push(ChannelWaiter* waiter) noexcept {
    waiter->queued = true;
    waiter->next = nullptr;
    waiter->prev = tail_;
    if (tail_ != nullptr) {
      tail_->next = waiter;
    } else {
      head_ = waiter;
    }
    tail_ = waiter;
  }

  // remove() unlinks `waiter`; a no-op when a waker has already dequeued it.
  void remove(ChannelWaiter* waiter) noexcept {
    if (!waiter->queued) return;
    waiter->queued = false;
    (waiter->prev != nullptr ? waiter->prev->next : head_) = waiter->next;
    (waiter->next != nullptr ? waiter->next->prev : tail_) = waiter->prev;
  }

  // claim() dequeues the first waiter that may be completed: a plain send/receive, or a
  // select() case whose select nobody has won yet (this call wins it). Waiters of selects
  // already won by another case are dropped, like Go's waitq.dequeue.
  ChannelWaiter* claim() noexcept {
    while (ChannelWaiter* waiter = head_) {
      remove(waiter);
      if (waiter->select != nullptr) {
        int expected = -1;
        if (!waiter->select->winner.compare_exchange_strong(expected, waiter->case_index,
                                                            std::memory_order_acq_rel,
                                                            std::memory_order_relaxed)) {
          continue;
        }
      }
      return waiter;
    }
    return nullptr;
  }

 private:
  ChannelWaiter* head_ = nullptr;
  ChannelWaiter* tail_ = nullptr;
};

// ChannelCore is the part of a channel that does not depend on T: the lock, the two waiter
// queues and the closed flag. select() works on it.
struct ChannelCore {
  ChannelCore(std::size_t capacity_in, std::string name_in)
      : capacity(capacity_in), name(std::move(name_in)) {}
  ChannelCore(const ChannelCore&) = delete;
  ChannelCore& operator=(const ChannelCore&) = delete;

  // close() closes the channel and wakes every parked fiber; see Channel::close().
  void close();
  // fatal() aborts with `what` and the channel's name and address.
  [[noreturn]] void fatal(const char* what) const noexcept;

  SpinLock lock;
  WaiterQueue receivers;  // parked receivers; non-empty only while the buffer is empty
  WaiterQueue senders;    // parked senders; non-empty only while the buffer is full
  const std::size_t capacity;
  std::size_t count = 0;  // buffered values
  bool closed = false;
  const std::string name;
};

// park_forever() parks on a nil channel: nothing can wake the fiber (Go blocks forever).
[[noreturn]] void park_forever(WaitReason reason);

// ChannelState<T> is the channel proper: ChannelCore plus the ring buffer of T.
template <typename T>
class ChannelState final : public ChannelCore {
 public:
  ChannelState(std::size_t capacity_in, std::string name_in)
      : ChannelCore(capacity_in, std::move(name_in)),
        buffer_(capacity_in > 0 ? std::allocator<T>().allocate(capacity_in) : nullptr) {}

  ~ChannelState() {
    while (count > 0) pop_front();
    if (buffer_ != nullptr) std::allocator<T>().deallocate(buffer_, capacity);
  }

  void send(T& value) {
    lock.lock();
    Fiber* wake = nullptr;
    if (poll_send_locked(value, &wake)) {
      lock.unlock();
      if (wake != nullptr) ready(wake);
      return;
    }
    ChannelWaiter self;
    self.fiber = current_fiber();
    self.slot = &value;
    senders.push(&self);
    // The lock is released by the scheduler once this fiber is off its stack, so a receiver
    // that dequeues `self` can never ready a fiber that is still running.
    park(WaitReason::channel_send, static_cast<ChannelCore*>(this), SpinLock::unlock_hook, &lock);
    if (!self.success) fatal("send on closed channel");
  }

  // receive_into() fills the empty `out`, or leaves it empty when the channel is closed and
  // drained.
  void receive_into(std::optional<T>& out) {
    lock.lock();
    Fiber* wake = nullptr;
    if (poll_receive_locked(out, &wake)) {
      lock.unlock();
      if (wake != nullptr) ready(wake);
      return;
    }
    ChannelWaiter self;
    self.fiber = current_fiber();
    self.slot = &out;
    receivers.push(&self);
    park(WaitReason::channel_receive, static_cast<ChannelCore*>(this), SpinLock::unlock_hook,
         &lock);
  }

  // try_send() moves from `value` only when it returns success.
  ChannelStatus try_send(T& value) {
    lock.lock();
    Fiber* wake = nullptr;
    const bool sent = poll_send_locked(value, &wake);
    lock.unlock();
    if (wake != nullptr) ready(wake);
    return sent ? ChannelStatus::success : ChannelStatus::full;
  }

  ChannelStatus try_receive(std::optional<T>& out) {
    lock.lock();
    Fiber* wake = nullptr;
    const bool done = poll_receive_locked(out, &wake);
    lock.unlock();
    if (wake != nullptr) ready(wake);
    if (!done) return ChannelStatus::empty;
    return out.has_value() ? ChannelStatus::success : ChannelStatus::closed;
  }

  std::size_t size() {
    lock.lock();
    const std::size_t n = count;
    lock.unlock();
    return n;
  }

  // poll_send_locked() completes a send without blocking if it can: hand the value to a
  // parked receiver (returned in *wake, to be readied after unlocking) or buffer it.
  // Requires `lock`.
  bool poll_send_locked(T& value, Fiber** wake) {
    if (closed) {
      lock.unlock();
      fatal("send on closed channel");
    }
    if (ChannelWaiter* receiver = receivers.claim()) {
      static_cast<std::optional<T>*>(receiver->slot)->emplace(std::move(value));
      receiver->success = true;
      *wake = receiver->fiber;
      return true;
    }
    if (count < capacity) {
      push_back(std::move(value));
      return true;
    }
    return false;
  }

  // poll_receive_locked() completes a receive without blocking if it can: take from a parked
  // sender or the buffer, or report closed (out left empty). Requires `lock`.
  bool poll_receive_locked(std::optional<T>& out, Fiber** wake) {
    if (ChannelWaiter* sender = senders.claim()) {
      T& sent = *static_cast<T*>(sender->slot);
      if (capacity == 0) {
        out.emplace(std::move(sent));
      } else {
        // The buffer is full: take its oldest value and put the sender's at the tail, so
        // values stay in FIFO order.
        out.emplace(std::move(buffer_[head_]));
        pop_front();
        push_back(std::move(sent));
      }
      sender->success = true;
      *wake = sender->fiber;
      return true;
    }
    if (count > 0) {
      out.emplace(std::move(buffer_[head_]));
      pop_front();
      return true;
    }
    return closed;
  }

 private:
  void push_back(T&& value) {
    std::size_t tail = head_ + count;
    if (tail >= capacity) tail -= capacity;
    std::construct_at(buffer_ + tail, std::move(value));
    ++count;
  }
  void pop_front() {
    std::destroy_at(buffer_ + head_);
    if (++head_ == capacity) head_ = 0;
    --count;
  }

  T* buffer_;
  std::size_t head_ = 0;
};

// ChannelAccess lets select() reach the state behind a handle.
struct ChannelAccess {
  template <typename Handle>
  static auto* state(const Handle& handle) noexcept {
    return handle.state_.get();
  }
};

}  // namespace detail

// ChannelIterator drives range-for over a channel: each step receives; the loop ends when the
// channel is closed and drained. *it is the received value, owned by the iterator until the
// next step: bind it by reference (`for (Job& job : jobs)`) to avoid a copy, and move from it
// freely; move-only types need the reference form.
template <typename T>
class ChannelIterator {
 public:
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using iterator_concept = std::input_iterator_tag;

  explicit ChannelIterator(detail::ChannelState<T>* state) : state_(state) { advance(); }

  T& operator*() noexcept { return *current_; }
  T* operator->() noexcept { return &*current_; }
  ChannelIterator& operator++() {
    advance();
    return *this;
  }
  void operator++(int) { advance(); }
  friend bool operator==(const ChannelIterator& it, std::default_sentinel_t) noexcept {
    return !it.current_.has_value();
  }

 private:
  void advance() {
    current_.reset();
    if (state_ != nullptr) {
      state_->receive_into(current_);
    } else {
      detail::park_forever(detail::WaitReason::channel_receive);
    }
  }

  detail::ChannelState<T>* state_;
  std::optional<T> current_;
};

// TryReceive is the result of try_receive(): `value` is set exactly when status is success.
template <typename T>
struct TryReceive {
  ChannelStatus status;
  std::optional<T> value;
};

template <typename T>
class Channel {
 public:
  // Channel() makes an unbuffered channel; Channel(n) one that buffers n values. `name` appears
  // in misuse messages and helps read deadlock reports.
  explicit Channel(std::size_t capacity = 0, std::string name = {})
      : state_(std::make_shared<detail::ChannelState<T>>(capacity, std::move(name))) {}

  // send() delivers `value`, parking while the channel is full (unbuffered: until a receiver
  // takes it). Sending on a closed channel aborts with a message naming the channel.
  void send(T value) const { state_->send(value); }
  // receive() returns the next value, parking while there is none; std::nullopt once the
  // channel is closed and drained (Go's `v, ok := <-ch` with ok == false).
  std::optional<T> receive() const {
    std::optional<T> out;
    state_->receive_into(out);
    return out;
  }
  // try_send() sends without parking: success, or full when it would park. `value` is moved
  // from only on success. On a closed channel it aborts, like send().
  ChannelStatus try_send(T&& value) const { return state_->try_send(value); }
  ChannelStatus try_send(const T& value) const requires std::is_copy_constructible_v<T> {
    T copy(value);
    return state_->try_send(copy);
  }
  // try_receive() receives without parking: success with a value, empty, or closed.
  TryReceive<T> try_receive() const {
    TryReceive<T> result{ChannelStatus::empty, std::nullopt};
    result.status = state_->try_receive(result.value);
    return result;
  }
  // close() marks the channel closed and wakes every parked fiber: receivers drain what is
  // buffered and then see closed; parked senders abort (they were sending on a closed
  // channel). Closing twice aborts with a message naming the channel.
  void close() const { state_->close(); }

  // begin() / end() make `for (T v : ch)` receive until the channel is closed and drained.
  ChannelIterator<T> begin() const { return ChannelIterator<T>(state_.get()); }
  std::default_sentinel_t end() const noexcept { return {}; }

  // capacity() is the buffer size given at construction (0: unbuffered).
  std::size_t capacity() const noexcept { return state_->capacity; }
  // size() is the number of values buffered right now (Go's len(ch)).
  std::size_t size() const { return state_->size(); }
  // name() is the diagnostic name given at construction, possibly empty.
  const std::string& name() const noexcept { return state_->name; }

  friend bool operator==(const Channel& a, const Channel& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  friend class Sender<T>;
  friend class Receiver<T>;
  friend struct detail::ChannelAccess;
  std::shared_ptr<detail::ChannelState<T>> state_;
};

// Sender<T> is the send-only view of a channel (Go's chan<- T). Cheap to copy; shares
// ownership of the channel. Default-constructed: a nil channel (send blocks forever).
template <typename T>
class Sender {
 public:
  Sender() = default;
  Sender(const Channel<T>& channel) : state_(channel.state_) {}  // NOLINT: implicit, like Go

  // send() — see Channel::send().
  void send(T value) const {
    if (state_ == nullptr) detail::park_forever(detail::WaitReason::channel_send);
    state_->send(value);
  }
  // try_send() — see Channel::try_send(); on a nil channel it reports full.
  ChannelStatus try_send(T&& value) const {
    return state_ != nullptr ? state_->try_send(value) : ChannelStatus::full;
  }
  ChannelStatus try_send(const T& value) const requires std::is_copy_constructible_v<T> {
    T copy(value);
    return try_send(std::move(copy));
  }
  // close() — see Channel::close(). Closing a nil channel aborts.
  void close() const {
    if (state_ == nullptr) detail::fatal_misuse("close of nil channel", "Sender", this);
    state_->close();
  }
  std::size_t capacity() const noexcept { return state_ != nullptr ? state_->capacity : 0; }
  std::size_t size() const { return state_ != nullptr ? state_->size() : 0; }
  // explicit operator bool() is false for a nil channel.
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  friend struct detail::ChannelAccess;
  std::shared_ptr<detail::ChannelState<T>> state_;
};

// Receiver<T> is the receive-only view of a channel (Go's <-chan T). Cheap to copy; shares
// ownership of the channel. Default-constructed: a nil channel (receive blocks forever).
template <typename T>
class Receiver {
 public:
  Receiver() = default;
  Receiver(const Channel<T>& channel) : state_(channel.state_) {}  // NOLINT: implicit, like Go
  // Receiver(state) adopts a channel state; used by timers and Context::done().
  explicit Receiver(std::shared_ptr<detail::ChannelState<T>> state) : state_(std::move(state)) {}

  // receive() — see Channel::receive().
  std::optional<T> receive() const {
    if (state_ == nullptr) detail::park_forever(detail::WaitReason::channel_receive);
    std::optional<T> out;
    state_->receive_into(out);
    return out;
  }
  // try_receive() — see Channel::try_receive(); on a nil channel it reports empty.
  TryReceive<T> try_receive() const {
    TryReceive<T> result{ChannelStatus::empty, std::nullopt};
    if (state_ != nullptr) result.status = state_->try_receive(result.value);
    return result;
  }
  ChannelIterator<T> begin() const { return ChannelIterator<T>(state_.get()); }
  std::default_sentinel_t end() const noexcept { return {}; }
  std::size_t capacity() const noexcept { return state_ != nullptr ? state_->capacity : 0; }
  std::size_t size() const { return state_ != nullptr ? state_->size() : 0; }
  // explicit operator bool() is false for a nil channel.
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  friend struct detail::ChannelAccess;
  std::shared_ptr<detail::ChannelState<T>> state_;
};

}  // namespace siteaudit::rt
