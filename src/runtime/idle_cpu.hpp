// idle_cpu.hpp — how much of the machine's CPU went unused over an interval (/proc/stat).
//
// The scheduler's watcher wakes a helper for a worker that stays saturated only when a core
// would otherwise sit idle (README.md, "Who wakes whom"): a site audit often shares its cores
// with the site, and a second thread that takes the server's core makes both slower. The
// kernel's counters are machine-wide (a container's CPU quota is not seen) and tick at
// USER_HZ (10 ms), so an interval of a few tens of milliseconds is the shortest that says
// anything.
//
// Example:
//   const auto before = read_cpu_times();
//   ...  // 50 ms later
//   const auto after = read_cpu_times();
//   if (before && after && idle_cores(*before, *after) >= 0.5) wake_a_helper();
//
// Thread safety: pure functions; read_cpu_times() reads a file on each call.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace siteaudit::rt::detail {

// CpuTimes are the machine's CPU time counters, summed over every CPU, in USER_HZ ticks.
struct CpuTimes {
  std::uint64_t idle = 0;   // idle and iowait: time no task wanted the CPU
  std::uint64_t total = 0;  // every state, steal included
  unsigned cpus = 0;        // CPUs the counters cover
};

// parse_cpu_times() reads /proc/stat's text: the "cpu" line's counters and the number of
// "cpuN" lines. Empty when the text has no "cpu" line with at least four counters.
std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat);

// read_cpu_times() parses /proc/stat; empty where it cannot be read (no procfs).
std::optional<CpuTimes> read_cpu_times();

// idle_cores() is how many CPUs' worth of time went unused between the two readings: 0 when
// no tick passed (the interval was too short to say).
double idle_cores(const CpuTimes& before, const CpuTimes& after) noexcept;

}  // namespace siteaudit::rt::detail
