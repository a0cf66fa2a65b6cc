// A select receive case needs a receiving end: on_receive(Sender<T>) must not compile.
#include "siteaudit/runtime/select.hpp"

void producer(const siteaudit::rt::Sender<int>& out, const siteaudit::rt::Receiver<int>& in) {
  siteaudit::rt::select(siteaudit::rt::on_send(out, 1), siteaudit::rt::on_receive(in));
#ifdef SITEAUDIT_COMPILE_FAIL
  siteaudit::rt::select(siteaudit::rt::on_receive(out));
#endif
}
