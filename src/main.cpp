// main.cpp — siteaudit: parse the command line, run the audit, return its exit code.
//
// main() never calls exit(): returning lets destructors run and the runtime's threads join.
#include <iostream>

#include "cli/command_line.hpp"
#include "cli/run_audit.hpp"
#include "siteaudit/net/fd_limit.hpp"

int main(int argc, char** argv) {
  siteaudit::cli::ParseOutcome parsed =
      siteaudit::cli::parse_command_line(argc, argv, std::cout, std::cerr);
  if (parsed.exit_code) return *parsed.exit_code;  // --help, --version, --print-config, usage
  // Before any thread or connection: raise RLIMIT_NOFILE for a connection per worker (and the
  // loader's and robots.txt's); the HTTP client keeps within what it then allows.
  const unsigned workers = parsed.options.config.workers;
  const auto budget = siteaudit::net::fit_connections_to_fd_limit(workers + 2L);
  if (!budget.warning.empty()) {
    std::cerr << "siteaudit: --workers " << workers << ": " << budget.warning << '\n';
  }
  return siteaudit::cli::run_audit(parsed.options.config, std::cout, std::cerr);
}
