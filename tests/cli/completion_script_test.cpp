// completion_script_test.cpp — the generated scripts offer what the options say, quoted for
// each shell. (tests/package/completion_test.sh runs the built scripts in real shells.)
#include "cli/completion_script.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using siteaudit::cli::OptionSyntax;
using siteaudit::cli::Shell;
using siteaudit::cli::ValueKind;

std::string script(Shell shell, const std::vector<OptionSyntax>& options,
                   const std::vector<OptionSyntax>& merge_options = {}) {
  std::ostringstream out;
  siteaudit::cli::write_completion_script(shell, {options, merge_options}, out);
  return out.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::vector<OptionSyntax> kOptions{
    {{"-h", "--help"}, ValueKind::none, "", {}, false, true, "Print this help and exit."},
    {{"--method"},
     ValueKind::choice,
     "head|get",
     {"head", "get"},
     false,
     false,
     "Request method; it's HEAD [default]."},
    {{"-c", "--config"}, ValueKind::file, "FILE", {}, false, false, "Read options."},
    {{"--header"}, ValueKind::text, "'NAME: VALUE'", {}, true, false, "Send a header."},
    {{"--strict"}, ValueKind::none, "", {}, false, false, "Treat warnings as failures."},
};

const std::vector<OptionSyntax> kMergeOptions{
    {{"-h", "--help"}, ValueKind::none, "", {}, false, true, "Print this help and exit."},
    {{"--junit"}, ValueKind::file, "FILE", {}, false, false, "Write a JUnit XML report to FILE."},
    {{"--color"},
     ValueKind::choice,
     "auto|always|never",
     {"auto", "always", "never"},
     false,
     false,
     "Colour the terminal output (default auto)."},
};

}  // namespace

TEST_CASE("shell_named() knows bash, zsh and fish", "[cli][completion]") {
  CHECK(siteaudit::cli::shell_named("bash") == Shell::bash);
  CHECK(siteaudit::cli::shell_named("zsh") == Shell::zsh);
  CHECK(siteaudit::cli::shell_named("fish") == Shell::fish);
  CHECK_FALSE(siteaudit::cli::shell_named("csh"));
  CHECK_FALSE(siteaudit::cli::shell_named(""));
}

TEST_CASE("the bash script completes names, choices and files, and registers itself",
          "[cli][completion]") {
  const std::string bash = script(Shell::bash, kOptions);
  CHECK(contains(bash, "--method) _siteaudit_add \"$2\" \"$3\" 'head' 'get' ;;"));
  CHECK(contains(bash, "-c|--config) _siteaudit_files \"$2\" \"$3\" ;;"));
  CHECK(contains(bash, "--header) : ;;"));   // a value, but nothing to offer
  CHECK_FALSE(contains(bash, "--strict)"));  // a switch takes no value
  CHECK(contains(bash, "'-h' '--help' '--method' '-c' '--config' '--header'"));
  CHECK(contains(bash, "complete -F _siteaudit siteaudit\n"));
}

TEST_CASE("the zsh script gives each option an _arguments spec, quoted", "[cli][completion]") {
  const std::string zsh = script(Shell::zsh, kOptions);
  CHECK(zsh.rfind("#compdef siteaudit\n", 0) == 0);
  CHECK(contains(zsh, "'(- *)'{-h,--help}'[Print this help and exit]' \\\n"));
  // A ' ends the quoted word and [ ] are _arguments' own: both are escaped.
  CHECK(contains(zsh,
                 "--method='[Request method; it'\\''s HEAD \\[default\\]]:head|get:(head get)'"));
  CHECK(contains(zsh, "'(-c --config)'{-c+,--config=}'[Read options]:FILE:_files'"));
  CHECK(contains(zsh, "'*'--header='[Send a header]:'\\''NAME\\: VALUE'\\'': '"));
  CHECK(contains(zsh, "  --strict'[Treat warnings as failures]' \\\n"));
  CHECK(contains(zsh, "'*:input (sitemap URL, robots.txt URL, site root, file or -):_files'\n"));
}

TEST_CASE("the fish script has one complete line per option", "[cli][completion]") {
  const std::string fish = script(Shell::fish, kOptions);
  const std::string audit = "complete -c siteaudit -n 'not __fish_siteaudit_merge'";
  CHECK(contains(fish, audit + " -s h -l help -d 'Print this help and exit'\n"));
  CHECK(contains(fish, audit + " -l method -x -a 'head get' -d 'Request method; it\\'s HEAD "
                               "[default]'\n"));
  CHECK(contains(fish, audit + " -s c -l config -r -F -d 'Read options'\n"));
  CHECK(contains(fish, audit + " -l header -x -d 'Send a header'\n"));
  CHECK(contains(fish, audit + " -l strict -d 'Treat warnings as failures'\n"));
}

TEST_CASE("the scripts complete siteaudit merge's own options and its JSON reports",
          "[cli][completion]") {
  const std::string bash = script(Shell::bash, kOptions, kMergeOptions);
  CHECK(contains(bash,
                 "_siteaudit_merge_value() {\n    case $1 in\n"
                 "        --junit) _siteaudit_files \"$2\" \"$3\" ;;\n"
                 "        --color) _siteaudit_add \"$2\" \"$3\" 'auto' 'always' 'never' ;;\n"));
  CHECK(contains(bash,
                 "_siteaudit_complete _siteaudit_merge_value _siteaudit_reports 2 \\\n"
                 "            '-h' '--help' '--junit' '--color'\n"));
  CHECK(contains(bash, "[[ $name == *.json || -d $name ]]"));
  CHECK(contains(bash, "_siteaudit_add \"\" \"${COMP_WORDS[1]}\" merge"));
  // The audit's options are not offered after merge, nor merge's to an audit.
  const std::string audit_part = bash.substr(bash.find("_siteaudit_complete _siteaudit_value"));
  CHECK_FALSE(contains(audit_part, "'--junit'"));
  CHECK(contains(audit_part, "'--method'"));

  const std::string zsh = script(Shell::zsh, kOptions, kMergeOptions);
  CHECK(contains(zsh, "if (( CURRENT > 2 )) && [[ $words[2] == merge ]]; then\n  shift words\n"));
  CHECK(contains(zsh, "    --junit='[Write a JUnit XML report to FILE]:FILE:_files' \\\n"));
  CHECK(contains(zsh, "    '*:report (a part'\\''s JSON report):_files -g \"*.json(-.)\"'\n"));
  CHECK(contains(zsh, "(( CURRENT == 2 )) && [[ $PREFIX != -* ]] && compadd -- merge\n"));

  const std::string fish = script(Shell::fish, kOptions, kMergeOptions);
  CHECK(contains(fish, "function __fish_siteaudit_merge\n"));
  CHECK(contains(fish,
                 "complete -c siteaudit -n '__fish_siteaudit_merge' -l color -x -a 'auto "
                 "always never' -d 'Colour the terminal output (default auto)'\n"));
  CHECK(contains(fish,
                 "complete -c siteaudit -n '__fish_siteaudit_merge' -x -a "
                 "'(__fish_siteaudit_reports)'\n"));
}
