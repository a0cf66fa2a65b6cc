// A Sender<T> is send-only: ranging over it (receiving until closed) must not compile.
#include "siteaudit/runtime/channel.hpp"

void producer(const siteaudit::rt::Sender<int>& out) {
  out.close();
#ifdef SITEAUDIT_COMPILE_FAIL
  for (int v : out) (void)v;
#endif
}
