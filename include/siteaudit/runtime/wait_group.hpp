// wait_group.hpp — wait for a collection of fibers to finish, like Go's sync.WaitGroup.
//
// A WaitGroup counts outstanding work: add(n) before starting n fibers, done() as each
// finishes, wait() parks until the count is zero. It can be neither copied nor moved, so the
// Go bug of passing a WaitGroup by value (the copy's counter is a different counter) does not
// compile: capture it by reference.
//
// Misuse aborts with a message, as Go panics: the counter going below zero ("sync: negative
// WaitGroup counter"), and add() with a positive delta on a zero counter while a wait() that
// saw the counter reach zero has not returned yet ("sync: WaitGroup misuse: Add called
// concurrently with Wait") — reuse a WaitGroup only after every wait() has returned.
//
// Example:
//   rt::WaitGroup wg;
//   for (int id : {101, 102, 103}) {
//     wg.add(1);  // before go(), never inside the fiber
//     rt::go([&wg, id] { process(id); wg.done(); });
//   }
//   wg.wait();
//
// Thread safety: add() and done() may be called from any fiber or thread; wait() from any
// fiber, by any number of fibers at once. The destructor waits for fibers that were woken from
// wait() to leave it, and aborts if fibers are still parked in wait(). The deadlock detector
// sees fibers, timers and I/O only: a fiber whose sole waker is a plain thread is reported as
// asleep unless something else (a timer, an I/O watch) keeps the run alive meanwhile.
#pragma once

#include <cstddef>
#include <cstdint>

#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::rt {

class WaitGroup {
 public:
  WaitGroup() = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;
  WaitGroup(WaitGroup&&) = delete;
  WaitGroup& operator=(WaitGroup&&) = delete;
  ~WaitGroup();

  // add() adds `delta` (may be negative) to the counter. When it reaches zero every fiber
  // parked in wait() is woken. See the file comment for the two misuses that abort.
  void add(std::int64_t delta = 1);
  // done() is add(-1).
  void done() { add(-1); }
  // wait() parks the calling fiber (WaitReason::wait_group) until the counter is zero;
  // returns at once if it already is.
  void wait();

 private:
  detail::SpinLock lock_;
  std::int64_t counter_ = 0;
  std::size_t parked_ = 0;    // fibers in waiters_
  std::size_t draining_ = 0;  // fibers woken from wait() that have not returned yet
  detail::FiberQueue waiters_;
};

}  // namespace siteaudit::rt
