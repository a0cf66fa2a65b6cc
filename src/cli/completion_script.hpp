// completion_script.hpp — bash, zsh and fish completion scripts for siteaudit's options.
//
// write_completion_script() writes a shell's completion script from the options'
// description (option_syntax.hpp). The build runs it (src/write_completions.cpp) on the
// option table the program itself is built from, and installs the scripts where
// bash-completion, zsh and fish look for them; nobody keeps a list of options by hand.
//
// Each script completes option names, the words of a choice (--method head|get), file names
// for the options that take a FILE and for the inputs, and nothing for other values (a
// number, a regex). After `siteaudit merge` it completes merge's own options and JSON reports
// (*.json, and directories) as its operands; at the first word it offers `merge` beside the
// inputs. The bash script needs only bash 4: it defines _siteaudit, which reads
// COMP_WORDS and COMP_CWORD and fills COMPREPLY, and registers it with `complete -F`.
//
// Example:
//   std::ofstream out("siteaudit.fish");
//   cli::write_completion_script(cli::Shell::fish,
//                                {cli::option_syntax(), cli::merge_option_syntax()}, out);
//
// Thread safety: no shared state.
#pragma once

#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "cli/option_syntax.hpp"

namespace siteaudit::cli {

enum class Shell { bash, zsh, fish };

// shell_named() is the Shell called `name` ("bash", "zsh", "fish"), or nullopt.
std::optional<Shell> shell_named(std::string_view name);

// CommandSyntax is what a script completes: siteaudit's options (its operands are files or
// URLs) and those of `siteaudit merge` (its operands are JSON reports).
struct CommandSyntax {
  std::vector<OptionSyntax> options;
  std::vector<OptionSyntax> merge_options;
};

// write_completion_script() writes the completion script for `shell` of a command called
// "siteaudit" with `syntax`.
void write_completion_script(Shell shell, const CommandSyntax& syntax, std::ostream& out);

}  // namespace siteaudit::cli
