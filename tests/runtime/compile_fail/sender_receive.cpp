// A Sender<T> is send-only (Go's chan<- T): receiving on it must not compile.
#include "siteaudit/runtime/channel.hpp"

void producer(const siteaudit::rt::Sender<int>& out) {
  out.send(1);
#ifdef SITEAUDIT_COMPILE_FAIL
  (void)out.receive();
#endif
}
