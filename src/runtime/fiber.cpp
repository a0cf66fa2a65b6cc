// fiber.cpp — the fiber switch on boost::context::fiber (fcontext), with sanitizer annotations.
//
// Every fiber runs fiber_main(): an endless loop of "run the body, switch out as exited". The
// scheduler recycles an exited fiber with its stack and suspended context intact, so reusing
// one costs a resume, not a new context. A fiber that switches out goes straight to the next
// fiber of its worker's local queue when there is one (Scheduler::take_next), else to the
// worker's scheduler loop, whose context is handed over by each resume from the loop
// (Worker::scheduler_context). The fiber switched to finishes the previous one's switch.
//
// Boost's fcontext backend does not annotate switches, so both sides do it here:
//   * ASan: __sanitizer_start_switch_fiber before each jump, __sanitizer_finish_switch_fiber
//     right after arriving; the fiber learns its worker's stack bounds from the latter.
//   * TSan: one TSan fiber per stack; __tsan_switch_to_fiber before each jump.
//   * Valgrind: each stack is registered (VALGRIND_STACK_REGISTER) when it is created.
#include <cerrno>

#include "runtime/scheduler.hpp"

#if defined(SITEAUDIT_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(SITEAUDIT_TSAN)
#include <sanitizer/tsan_interface.h>
#endif
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SITEAUDIT_HAS_VALGRIND 1
#endif

namespace siteaudit::rt::detail {

namespace {

thread_local Worker* t_worker = nullptr;

// NoopStackAllocator satisfies boost's StackAllocator concept for a preallocated stack: the
// stack belongs to the StackPool and outlives the boost context.
struct NoopStackAllocator {
  boost::context::stack_context allocate() { return {}; }
  void deallocate(boost::context::stack_context&) noexcept {}
};

// SITEAUDIT_OPAQUE keeps a function out of interprocedural analysis, so that what it reads
// from thread-local storage is read again at every call, never cached by a caller across a
// switch that may have moved it to another thread. GCC says so with noipa; clang has no such
// attribute, and infers no attributes for an optnone function, nor inlines a noinline one.
#if defined(__clang__)
#define SITEAUDIT_OPAQUE [[gnu::noinline, clang::optnone]]
#else
#define SITEAUDIT_OPAQUE [[gnu::noipa]]
#endif

// SITEAUDIT_SWITCHER is SITEAUDIT_OPAQUE for switch_out(), minus clang's optnone: optnone also
// keeps boost's fiber::resume() out of line, and an out-of-line resume() is entered on one TSan
// fiber and left on another, which corrupts TSan's shadow stack (clang's TSan crashed or hung
// a dozen runtime tests that way). switch_out() itself reads thread-local storage only through
// the opaque functions above, so nothing it could be inferred to do makes a caller cache it.
#if defined(__clang__)
#define SITEAUDIT_SWITCHER [[gnu::noinline]]
#else
#define SITEAUDIT_SWITCHER [[gnu::noipa]]
#endif

// errno is a thread-local behind a function GCC marks const, so within one function it may be
// read on one thread and written on another after a migration; go through opaque calls.
SITEAUDIT_OPAQUE int load_errno() noexcept {
  return errno;
}
SITEAUDIT_OPAQUE void store_errno(int value) noexcept {
  errno = value;
}

// arrive() is the first thing a fiber does on every switch in. From the scheduler loop: finish
// the ASan switch and keep the loop's context for the worker it now runs on. From a fiber
// that switched to it directly: give that fiber back its context and finish its switch (run
// its unlock hook, queue or recycle it) now that it is off its stack — as the loop would.
void arrive(Fiber* fiber, boost::context::fiber&& from) {
#if defined(SITEAUDIT_ASAN)
  const void* bottom = nullptr;
  std::size_t size = 0;
  __sanitizer_finish_switch_fiber(fiber->asan_fake_stack, &bottom, &size);
#endif
  Worker* worker = current_worker();
  if (Fiber* previous = worker->switched_from) {
    worker->switched_from = nullptr;
    previous->context = std::move(from);
    // Off any fiber while finishing, exactly like the loop: a ready() from the unlock hook
    // queues on the ring instead of this fiber's runnext.
    worker->current = nullptr;
    fiber->scheduler->finish_switch(*worker, previous);
    worker->current = fiber;
    return;
  }
#if defined(SITEAUDIT_ASAN)
  worker->asan_stack_bottom = bottom;
  worker->asan_stack_size = size;
#endif
  worker->scheduler_context = std::move(from);
}

[[noreturn]] void fiber_main(Fiber* fiber, boost::context::fiber&& from) {
  arrive(fiber, std::move(from));
  for (;;) {
    fiber->scheduler->run_body(fiber);
    fiber->switch_reason = Fiber::Switch::exit;
    switch_out(fiber);  // back in the pool; returns when the fiber is reused
  }
}

}  // namespace

SITEAUDIT_OPAQUE Worker* current_worker() noexcept {
  return t_worker;
}
SITEAUDIT_OPAQUE void set_current_worker(Worker* worker) noexcept {
  t_worker = worker;
}

void init_fiber_context(Fiber* fiber) {
#if defined(SITEAUDIT_HAS_VALGRIND)
  fiber->valgrind_stack_id =
      VALGRIND_STACK_REGISTER(fiber->stack_low, fiber->stack_low + fiber->stack_size);
#endif
#if defined(SITEAUDIT_TSAN)
  // Boost jumps into the new stack once to set it up; that jump runs instrumented code, so it
  // happens on the new fiber's TSan context.
  fiber->tsan_fiber = __tsan_create_fiber(0);
  void* creator = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(fiber->tsan_fiber, 0);
#endif
  boost::context::stack_context whole;
  whole.sp = reinterpret_cast<char*>(fiber);
  whole.size = fiber->stack_size;
  // The boost record goes just below the control block (boost places it under `sp`).
  boost::context::preallocated top(fiber, fiber->stack_size, whole);
  new (&fiber->context)
      boost::context::fiber(std::allocator_arg, top, NoopStackAllocator{},
                            [fiber](boost::context::fiber&& from) -> boost::context::fiber {
                              fiber_main(fiber, std::move(from));
                            });
#if defined(SITEAUDIT_TSAN)
  __tsan_switch_to_fiber(creator, 0);
#endif
}

void destroy_fiber_context(Fiber* fiber) noexcept {
#if defined(SITEAUDIT_HAS_VALGRIND)
  VALGRIND_STACK_DEREGISTER(fiber->valgrind_stack_id);
#endif
#if defined(SITEAUDIT_TSAN)
  if (fiber->tsan_fiber != nullptr) __tsan_destroy_fiber(fiber->tsan_fiber);
  fiber->tsan_fiber = nullptr;
#endif
  (void)fiber;
}

void run_unlock_hook(Worker& worker, Fiber* fiber) {
#if defined(SITEAUDIT_TSAN)
  // The hook finishes the fiber's park (it releases a lock the fiber took), so TSan must see
  // it as the fiber's own action, or a pthread mutex looks unlocked by the wrong thread. We
  // run on the scheduler loop or, after a direct switch, on the next fiber.
  (void)worker;
  void* running = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(fiber->tsan_fiber, 0);
  fiber->hook(fiber->hook_arg);
  __tsan_switch_to_fiber(running, 0);
#else
  (void)worker;
  fiber->hook(fiber->hook_arg);
#endif
}

Fiber* switch_into(Worker& worker, Fiber* fiber) {
#if defined(SITEAUDIT_ASAN)
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, fiber->stack_low, fiber->stack_size);
#endif
#if defined(SITEAUDIT_TSAN)
  __tsan_switch_to_fiber(fiber->tsan_fiber, 0);
#endif
  boost::context::fiber back = std::move(fiber->context).resume();
#if defined(SITEAUDIT_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
  // Fibers may have switched to one another directly; the one that came back is current.
  Fiber* last = worker.current;
  last->context = std::move(back);
  return last;
}

SITEAUDIT_SWITCHER void switch_out(Fiber* fiber) {
  Worker* worker = current_worker();
  const int saved_errno = load_errno();
  boost::context::fiber from;
  // on_system_stack() must reach the loop, whose stack runs the call: no direct switch then.
  Fiber* next =
      fiber->switch_reason == Fiber::Switch::call ? nullptr : fiber->scheduler->take_next(*worker);
  if (next != nullptr) {
    // Straight to the next fiber: one jump instead of two. `next` finishes our switch in
    // arrive(), once we are off this stack (park-then-publish holds).
    worker->switched_from = fiber;
    worker->current = next;
#if defined(SITEAUDIT_ASAN)
    __sanitizer_start_switch_fiber(&fiber->asan_fake_stack, next->stack_low, next->stack_size);
#endif
#if defined(SITEAUDIT_TSAN)
    __tsan_switch_to_fiber(next->tsan_fiber, 0);
#endif
    from = std::move(next->context).resume();
  } else {
#if defined(SITEAUDIT_ASAN)
    __sanitizer_start_switch_fiber(&fiber->asan_fake_stack, worker->asan_stack_bottom,
                                   worker->asan_stack_size);
#endif
#if defined(SITEAUDIT_TSAN)
    __tsan_switch_to_fiber(worker->tsan_fiber, 0);
#endif
    from = std::move(worker->scheduler_context).resume();
  }
  // Possibly on another thread now: `worker` is stale; arrive() reads the current one.
  arrive(fiber, std::move(from));
  store_errno(saved_errno);
}

}  // namespace siteaudit::rt::detail
