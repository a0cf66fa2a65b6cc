// write_completions.cpp — the build's generator of siteaudit's shell completion scripts.
//
//   write_completions SHELL FILE     SHELL is bash, zsh or fish
//
// It links the same option table as siteaudit (src/cli/command_line.cpp), so the scripts the
// build installs follow the options without a hand-kept list. It is a build tool, never
// installed: users get the scripts, not this program.
#include <fstream>
#include <iostream>

#include "cli/command_line.hpp"
#include "cli/completion_script.hpp"

int main(int argc, char** argv) {
  if (argc != 3 || !siteaudit::cli::shell_named(argv[1])) {
    std::cerr << "usage: write_completions bash|zsh|fish FILE\n";
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  siteaudit::cli::write_completion_script(
      *siteaudit::cli::shell_named(argv[1]),
      {siteaudit::cli::option_syntax(), siteaudit::cli::merge_option_syntax()}, out);
  out.close();
  if (!out) {
    std::cerr << "write_completions: cannot write " << argv[2] << '\n';
    return 1;
  }
  return 0;
}
