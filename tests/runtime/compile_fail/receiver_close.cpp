// Only the sending side closes a channel: closing a Receiver<T> must not compile (as in Go).
#include "siteaudit/runtime/channel.hpp"

void consumer(const siteaudit::rt::Receiver<int>& in) {
  (void)in.receive();
#ifdef SITEAUDIT_COMPILE_FAIL
  in.close();
#endif
}
