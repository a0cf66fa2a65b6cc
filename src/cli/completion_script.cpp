// completion_script.cpp — bash, zsh and fish completion scripts from the options' syntax.
#include "cli/completion_script.hpp"

#include <fmt/format.h>

#include <ostream>
#include <string>

namespace siteaudit::cli {
namespace {

constexpr const char* kGenerated =
    "completion for siteaudit(1).\n"
    "# Generated at build time from siteaudit's option table (src/cli/completion_script.cpp);\n"
    "# edits here are lost.\n";

// shell_word() quotes `text` as one word for bash and zsh: '...' with each ' as '\''.
std::string shell_word(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// fish_word() quotes `text` for fish, whose single quotes escape only \ and '.
std::string fish_word(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

// description() is an option's help without its final full stop, as completion menus show it.
std::string description(const OptionSyntax& option) {
  std::string text = option.help;
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// escaped() puts a backslash before each character of `text` that is one of `special`.
std::string escaped(const std::string& text, std::string_view special) {
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string joined_words(const std::vector<std::string>& words,
                         std::string (*quote)(const std::string&)) {
  std::string line;
  for (const std::string& word : words) {
    if (!line.empty()) line += ' ';
    line += quote(word);
  }
  return line;
}

// --- bash ---

// write_bash_values() writes the shell function `name` OPTION PREFIX CUR, which completes the
// value of OPTION among `options`, with status 1 when OPTION takes no value.
void write_bash_values(const std::string& name, const std::vector<OptionSyntax>& options,
                       std::ostream& out) {
  out << "\n# " << name << R"( OPTION PREFIX CUR completes the value of OPTION; status 1 when
# OPTION takes no value.
)" << name
      << "() {\n    case $1 in\n";
  for (const OptionSyntax& option : options) {
    if (option.value == ValueKind::none) continue;
    out << "        " << fmt::format("{}", fmt::join(option.names, "|")) << ") ";
    switch (option.value) {
      case ValueKind::choice:
        out << "_siteaudit_add \"$2\" \"$3\" " << joined_words(option.choices, shell_word);
        break;
      case ValueKind::file:
        out << "_siteaudit_files \"$2\" \"$3\"";
        break;
      default:
        out << ":";  // a value only the user knows: nothing to offer
        break;
    }
    out << " ;;\n";
  }
  out << "        *) return 1 ;;\n    esac\n    return 0\n}\n";
}

// bash_names() is the option names of `options` as arguments of a shell command, a few to a
// line, each line but the last continued.
std::string bash_names(const std::vector<OptionSyntax>& options, std::string_view indent) {
  std::vector<std::string> names;
  for (const OptionSyntax& option : options) {
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); i += 6) {
    std::vector<std::string> line(names.begin() + static_cast<long>(i),
                                  names.begin() + static_cast<long>(std::min(i + 6, names.size())));
    text += fmt::format("{}{}{}\n", indent, joined_words(line, shell_word),
                        i + 6 < names.size() ? " \\" : "");
  }
  return text;
}

// The bash script handles "--option value", "--option=value" (bash splits the word at '=',
// which COMP_WORDBREAKS holds by default, or not), and "--", after which every word is an
// operand. Choices and option names are matched by prefix, file names by compgen -f. After
// "siteaudit merge" it completes merge's own options, and JSON reports as its operands.
void write_bash(const CommandSyntax& syntax, std::ostream& out) {
  out << "# bash " << kGenerated << R"(
# _siteaudit_add PREFIX CUR WORD... adds each WORD that starts with CUR, after PREFIX.
_siteaudit_add() {
    local prefix=$1 cur=$2 word
    shift 2
    for word; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$prefix$word")
    done
    return 0
}

# _siteaudit_files PREFIX CUR adds the file names that start with CUR, after PREFIX.
_siteaudit_files() {
    local name
    compopt -o filenames 2>/dev/null  # only inside a completion; quotes names as names
    while IFS= read -r name; do
        COMPREPLY+=("$1$name")
    done < <(compgen -f -- "$2")
    return 0
}

# _siteaudit_reports PREFIX CUR adds the JSON reports (*.json) and directories that start with
# CUR, after PREFIX: what `siteaudit merge` reads.
_siteaudit_reports() {
    local name
    compopt -o filenames 2>/dev/null
    while IFS= read -r name; do
        [[ $name == *.json || -d $name ]] && COMPREPLY+=("$1$name")
    done < <(compgen -f -- "$2")
    return 0
}
)";
  write_bash_values("_siteaudit_value", syntax.options, out);
  write_bash_values("_siteaudit_merge_value", syntax.merge_options, out);
  out << R"(
# _siteaudit_complete VALUES OPERANDS FIRST NAME... completes the word under the cursor of a
# command line whose options start at word FIRST: VALUES completes an option's value, OPERANDS
# an operand, and NAME... are the option names.
_siteaudit_complete() {
    local values=$1 operands=$2 first=$3 cur=${COMP_WORDS[COMP_CWORD]} prev="" i
    shift 3
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    for (( i = first; i < COMP_CWORD; i++ )); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            "$operands" "" "$cur"
            return 0
        fi
    done
    if [[ $cur == = && $prev == -* ]]; then  # --option=<TAB>
        "$values" "$prev" "" ""
        return 0
    fi
    if [[ $prev == = ]] && (( COMP_CWORD > 1 )); then  # --option=va<TAB>
        "$values" "${COMP_WORDS[COMP_CWORD-2]}" "" "$cur"
        return 0
    fi
    if [[ $cur == --*=* ]]; then  # --option=va<TAB>, '=' not in COMP_WORDBREAKS
        "$values" "${cur%%=*}" "${cur%%=*}=" "${cur#*=}"
        return 0
    fi
    if [[ $prev == -* ]] && "$values" "$prev" "" "$cur"; then  # --option va<TAB>
        return 0
    fi
    if [[ $cur == -* ]]; then
        _siteaudit_add "" "$cur" "$@"
        return 0
    fi
    "$operands" "" "$cur"  # siteaudit: an input (a sitemap file, or a URL typed out)
}

_siteaudit() {
    COMPREPLY=()
    if (( COMP_CWORD > 1 )) && [[ ${COMP_WORDS[1]} == merge ]]; then
        _siteaudit_complete _siteaudit_merge_value _siteaudit_reports 2 \
)" << bash_names(syntax.merge_options, "            ")
      << R"(        return 0
    fi
    if (( COMP_CWORD == 1 )) && [[ ${COMP_WORDS[1]} != -* ]]; then
        _siteaudit_add "" "${COMP_WORDS[1]}" merge  # the merge command, beside the inputs
    fi
    _siteaudit_complete _siteaudit_value _siteaudit_files 1 \
)" << bash_names(syntax.options, "        ")
      << R"(}

complete -F _siteaudit siteaudit
)";
}

// --- zsh ---

// zsh_spec() is one option's _arguments spec: '(-q --quiet)'{-q,--quiet}'[help]' or
// '*--include=[help]:REGEX: '.
std::string zsh_spec(const OptionSyntax& option) {
  std::string spec;
  if (option.ends_command_line) {
    spec += "'(- *)'";
  } else if (option.names.size() > 1 && !option.repeatable) {
    spec += shell_word(fmt::format("({})", fmt::join(option.names, " ")));
  }
  if (option.repeatable) spec += "'*'";
  std::vector<std::string> names;
  for (const std::string& name : option.names) {
    if (option.value == ValueKind::none) {
      names.push_back(name);
    } else {
      // -c FILE or -cFILE; --config FILE or --config=FILE.
      names.push_back(name + (name.rfind("--", 0) == 0 ? "=" : "+"));
    }
  }
  spec += names.size() == 1 ? names.front() : fmt::format("{{{}}}", fmt::join(names, ","));
  // fmt::format rather than "[" + text: GCC 12 reports a false -Wrestrict in a literal + a
  // std::string temporary (GCC bug 105329).
  std::string rest = fmt::format("[{}]", escaped(description(option), "\\[]"));
  if (option.value != ValueKind::none) {
    rest += fmt::format(":{}:", escaped(option.value_name, "\\:"));
    switch (option.value) {
      case ValueKind::choice:
        rest += fmt::format("({})", fmt::join(option.choices, " "));
        break;
      case ValueKind::file:
        rest += "_files";
        break;
      default:
        rest += " ";  // a value only the user knows: show its name, offer nothing
        break;
    }
  }
  return spec + shell_word(rest);
}

// After "siteaudit merge" the zsh script completes merge's options and JSON reports, as if
// merge were the command; at the first word it offers merge beside the inputs.
void write_zsh(const CommandSyntax& syntax, std::ostream& out) {
  out << "#compdef siteaudit\n# zsh " << kGenerated << R"(
if (( CURRENT > 2 )) && [[ $words[2] == merge ]]; then
  shift words
  (( CURRENT-- ))
  _arguments -s -S : \
)";
  for (const OptionSyntax& option : syntax.merge_options) {
    out << "    " << zsh_spec(option) << " \\\n";
  }
  // The glob's ")" before a quote would end a plain raw string: this one ends at )zsh".
  out << R"zsh(    '*:report (a part'\''s JSON report):_files -g "*.json(-.)"'
  return
fi
(( CURRENT == 2 )) && [[ $PREFIX != -* ]] && compadd -- merge
_arguments -s -S : \
)zsh";
  for (const OptionSyntax& option : syntax.options) out << "  " << zsh_spec(option) << " \\\n";
  out << "  '*:input (sitemap URL, robots.txt URL, site root, file or -):_files'\n";
}

// --- fish ---

// fish_options() writes one complete line per option, each under the condition `when`.
void fish_options(const std::vector<OptionSyntax>& options, std::string_view when,
                  std::ostream& out) {
  for (const OptionSyntax& option : options) {
    out << "complete -c siteaudit -n " << when;
    for (const std::string& name : option.names) {
      if (name.rfind("--", 0) == 0) {
        out << " -l " << name.substr(2);
      } else {
        out << " -s " << name.substr(1);
      }
    }
    switch (option.value) {
      case ValueKind::none:
        break;
      case ValueKind::choice:
        out << " -x -a " << fish_word(fmt::format("{}", fmt::join(option.choices, " ")));
        break;
      case ValueKind::file:
        out << " -r -F";
        break;
      case ValueKind::text:
        out << " -x";
        break;
    }
    out << " -d " << fish_word(description(option)) << '\n';
  }
}

// The fish script tells the merge command from an audit by its first word, with a function of
// its own (fish's __fish_seen_subcommand_from would take an input named "merge" anywhere).
void write_fish(const CommandSyntax& syntax, std::ostream& out) {
  out << "# fish " << kGenerated << R"(
# __fish_siteaudit_merge is true on the command line of `siteaudit merge`.
function __fish_siteaudit_merge
    set -l words (commandline -opc)
    test (count $words) -ge 2; and test "$words[2]" = merge
end

# __fish_siteaudit_reports lists the JSON reports and directories that start with the token.
function __fish_siteaudit_reports
    for name in (commandline -ct)*
        if test -d $name
            echo $name/
        else if string match -q -- '*.json' $name
            echo $name
        end
    end
end

complete -c siteaudit -n '__fish_siteaudit_merge' -x -a '(__fish_siteaudit_reports)'
complete -c siteaudit -n 'not __fish_siteaudit_merge; and test (count (commandline -opc)) -eq 1' -a merge -d 'Combine the JSON reports of a sharded run'
)";
  fish_options(syntax.merge_options, "'__fish_siteaudit_merge'", out);
  fish_options(syntax.options, "'not __fish_siteaudit_merge'", out);
}

}  // namespace

std::optional<Shell> shell_named(std::string_view name) {
  if (name == "bash") return Shell::bash;
  if (name == "zsh") return Shell::zsh;
  if (name == "fish") return Shell::fish;
  return std::nullopt;
}

void write_completion_script(Shell shell, const CommandSyntax& syntax, std::ostream& out) {
  switch (shell) {
    case Shell::bash:
      write_bash(syntax, out);
      break;
    case Shell::zsh:
      write_zsh(syntax, out);
      break;
    case Shell::fish:
      write_fish(syntax, out);
      break;
  }
}

}  // namespace siteaudit::cli
