// main.cpp — siteaudit: parse the command line, run the audit, return its exit code.
//
// main() never calls exit(): returning lets destructors run and the runtime's threads join.
#include <unistd.h>

#include <csignal>

#include "cli/command_line.hpp"
#include "cli/fd_ostream.hpp"
#include "cli/run_audit.hpp"
#include "cli/run_merge.hpp"
#include "siteaudit/net/fd_limit.hpp"

int main(int argc, char** argv) {
  // A pipe whose reader has gone makes write() fail with EPIPE, which finish_output() handles,
  // instead of killing the process. libcurl needs the same: with CURLOPT_NOSIGNAL it leaves
  // SIGPIPE from a socket closed by the server to the application.
  std::signal(SIGPIPE, SIG_IGN);
  siteaudit::cli::FdOstream out(STDOUT_FILENO);
  siteaudit::cli::FdOstream err(STDERR_FILENO);
  err.setf(std::ios::unitbuf);  // messages and the progress line appear as they are written

  siteaudit::cli::ParseOutcome parsed = siteaudit::cli::parse_command_line(argc, argv, out, err);
  // --help, --version, --print-config and usage errors end with a code here.
  if (parsed.exit_code) return siteaudit::cli::finish_output(*parsed.exit_code, out, err);
  // Before any thread or connection: raise RLIMIT_NOFILE for a connection per worker (and the
  // loader's and robots.txt's); the HTTP client keeps within what it then allows.
  const unsigned workers = parsed.options.config.workers;
  const auto budget = siteaudit::net::fit_connections_to_fd_limit(workers + 2L);
  if (!budget.warning.empty()) {
    err << "siteaudit: --workers " << workers << ": " << budget.warning << '\n';
  }
  const int code = parsed.options.merge ? siteaudit::cli::run_merge(parsed.options, out, err)
                                        : siteaudit::cli::run_audit(parsed.options, out, err);
  return siteaudit::cli::finish_output(code, out, err);
}
