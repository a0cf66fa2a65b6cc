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

// The bash script handles "--option value", "--option=value" (bash splits the word at '=',
// which COMP_WORDBREAKS holds by default, or not), and "--", after which every word is an
// input. Choices and option names are matched by prefix, file names by compgen -f.
void write_bash(const std::vector<OptionSyntax>& options, std::ostream& out) {
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

# _siteaudit_value OPTION PREFIX CUR completes the value of OPTION; status 1 when OPTION
# takes no value.
_siteaudit_value() {
    case $1 in
)";
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
  std::vector<std::string> names;
  for (const OptionSyntax& option : options) {
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  out << R"(        *) return 1 ;;
    esac
    return 0
}

_siteaudit() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" i
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            _siteaudit_files "" "$cur"
            return 0
        fi
    done
    if [[ $cur == = && $prev == -* ]]; then  # --option=<TAB>
        _siteaudit_value "$prev" "" ""
        return 0
    fi
    if [[ $prev == = ]] && (( COMP_CWORD > 1 )); then  # --option=va<TAB>
        _siteaudit_value "${COMP_WORDS[COMP_CWORD-2]}" "" "$cur"
        return 0
    fi
    if [[ $cur == --*=* ]]; then  # --option=va<TAB>, '=' not in COMP_WORDBREAKS
        _siteaudit_value "${cur%%=*}" "${cur%%=*}=" "${cur#*=}"
        return 0
    fi
    if [[ $prev == -* ]] && _siteaudit_value "$prev" "" "$cur"; then  # --option va<TAB>
        return 0
    fi
    if [[ $cur == -* ]]; then
        _siteaudit_add "" "$cur" \
)";
  // The option names, a few to a line.
  for (std::size_t i = 0; i < names.size(); i += 6) {
    std::vector<std::string> line(names.begin() + static_cast<long>(i),
                                  names.begin() + static_cast<long>(std::min(i + 6, names.size())));
    out << "            " << joined_words(line, shell_word) << (i + 6 < names.size() ? " \\" : "")
        << '\n';
  }
  out << R"(        return 0
    fi
    _siteaudit_files "" "$cur"  # an input: a sitemap file, or a URL typed out
}

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

void write_zsh(const std::vector<OptionSyntax>& options, std::ostream& out) {
  out << "#compdef siteaudit\n# zsh " << kGenerated << "\n_arguments -s -S : \\\n";
  for (const OptionSyntax& option : options) out << "  " << zsh_spec(option) << " \\\n";
  out << "  '*:input (sitemap URL, robots.txt URL, site root, file or -):_files'\n";
}

// --- fish ---

void write_fish(const std::vector<OptionSyntax>& options, std::ostream& out) {
  out << "# fish " << kGenerated << '\n';
  for (const OptionSyntax& option : options) {
    out << "complete -c siteaudit";
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

}  // namespace

std::optional<Shell> shell_named(std::string_view name) {
  if (name == "bash") return Shell::bash;
  if (name == "zsh") return Shell::zsh;
  if (name == "fish") return Shell::fish;
  return std::nullopt;
}

void write_completion_script(Shell shell, const std::vector<OptionSyntax>& options,
                             std::ostream& out) {
  switch (shell) {
    case Shell::bash:
      write_bash(options, out);
      break;
    case Shell::zsh:
      write_zsh(options, out);
      break;
    case Shell::fish:
      write_fish(options, out);
      break;
  }
}

}  // namespace siteaudit::cli
