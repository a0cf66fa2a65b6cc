// channel.cpp — the parts of Channel<T> that do not depend on T: close, misuse aborts, nil.
#include "siteaudit/runtime/channel.hpp"

#include <cstdio>
#include <cstdlib>

namespace siteaudit::rt {

const char* to_string(ChannelStatus status) noexcept {
  switch (status) {
    case ChannelStatus::success:
      return "success";
    case ChannelStatus::empty:
      return "empty";
    case ChannelStatus::full:
      return "full";
    case ChannelStatus::closed:
      return "closed";
  }
  return "unknown";
}

namespace detail {

void ChannelCore::close() {
  lock.lock();
  if (closed) {
    lock.unlock();
    fatal("close of closed channel");
  }
  closed = true;
  // Claim every waiter under the lock (a select waiter whose select another case already won
  // is skipped by claim()), chain them through `next`, and ready them only after unlocking so
  // that the woken fibers do not spin on our lock.
  ChannelWaiter* woken = nullptr;
  while (ChannelWaiter* receiver = receivers.claim()) {
    receiver->success = false;  // its slot stays empty: "closed"
    receiver->next = woken;
    woken = receiver;
  }
  while (ChannelWaiter* sender = senders.claim()) {
    sender->success = false;  // the sender aborts: it was sending on a closed channel
    sender->next = woken;
    woken = sender;
  }
  lock.unlock();
  while (woken != nullptr) {
    // Read both fields first: the waiter lives on the stack of the fiber readied below.
    ChannelWaiter* next = woken->next;
    Fiber* fiber = woken->fiber;
    ready(fiber);
    woken = next;
  }
}

void ChannelCore::fatal(const char* what) const noexcept {
  fatal_misuse(what, "channel", static_cast<const void*>(this), name.c_str());
}

namespace {
void unlock_nothing(void*) noexcept {}
}  // namespace

void park_forever(WaitReason reason) {
  // A nil channel is never ready; only the deadlock detector (or the end of the run) ends
  // this wait, exactly like Go blocking forever on a nil channel.
  park(reason, nullptr, unlock_nothing, nullptr);
  fatal_misuse("a fiber parked on a nil channel was readied", "channel", nullptr);
}

}  // namespace detail
}  // namespace siteaudit::rt
