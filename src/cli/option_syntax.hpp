// option_syntax.hpp — the command line's options as a shell's completion needs them.
//
// The options are defined once, in command_line.cpp's option table; option_syntax() describes
// them from that table (names, help, what kind of value each takes), and
// completion_script.cpp turns the description into bash, zsh and fish completion scripts at
// build time. So an option added to the table is completed without another edit, and a
// script never offers an option the program does not have.
//
// Example:
//   for (const cli::OptionSyntax& option : cli::option_syntax()) {
//     if (option.value == cli::ValueKind::choice) show(option.names, option.choices);
//   }
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

namespace siteaudit::cli {

// ValueKind is what follows an option on the command line.
enum class ValueKind {
  none,    // a switch: --strict
  text,    // a value the shell cannot guess: --workers N, --include REGEX
  file,    // a file name: --config FILE, --json FILE
  choice,  // one of a few words: --method head|get
};

// OptionSyntax is one option: its names, what it takes, and its --help text.
struct OptionSyntax {
  std::vector<std::string> names;  // short names first ("-q"), then long ("--quiet")
  ValueKind value = ValueKind::none;
  std::string value_name;            // "N", "FILE", "head|get"; empty for a switch
  std::vector<std::string> choices;  // the words of a choice, in --help's order
  bool repeatable = false;           // may be given more than once, each time adding a value
  bool ends_command_line = false;    // --help, --version: nothing else is read
  std::string help;
};

}  // namespace siteaudit::cli
