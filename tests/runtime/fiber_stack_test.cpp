// fiber_stack_test.cpp — fiber stacks: guard page faults on overflow, configurable size, pooling,
// mapping count (guard pages must not cost a mapping each), a clean failure when the address
// space runs out, and on_system_stack() for work too deep for them.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "runtime/introspection.hpp"
#include "runtime/scheduler_support.hpp"
#include "siteaudit/runtime/runtime.hpp"

namespace rt = siteaudit::rt;
using namespace std::chrono_literals;
using siteaudit_test::check_clean;
using siteaudit_test::Latch;
using siteaudit_test::os_thread_id;
using siteaudit_test::Parker;

namespace {

// recurse() uses about 1 KiB of stack per level and cannot be turned into a loop.
[[gnu::noinline]] int recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  frame[sizeof(frame) - 1] = static_cast<char>(depth);
  if (depth == 0) return frame[0];
  return recurse(depth - 1) + frame[sizeof(frame) - 1];
}

[[maybe_unused]] std::size_t mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::size_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

bool kernel_has_guard_regions() {
  utsname name{};
  if (::uname(&name) != 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(name.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 6 || (major == 6 && minor >= 13);
}

}  // namespace

TEST_CASE("a stack overflow hits the guard page and faults", "[runtime]") {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // In the child: overflow a 64 KiB fiber stack. Reaching the end of this block means the
    // guard page did not stop it. Catch's (and ASan's) SIGSEGV handlers would report from the
    // child; let the kernel's default action show in the exit status instead.
    std::signal(SIGSEGV, SIG_DFL);
    rt::Runtime runtime({.threads = 1});
    (void)runtime.run([] { (void)recurse(100'000); });
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);
}

TEST_CASE("stack_size sets how deep a fiber may go", "[runtime]") {
  rt::Runtime runtime({.threads = 2, .stack_size = 1024 * 1024});
  bool returned = false;
  const auto result = runtime.run([&] {
    // About 600 KiB deep: fine with a 1 MiB stack (the default 64 KiB would fault).
    (void)recurse(600);
    returned = true;
  });
  CHECK(result.ok());
  CHECK(returned);
}

TEST_CASE("stacks are pooled: sequential fibers reuse a handful of stacks", "[runtime]") {
  const unsigned threads = GENERATE(1u, 2u);
  rt::Runtime runtime({.threads = threads});
  const auto result = runtime.run([] {
    for (int i = 0; i < 2000; ++i) {
      Parker done;
      rt::go([&] { done.signal(); });
      done.wait(rt::detail::WaitReason::wait_group);
    }
  });
  CHECK(result.ok());
  // One thread reuses one stack. With two, a fiber that exits on the other worker lands in
  // that worker's cache (up to 256) before half of it spills to the shared pool; still far
  // fewer stacks than the 2,000 fibers.
  CHECK(rt::detail::snapshot(runtime).stack_slots <= (threads == 1 ? 4u : 600u));
  check_clean(runtime);
}

TEST_CASE("guard pages do not cost a memory mapping per stack", "[runtime]") {
  if (!kernel_has_guard_regions()) {
    WARN("kernel without MADV_GUARD_INSTALL: guard pages use mprotect, two mappings per stack");
    return;
  }
#if defined(SITEAUDIT_TSAN)
  WARN("skipped under TSan: it adds shadow mappings of its own as stack memory grows");
#else
  constexpr int kParked = 20'000;
  rt::Runtime runtime({.threads = 2});
  std::size_t before = 0;
  std::size_t during = 0;
  const auto result = runtime.run([&] {
    before = mapping_count();
    std::vector<Parker> parkers(kParked);
    Latch started(kParked);
    for (int i = 0; i < kParked; ++i) {
      rt::go([&, i] {
        started.done();
        parkers[i].wait();
      });
    }
    started.wait();
    during = mapping_count();
    for (auto& parker : parkers) parker.signal();
    rt::sleep_for(1ms);
  });
  CHECK(result.ok());
  CHECK(rt::detail::snapshot(runtime).guard_uses_madvise);
  // mprotect guards would add 2 * kParked mappings; carved chunks add a few dozen.
  INFO("mappings before " << before << ", with " << kParked << " parked fibers " << during);
  CHECK(static_cast<long>(during) - static_cast<long>(before) < 200);
#endif
}

TEST_CASE("running out of address space stops the run with a clear message", "[runtime]") {
#if defined(SITEAUDIT_ASAN) || defined(SITEAUDIT_TSAN)
  WARN("skipped under sanitizers: they reserve terabytes of shadow memory up front");
  return;
#else
  std::fflush(nullptr);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    rlimit limit{};
    ::getrlimit(RLIMIT_AS, &limit);
    limit.rlim_cur = 1024ull * 1024 * 1024;  // 1 GiB: room for about 15,000 stacks
    ::setrlimit(RLIMIT_AS, &limit);
    rt::Runtime runtime({.threads = 1});
    const auto result = runtime.run([] {
      for (int i = 0;; ++i) {
        rt::go([] {
          for (;;) rt::sleep_for(1h);
        });
        if (i % 128 == 0) rt::yield();  // the run stops at the first yield after the failure
      }
    });
    const std::string report =
        std::to_string(static_cast<int>(result.status)) + "\n" + result.message;
    (void)!::write(pipe_fds[1], report.data(), report.size());
    std::_Exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) report.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  INFO(report);
  CHECK_THAT(report, Catch::StartsWith(
                         std::to_string(static_cast<int>(rt::RunStatus::resource_exhausted))));
  CHECK_THAT(report, Catch::Contains("fiber stacks"));
#endif
}

namespace {

struct SystemStackProbe {
  std::atomic<int> calls{0};
  std::atomic<int> off_fiber{0};
  std::atomic<int> same_thread{0};
  Parker* to_wake = nullptr;
};

void deep_call(void* arg) {
  auto* probe = static_cast<SystemStackProbe*>(arg);
  // About 200 KiB deep: the 64 KiB fiber stack would hit its guard page.
  (void)recurse(200);
  if (rt::detail::current_fiber() == nullptr) probe->off_fiber.fetch_add(1);
  probe->calls.fetch_add(1);
  if (probe->to_wake != nullptr) probe->to_wake->signal();
}

}  // namespace

TEST_CASE("on_system_stack runs deep work off the fiber's stack and resumes it on that thread",
          "[runtime]") {
  constexpr int kFibers = 8;
  constexpr int kCallsEach = 50;
  rt::Runtime runtime({.threads = 2});
  SystemStackProbe probe;
  const auto result = runtime.run([&] {
    Latch all(kFibers);
    for (int f = 0; f < kFibers; ++f) {
      rt::go([&] {
        for (int i = 0; i < kCallsEach; ++i) {
          const long before = os_thread_id();
          rt::detail::on_system_stack(&deep_call, &probe);
          if (os_thread_id() == before) probe.same_thread.fetch_add(1);
          if (i % 8 == 0) rt::yield();  // let the fibers move between the threads
        }
        all.done();
      });
    }
    all.wait();
  });
  REQUIRE(result.ok());
  CHECK(probe.calls == kFibers * kCallsEach);
  CHECK(probe.off_fiber == kFibers * kCallsEach);
  CHECK(probe.same_thread == kFibers * kCallsEach);
  check_clean(runtime);
}

TEST_CASE("on_system_stack may ready a fiber, and off a fiber it just calls", "[runtime]") {
  SystemStackProbe direct;
  rt::detail::on_system_stack(&deep_call, &direct);  // no runtime, no fiber
  CHECK(direct.calls == 1);
  CHECK(direct.off_fiber == 1);

  rt::Runtime runtime({.threads = 2});
  Parker parked;
  SystemStackProbe probe;
  probe.to_wake = &parked;
  bool woken = false;
  const auto result = runtime.run([&] {
    Latch done(1);
    rt::go([&] {
      parked.wait();
      woken = true;
      done.done();
    });
    rt::detail::on_system_stack(&deep_call, &probe);
    done.wait();
  });
  REQUIRE(result.ok());
  CHECK(woken);
  CHECK(probe.calls == 1);
  check_clean(runtime);
}
