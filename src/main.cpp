// main.cpp — siteaudit: parse the command line, run the audit, return its exit code.
//
// main() never calls exit(): returning lets destructors run and the runtime's threads join.
#include <iostream>

#include "cli/command_line.hpp"
#include "cli/run_audit.hpp"

int main(int argc, char** argv) {
  siteaudit::cli::ParseOutcome parsed =
      siteaudit::cli::parse_command_line(argc, argv, std::cout, std::cerr);
  if (parsed.exit_code) return *parsed.exit_code;  // --help, --version, --print-config, usage
  return siteaudit::cli::run_audit(parsed.options.config, std::cout, std::cerr);
}
