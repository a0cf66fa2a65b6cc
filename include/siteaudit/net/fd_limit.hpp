// fd_limit.hpp — how many connections the descriptor limit (RLIMIT_NOFILE) leaves room for.
//
// Every open connection is a descriptor. With `ulimit -n 1024` and 10,000 workers, socket()
// fails with EMFILE for thousands of transfers, which libcurl reports as "could not connect".
// So the limit is settled at start, before any connection: fit_connections_to_fd_limit()
// raises the soft limit towards the hard one as far as the wanted connections need, and says
// in one line when even the hard limit is too low; HttpClient then never opens more
// connections at once than connection_cap_for_fd_limit() allows (the rest wait inside libcurl,
// as over any connection limit). An EMFILE that still happens (descriptors used elsewhere) is
// reported as ErrorKind::too_many_open_files.
//
// Example (at start, before the client exists):
//   net::ConnectionBudget budget = net::fit_connections_to_fd_limit(workers + 2);
//   if (!budget.warning.empty()) std::cerr << "siteaudit: " << budget.warning << '\n';
//
// Thread safety: the limit is process-wide; call fit_connections_to_fd_limit() once at start,
// before other threads open files. connection_cap_for_fd_limit() only reads it.
#pragma once

#include <string>

namespace siteaudit::net {

// kReservedDescriptors are kept for what is not a connection: standard streams, the poller,
// report and input files, libcurl's resolver. Each multi handle also holds a socket pair,
// which connection_cap_for_fd_limit() adds per kConnectionsPerMulti connections.
inline constexpr long kReservedDescriptors = 64;

// ConnectionBudget is what the descriptor limit allows, after raising it.
struct ConnectionBudget {
  long cap = 0;         // most connections at once; 0 = the limit is infinite
  long soft_limit = 0;  // RLIMIT_NOFILE now (0 = infinite)
  long hard_limit = 0;  // its ceiling (0 = infinite)
  // warning is one line (no "siteaudit: " prefix, no newline) when `cap` is below the
  // connections wanted; empty when the limit is high enough.
  std::string warning;
};

// fit_connections_to_fd_limit() raises the soft RLIMIT_NOFILE up to the hard one, as far as
// `wanted_connections` and the reserve need (never lowers it), and returns what it allows.
ConnectionBudget fit_connections_to_fd_limit(long wanted_connections);

// connection_cap_for_fd_limit() is the most connections the current soft limit leaves room
// for (at least 1); 0 when the limit is infinite.
long connection_cap_for_fd_limit();

}  // namespace siteaudit::net
