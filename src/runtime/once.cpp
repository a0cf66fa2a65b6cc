// once.cpp — Once's slow path: the first caller runs, the others park until it finishes.
#include "siteaudit/runtime/once.hpp"

namespace siteaudit::rt {

bool Once::begin() {
  lock_.lock();
  if (done_.load(std::memory_order_relaxed)) {  // set under lock_, so relaxed is enough here
    lock_.unlock();
    return false;
  }
  if (!running_) {
    running_ = true;
    lock_.unlock();
    return true;
  }
  detail::FiberQueueNode self{detail::current_fiber(), nullptr};
  waiters_.push(&self);
  // finish() readies us after setting done_; we touch nothing of the Once after waking, so
  // the Once may be destroyed as soon as the last caller returns.
  detail::park(detail::WaitReason::once, this, detail::SpinLock::unlock_hook, &lock_);
  return false;
}

void Once::finish() noexcept {
  lock_.lock();
  done_.store(true, std::memory_order_release);
  running_ = false;
  detail::FiberQueueNode* woken = waiters_.take_all();
  lock_.unlock();
  detail::ready_all(woken);
}

}  // namespace siteaudit::rt
