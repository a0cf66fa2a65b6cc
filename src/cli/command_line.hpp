// command_line.hpp — the siteaudit command line and config file, parsed into a plain Options value.
//
// parse_command_line() is the only code that knows CLI11. It binds every AuditConfig field to an
// option (and the same key of a TOML config file given with --config, read by
// read_config_file()), checks what a parser can check — numbers and their ranges, choices,
// durations up to kMaxDuration, sizes, readable files, no control characters in values sent
// in requests — and leaves the meaning of domain values (status lists, rules, regexes,
// rewrites) to run_audit(), which validates them in one place. It prints --help, --version and
// --print-config itself, and usage errors as one line, "siteaudit: OPTION: what is wrong"
// ("siteaudit: FILE:LINE:COLUMN: KEY: what is wrong" for the config file), so main() only has to
// return the code.
//
// Example:
//   int main(int argc, char** argv) {
//     cli::ParseOutcome parsed = cli::parse_command_line(argc, argv, std::cout, std::cerr);
//     if (parsed.exit_code) return *parsed.exit_code;
//     return cli::run_audit(parsed.options, std::cout, std::cerr);
//   }
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/option_syntax.hpp"
#include "siteaudit/audit/audit_config.hpp"
#include "siteaudit/model/config_setting.hpp"

namespace siteaudit::cli {

// Options is everything the command line asked for.
struct Options {
  audit::AuditConfig config;
  std::string config_file;    // --config: the file the options were read from, if any
  bool print_config = false;  // --print-config: print the effective configuration and exit
  // `siteaudit merge REPORT...`: combine the reports of a sharded run instead of auditing;
  // config holds the output options (--json, --junit, --markdown, --color, --quiet, --verbose).
  bool merge = false;
  std::vector<std::string> merge_reports;
};

// ParseOutcome is the result of parsing: Options to run with, or the exit code of a command line
// that has been fully handled (help, version, print-config: 0; a usage error: 2).
struct ParseOutcome {
  Options options;
  std::optional<int> exit_code;
};

// parse_command_line() parses argv (and the --config file it names). Help, version and the
// effective configuration go to `out`; a usage error goes to `err` as one line followed by a
// pointer to --help. "siteaudit merge ..." (argv[1] is "merge") is the merge command, with
// options of its own (Options::merge).
[[nodiscard]] ParseOutcome parse_command_line(int argc, const char* const* argv, std::ostream& out,
                                              std::ostream& err);

// write_config_toml() writes `options` as a TOML config file that --config reads back to the
// same Options: every option under its long name, unset ones as comments.
void write_config_toml(const Options& options, std::ostream& out);

// report_settings() is the report's config block for `options`: the inputs, then every option
// that shapes the results, from the same table as --help and the config file (the output
// options and --header and --cookies, which may carry credentials, are left out).
std::vector<model::ConfigSetting> report_settings(const Options& options);

// option_syntax() is every option --help lists, in its order, as shell completion needs it
// (option_syntax.hpp): from the same table as --help and the config file, so that the
// completion scripts generated at build time (src/write_completions.cpp) follow the options.
std::vector<OptionSyntax> option_syntax();

// merge_option_syntax() is every option of `siteaudit merge`, in its --help order, for the same
// completion scripts.
std::vector<OptionSyntax> merge_option_syntax();

}  // namespace siteaudit::cli
