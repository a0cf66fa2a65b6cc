// fd_limit.cpp — RLIMIT_NOFILE against the connections a run may open.
#include "siteaudit/net/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <string>

#include "siteaudit/net/http_client.hpp"

namespace siteaudit::net {
namespace {

long as_long(rlim_t value) {
  if (value == RLIM_INFINITY) return 0;
  return static_cast<long>(std::min<rlim_t>(value, 1L << 30));
}

// cap_for() is what a soft limit of `soft` descriptors leaves for connections: the fixed
// reserve, and two descriptors (libcurl's wake-up socket pair) per multi handle, of which the
// client runs one per kConnectionsPerMulti connections.
long cap_for(long soft) {
  if (soft == 0) return 0;
  const long per_multi = 2 * (soft / kConnectionsPerMulti + 1);
  return std::max(1L, soft - kReservedDescriptors - per_multi);
}

// descriptors_for() is the lowest soft limit that leaves room for `connections`.
long descriptors_for(long connections) {
  long soft = connections + kReservedDescriptors;
  for (long cap = cap_for(soft); cap < connections; cap = cap_for(soft)) soft += connections - cap;
  return soft;
}

}  // namespace

long connection_cap_for_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return cap_for(as_long(limit.rlim_cur));
}

ConnectionBudget fit_connections_to_fd_limit(long wanted_connections) {
  ConnectionBudget budget;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return budget;
  const rlim_t needed = static_cast<rlim_t>(descriptors_for(std::max(1L, wanted_connections)));
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    // Failing to raise it leaves the old limit, which the cap below then respects.
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  budget.soft_limit = as_long(limit.rlim_cur);
  budget.hard_limit = as_long(limit.rlim_max);
  budget.cap = cap_for(budget.soft_limit);
  if (budget.cap != 0 && budget.cap < wanted_connections) {
    budget.warning =
        "up to " + std::to_string(wanted_connections) +
        " connections wanted, but the open-file limit is " + std::to_string(budget.soft_limit) +
        " (ulimit -n; hard limit " +
        (budget.hard_limit == 0 ? std::string("unlimited") : std::to_string(budget.hard_limit)) +
        "): at most " + std::to_string(budget.cap) + " connections at once";
  }
  return budget;
}

}  // namespace siteaudit::net
