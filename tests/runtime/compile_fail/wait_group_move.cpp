// A WaitGroup cannot be moved either: a moved-from counter would strand its waiters.
#include <utility>

#include "siteaudit/runtime/wait_group.hpp"

void run() {
  siteaudit::rt::WaitGroup wg;
  wg.add(1);
  wg.done();
#ifdef SITEAUDIT_COMPILE_FAIL
  siteaudit::rt::WaitGroup moved(std::move(wg));
#endif
}
