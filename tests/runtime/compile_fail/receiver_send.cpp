// A Receiver<T> is receive-only (Go's <-chan T): sending on it must not compile.
#include "siteaudit/runtime/channel.hpp"

void consumer(const siteaudit::rt::Receiver<int>& in) {
  for (int v : in) (void)v;
#ifdef SITEAUDIT_COMPILE_FAIL
  in.send(1);
#endif
}
