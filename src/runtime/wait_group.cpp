// wait_group.cpp — WaitGroup: a counter and a queue of parked fibers under one spin lock.
#include "siteaudit/runtime/wait_group.hpp"

#include <sched.h>

#include "siteaudit/runtime/runtime.hpp"

namespace siteaudit::rt {

WaitGroup::~WaitGroup() {
  // A fiber woken from wait() still touches lock_ on its way out; destroying the WaitGroup
  // under it would be a use-after-free, so let it leave first. It is runnable, so this ends.
  for (;;) {
    lock_.lock();
    const std::size_t parked = parked_;
    const std::size_t draining = draining_;
    lock_.unlock();
    if (parked > 0) {
      detail::fatal_misuse("sync: WaitGroup destroyed while fibers wait on it", "WaitGroup", this);
    }
    if (draining == 0) return;
    if (detail::current_fiber() != nullptr) {
      yield();
    } else {
      sched_yield();
    }
  }
}

void WaitGroup::add(std::int64_t delta) {
  lock_.lock();
  if (delta > 0 && counter_ == 0 && draining_ > 0) {
    lock_.unlock();
    detail::fatal_misuse("sync: WaitGroup misuse: Add called concurrently with Wait", "WaitGroup",
                         this);
  }
  counter_ += delta;
  if (counter_ < 0) {
    lock_.unlock();
    detail::fatal_misuse("sync: negative WaitGroup counter", "WaitGroup", this);
  }
  if (counter_ > 0 || parked_ == 0) {
    lock_.unlock();
    return;
  }
  detail::FiberQueueNode* woken = waiters_.take_all();
  draining_ += parked_;
  parked_ = 0;
  lock_.unlock();
  detail::ready_all(woken);
}

void WaitGroup::wait() {
  lock_.lock();
  if (counter_ == 0) {
    lock_.unlock();
    return;
  }
  detail::FiberQueueNode self{detail::current_fiber(), nullptr};
  waiters_.push(&self);
  ++parked_;
  detail::park(detail::WaitReason::wait_group, this, detail::SpinLock::unlock_hook, &lock_);
  // add() moved us from parked_ to draining_; leaving wait() ends the window in which a
  // positive add() is the misuse Go reports.
  lock_.lock();
  --draining_;
  lock_.unlock();
}

}  // namespace siteaudit::rt
