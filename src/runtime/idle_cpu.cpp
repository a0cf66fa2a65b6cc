// idle_cpu.cpp — /proc/stat's CPU counters and the idle share between two readings.
#include "runtime/idle_cpu.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <charconv>

namespace siteaudit::rt::detail {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat) {
  std::optional<CpuTimes> times;
  unsigned cpus = 0;
  while (!proc_stat.empty()) {
    const std::size_t end = proc_stat.find('\n');
    const std::string_view line = proc_stat.substr(0, end);
    proc_stat = end == std::string_view::npos ? std::string_view() : proc_stat.substr(end + 1);
    if (!starts_with(line, "cpu")) break;  // the cpu lines come first
    if (starts_with(line, "cpu ")) {
      // user nice system idle iowait irq softirq steal guest guest_nice: guest time is
      // already counted in user and nice, so the sum stops at steal.
      std::array<std::uint64_t, 8> counters{};
      std::size_t count = 0;
      const char* at = line.data() + 4;
      const char* const stop = line.data() + line.size();
      while (count < counters.size()) {
        while (at < stop && *at == ' ') ++at;
        const auto [next, error] = std::from_chars(at, stop, counters[count]);
        if (error != std::errc() || next == at) break;
        at = next;
        ++count;
      }
      if (count < 4) return std::nullopt;
      CpuTimes cpu;
      cpu.idle = counters[3] + counters[4];
      for (std::size_t i = 0; i < count; ++i) cpu.total += counters[i];
      times = cpu;
    } else {
      ++cpus;
    }
  }
  if (times) times->cpus = cpus == 0 ? 1 : cpus;
  return times;
}

std::optional<CpuTimes> read_cpu_times() {
  const int fd = ::open("/proc/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // The cpu lines come first; one read of 4 KB holds them for 64 CPUs and more. Past that the
  // CPUs are undercounted, and so the idle share: the watcher then brings in fewer helpers,
  // never more.
  std::array<char, 4096> buffer;
  const ssize_t n = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  if (n <= 0) return std::nullopt;
  return parse_cpu_times(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
}

double idle_cores(const CpuTimes& before, const CpuTimes& after) noexcept {
  if (after.total <= before.total || after.idle < before.idle) return 0.0;
  const double idle = static_cast<double>(after.idle - before.idle);
  const double total = static_cast<double>(after.total - before.total);
  return idle / total * static_cast<double>(after.cpus);
}

}  // namespace siteaudit::rt::detail
