// http_bench.cpp — requests/s of net::HttpClient: N fibers fetch URLs in a loop over a list.
//
// The HTTP benchmark's driver for our client (issue 4). N fibers share one HttpClient on a
// T-thread runtime; each takes the next index from a shared counter and fetches
// urls[index % urls.size()] until `requests` fetches have been made, so the load is the same
// as `curl --parallel --parallel-max N` over a config file of the same URLs.
//
//   http_bench URLS_FILE --fibers N --requests M [--method head|get] [--threads T]
//
// Prints one JSON object: {"requests", "ok", "errors", "statuses": {...}, "error_kinds": {...},
// "seconds", "requests_per_second", "cpu_user", "cpu_sys"}. Exit status 1 if any fetch failed.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace net = siteaudit::net;
namespace rt = siteaudit::rt;

namespace {

struct Tally {
  std::int64_t ok = 0;
  std::map<int, std::int64_t> statuses;
  std::map<std::string, std::int64_t> error_kinds;
};

double seconds_of(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

int usage() {
  std::fprintf(stderr,
               "usage: http_bench URLS_FILE --fibers N --requests M [--method head|get] "
               "[--threads T] [--multis K]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string urls_file;
  int fibers = 64;
  std::int64_t requests = 100'000;
  unsigned threads = 2;
  unsigned multis = 0;  // 0: the client's own choice
  net::Method method = net::Method::head;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--fibers" && has_value) {
      fibers = std::atoi(args[++i].data());
    } else if (args[i] == "--requests" && has_value) {
      requests = std::atoll(args[++i].data());
    } else if (args[i] == "--threads" && has_value) {
      threads = static_cast<unsigned>(std::atoi(args[++i].data()));
    } else if (args[i] == "--multis" && has_value) {
      multis = static_cast<unsigned>(std::atoi(args[++i].data()));
    } else if (args[i] == "--method" && has_value) {
      method = args[++i] == "get" ? net::Method::get : net::Method::head;
    } else if (urls_file.empty() && !args[i].starts_with("--")) {
      urls_file = args[i];
    } else {
      return usage();
    }
  }
  if (urls_file.empty() || fibers <= 0 || requests <= 0) return usage();

  std::vector<std::string> urls;
  {
    std::ifstream in(urls_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) urls.push_back(line);
    }
  }
  if (urls.empty()) {
    std::fprintf(stderr, "http_bench: %s: no URLs\n", urls_file.c_str());
    return 2;
  }

  std::atomic<std::int64_t> next{0};
  std::mutex tally_lock;  // taken once per fiber, at its end
  Tally total;
  double seconds = 0;
  rt::Runtime runtime({.threads = threads});
  const auto result = runtime.run([&] {
    net::HttpClient client({.multi_handles = multis});
    const rt::Context ctx = rt::background();
    rt::WaitGroup wg;
    const auto start = std::chrono::steady_clock::now();
    for (int f = 0; f < fibers; ++f) {
      wg.add(1);
      rt::go([&] {
        Tally mine;
        for (std::int64_t i = next.fetch_add(1, std::memory_order_relaxed); i < requests;
             i = next.fetch_add(1, std::memory_order_relaxed)) {
          const auto& url = urls[static_cast<std::size_t>(i) % urls.size()];
          const net::FetchResult r = client.fetch(ctx, {.method = method, .url = url});
          if (!r.ok()) {
            ++mine.error_kinds[net::to_string(r.error.kind)];
            continue;
          }
          ++mine.statuses[r.response.status];
          if (r.response.status >= 200 && r.response.status < 300) ++mine.ok;
        }
        {
          std::lock_guard guard(tally_lock);
          total.ok += mine.ok;
          for (auto [status, n] : mine.statuses) total.statuses[status] += n;
          for (auto& [kind, n] : mine.error_kinds) total.error_kinds[kind] += n;
        }
        wg.done();
      });
    }
    wg.wait();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  if (!result.ok()) {
    std::fprintf(stderr, "http_bench: runtime stopped: %s\n", result.message.c_str());
    return 2;
  }

  rusage usage_self{};
  getrusage(RUSAGE_SELF, &usage_self);
  std::int64_t errors = 0;
  for (auto& [kind, n] : total.error_kinds) errors += n;
  std::printf("{\"requests\":%lld,\"ok\":%lld,\"errors\":%lld,\"statuses\":{",
              static_cast<long long>(requests), static_cast<long long>(total.ok),
              static_cast<long long>(errors));
  const char* sep = "";
  for (auto [status, n] : total.statuses) {
    std::printf("%s\"%d\":%lld", sep, status, static_cast<long long>(n));
    sep = ",";
  }
  std::printf("},\"error_kinds\":{");
  sep = "";
  for (auto& [kind, n] : total.error_kinds) {
    std::printf("%s\"%s\":%lld", sep, kind.c_str(), static_cast<long long>(n));
    sep = ",";
  }
  std::printf(
      "},\"fibers\":%d,\"threads\":%u,\"seconds\":%.6f,\"requests_per_second\":%.1f,"
      "\"cpu_user\":%.3f,\"cpu_sys\":%.3f}\n",
      fibers, threads, seconds, static_cast<double>(requests) / seconds,
      seconds_of(usage_self.ru_utime), seconds_of(usage_self.ru_stime));
  return total.ok == requests ? 0 : 1;
}
