// idle_cpu_test.cpp — /proc/stat's counters and the idle share between two readings.
#include "runtime/idle_cpu.hpp"

#include <catch2/catch.hpp>

namespace rt = siteaudit::rt;

TEST_CASE("IdleCpu: the cpu line's counters and the number of CPUs", "[runtime]") {
  const auto times = rt::detail::parse_cpu_times(
      "cpu  100 5 20 400 10 0 3 2 7 0\n"
      "cpu0 50 2 10 200 5 0 1 1 3 0\n"
      "cpu1 50 3 10 200 5 0 2 1 4 0\n"
      "intr 1 2 3\n");
  REQUIRE(times);
  CHECK(times->idle == 410);   // idle + iowait
  CHECK(times->total == 540);  // up to steal; guest time is already in user and nice
  CHECK(times->cpus == 2);
  CHECK_FALSE(rt::detail::parse_cpu_times("intr 1 2 3\n"));
  CHECK_FALSE(rt::detail::parse_cpu_times("cpu  1 2 3\n"));  // too few counters
  CHECK_FALSE(rt::detail::parse_cpu_times(""));
  const auto old_kernel = rt::detail::parse_cpu_times("cpu 1 2 3 4\ncpu0 1 2 3 4\n");
  REQUIRE(old_kernel);
  CHECK(old_kernel->idle == 4);
  CHECK(old_kernel->cpus == 1);
}

TEST_CASE("IdleCpu: idle cores between two readings", "[runtime]") {
  const rt::detail::CpuTimes before{.idle = 1000, .total = 4000, .cpus = 2};
  // 100 ticks passed on 2 CPUs, 25 of them idle: a quarter of the machine, half a CPU.
  CHECK(rt::detail::idle_cores(before, {.idle = 1025, .total = 4100, .cpus = 2}) == Approx(0.5));
  CHECK(rt::detail::idle_cores(before, before) == 0.0);  // too short to say
  CHECK(rt::detail::idle_cores(before, {.idle = 900, .total = 4100, .cpus = 2}) == 0.0);
}

TEST_CASE("IdleCpu: this machine's /proc/stat reads", "[runtime]") {
  const auto first = rt::detail::read_cpu_times();
  if (!first) {
    WARN("skipped: /proc/stat cannot be read here");
    return;
  }
  CHECK(first->cpus >= 1);
  CHECK(first->total >= first->idle);
  const auto second = rt::detail::read_cpu_times();
  REQUIRE(second);
  CHECK(second->total >= first->total);
}
