// runtime.cpp — the public face of the scheduler: Runtime, go(), yield(), sleep, park/ready.
#include "siteaudit/runtime/runtime.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "runtime/introspection.hpp"
#include "runtime/scheduler.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::rt {

namespace {

detail::Fiber* running_fiber() noexcept {
  detail::Worker* worker = detail::current_worker();
  return worker != nullptr ? worker->current : nullptr;
}

}  // namespace

struct Runtime::Impl {
  explicit Impl(RuntimeConfig config) : scheduler(config) {}
  detail::Scheduler scheduler;
};

Runtime::Runtime(RuntimeConfig config) : impl_(new Impl(config)) {}

Runtime::~Runtime() {
  delete impl_;
}

RunResult Runtime::run(std::function<void()> main) {
  return impl_->scheduler.run(std::move(main));
}

void Runtime::go(std::function<void()> fn, const char* name) {
  impl_->scheduler.spawn(std::move(fn), name);
}

unsigned Runtime::threads() const noexcept {
  return impl_->scheduler.threads();
}

void go(std::function<void()> fn, const char* name) {
  detail::Worker* worker = detail::current_worker();
  if (worker == nullptr) fatal("rt::go() called outside a runtime thread; use Runtime::go()");
  worker->scheduler->spawn(std::move(fn), name);
}

unsigned threads() noexcept {
  const detail::Scheduler* scheduler = detail::Scheduler::current();
  return scheduler != nullptr ? scheduler->threads() : 0;
}

void yield() {
  if (detail::Fiber* fiber = running_fiber()) {
    fiber->scheduler->yield(fiber);
  } else {
    std::this_thread::yield();
  }
}

void share_backlog() noexcept {
  detail::Worker* worker = detail::current_worker();
  if (worker != nullptr && worker->current != nullptr) worker->scheduler->share_backlog(*worker);
}

void sleep_for(Clock::duration d) {
  sleep_until(Clock::now() + d);
}

void sleep_until(Clock::time_point t) {
  if (detail::Fiber* fiber = running_fiber()) {
    fiber->scheduler->sleep_until(fiber, t);
  } else {
    std::this_thread::sleep_until(t);  // off a fiber there is no one else to run
  }
}

void set_fiber_name(const char* name) {
  detail::Fiber* fiber = running_fiber();
  if (fiber == nullptr) return;
  if (name == nullptr) name = "";
  std::strncpy(fiber->name, name, sizeof(fiber->name) - 1);
  fiber->name[sizeof(fiber->name) - 1] = '\0';
}

namespace detail {

const char* to_string(WaitReason reason) noexcept {
  switch (reason) {
    case WaitReason::channel_send:
      return "channel send";
    case WaitReason::channel_receive:
      return "channel receive";
    case WaitReason::select:
      return "select";
    case WaitReason::wait_group:
      return "WaitGroup";
    case WaitReason::mutex:
      return "Mutex";
    case WaitReason::once:
      return "Once";
    case WaitReason::context:
      return "Context";
    case WaitReason::sleep:
      return "sleep";
    case WaitReason::io:
      return "I/O";
    case WaitReason::external:
      return "external event";
  }
  return "unknown";
}

Fiber* current_fiber() noexcept {
  return running_fiber();
}

void park(WaitReason reason, const void* object, void (*unlock)(void*), void* arg) noexcept {
  Fiber* fiber = running_fiber();
  if (fiber == nullptr) fatal("park() called outside a fiber");
  fiber->scheduler->park(fiber, reason, object, unlock, arg);
}

void ready(Fiber* fiber) noexcept {
  fiber->scheduler->ready(fiber);
}

void on_system_stack(void (*fn)(void*), void* arg) {
  Fiber* fiber = running_fiber();
  if (fiber == nullptr) {
    fn(arg);
    return;
  }
  fiber->scheduler->call_on_system_stack(fiber, fn, arg);
}

TimerId add_timer(Clock::time_point when, std::function<void()> fire) {
  Scheduler* scheduler = Scheduler::current();
  if (scheduler == nullptr) fatal("add_timer() called while no Runtime is running");
  return scheduler->add_timer(when, std::move(fire));
}

bool cancel_timer(TimerId id) noexcept {
  Scheduler* scheduler = Scheduler::current();
  return scheduler != nullptr && scheduler->cancel_timer(id);
}

struct RuntimeAccess {
  static const Scheduler& scheduler(const Runtime& runtime) { return runtime.impl_->scheduler; }
  static Scheduler& scheduler(Runtime& runtime) { return runtime.impl_->scheduler; }
};

void assume_idle_cpu(Runtime& runtime, bool assume) {
  RuntimeAccess::scheduler(runtime).assume_idle_cpu(assume);
}

RuntimeSnapshot snapshot(const Runtime& runtime) {
  return RuntimeAccess::scheduler(runtime).snapshot();
}

RuntimeSnapshot current_snapshot() {
  Scheduler* scheduler = Scheduler::current();
  if (scheduler == nullptr) fatal("current_snapshot() called while no Runtime is running");
  return scheduler->snapshot();
}

}  // namespace detail
}  // namespace siteaudit::rt
