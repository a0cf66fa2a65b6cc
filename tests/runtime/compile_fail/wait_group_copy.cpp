// The Go article's bug: passing a WaitGroup by value gives the fiber a different counter.
// Our WaitGroup cannot be copied, so the bug does not compile.
#include "siteaudit/runtime/wait_group.hpp"

void process_item(int, siteaudit::rt::WaitGroup& wg) {
  wg.done();
}
#ifdef SITEAUDIT_COMPILE_FAIL
void process_item_by_value(int, siteaudit::rt::WaitGroup wg) {
  wg.done();
}
#endif

void run(siteaudit::rt::WaitGroup& wg) {
  process_item(1, wg);
#ifdef SITEAUDIT_COMPILE_FAIL
  process_item_by_value(1, wg);
#endif
}
