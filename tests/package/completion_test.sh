#!/usr/bin/env bash
# completion_test.sh DIR — the completion scripts generated into DIR (bash/siteaudit,
# zsh/_siteaudit, fish/siteaudit.fish) work in the real shells: bash's function gives the
# right candidates when called the way `complete -F` calls it, zsh and fish parse theirs, and
# fish completes from its script. CTest runs it on the build's completions/ (label
# "completions"); tests/package/install_test.sh runs it on the installed files.
set -euo pipefail
dir="$(cd "${1:?usage: completion_test.sh DIR}" && pwd)"
failures=0
fail() { echo "completion_test: FAIL: $*" >&2; failures=$((failures + 1)); }

for shell in bash zsh fish; do
  command -v "$shell" >/dev/null ||
    { echo "completion_test: $shell is not installed (scripts/test installs it; or: apt-get install $shell)" >&2; exit 1; }
done
for file in bash/siteaudit zsh/_siteaudit fish/siteaudit.fish; do
  [ -f "$dir/$file" ] ||
    { echo "completion_test: $dir/$file is missing: build the 'completions' target first" >&2; exit 1; }
done

# candidates WORD... — what _siteaudit offers for the command line WORD..., the last word
# being the one completed, one per line, sorted; run in a fresh non-interactive bash.
candidates() {
  (cd "$scratch" && bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _siteaudit siteaudit "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$dir/bash/siteaudit" "$@")
}
expect() {  # expect "WANTED (lines joined by spaces)" WORD...
  local wanted="$1"; shift
  local got
  got="$(candidates "$@" | paste -sd ' ')"
  [ "$got" = "$wanted" ] || fail "bash: siteaudit ${*:2}<TAB> offers '$got', expected '$wanted'"
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/routes.txt" "$scratch/robots.txt" "$scratch/hosts.txt"
touch "$scratch/part-1.json" "$scratch/part-2.json" "$scratch/part-notes.txt"
mkdir "$scratch/parts"

expect "--method" siteaudit --me
expect "get head" siteaudit --method ""
expect "get" siteaudit --method g
expect "head" siteaudit --method h                 # the last choice does not match: no files
expect "get head" siteaudit --method = ""          # --method=<TAB>, '=' splits the word
expect "get" siteaudit --method = g
expect "--method=get" siteaudit --method=g          # '=' not in COMP_WORDBREAKS
expect "fail follow warn" siteaudit --redirects ""
expect "auto" siteaudit --color = au
expect "always auto never" siteaudit --color ""
expect "robots.txt routes.txt" siteaudit --expect r  # a FILE option completes files
expect "robots.txt routes.txt" siteaudit --config r
expect "" siteaudit --workers ""                    # a number: nothing to offer
expect "robots.txt routes.txt" siteaudit --strict r  # a switch: the next word is an input
expect "robots.txt routes.txt" siteaudit -- r
expect "--quiet" siteaudit -v --q
# siteaudit merge: its own options, and JSON reports (and directories) as its operands.
merge_options="--baseline --color --help --html --json --junit --markdown --quiet --sarif --verbose"
expect "$merge_options" siteaudit merge --
expect "--baseline" siteaudit merge part-1.json --ba
expect "" siteaudit merge --me                      # --method is the audit's, not merge's
expect "always auto never" siteaudit merge --color ""
expect "part-1.json part-2.json parts" siteaudit merge p   # not part-notes.txt
expect "part-1.json part-2.json parts" siteaudit merge --json out.json p
expect "part-1.json part-2.json part-notes.txt parts" siteaudit merge --junit p  # a FILE option
expect "merge" siteaudit m                          # the command, beside the inputs
expect "--method" siteaudit --me                    # an audit still has its own options
registered="$(bash --norc --noprofile -c 'source "$1"; complete -p siteaudit' bash "$dir/bash/siteaudit")"
[ "$registered" = "complete -F _siteaudit siteaudit" ] || fail "bash: registered as '$registered'"

zsh -n "$dir/zsh/_siteaudit" || fail "zsh -n $dir/zsh/_siteaudit"
head -n 1 "$dir/zsh/_siteaudit" | grep -qx '#compdef siteaudit' || fail "zsh: no #compdef line"
fish --no-execute "$dir/fish/siteaudit.fish" || fail "fish --no-execute $dir/fish/siteaudit.fish"
fish_methods="$(fish --no-config -c "source '$dir/fish/siteaudit.fish'; complete -C'siteaudit --method '" |
                cut -f1 | sort | paste -sd ' ')"
[ "$fish_methods" = "get head" ] || fail "fish: siteaudit --method <TAB> offers '$fish_methods'"
fish_merge="$(fish --no-config -c "source '$dir/fish/siteaudit.fish'; complete -C'siteaudit merge --'" |
              cut -f1 | sort | paste -sd ' ')"
[ "$fish_merge" = "$merge_options" ] || fail "fish: siteaudit merge --<TAB> offers '$fish_merge'"
fish_reports="$(cd "$scratch" && fish --no-config -c "source '$dir/fish/siteaudit.fish'; complete -C'siteaudit merge p'" |
                cut -f1 | sort | paste -sd ' ')"
[ "$fish_reports" = "part-1.json part-2.json parts/" ] ||
  fail "fish: siteaudit merge p<TAB> offers '$fish_reports'"
# zsh_complete LINE UNTIL — what an interactive zsh (driven through zpty) lists for LINE<TAB>,
# with the generated script on its fpath, run in the scratch directory. It reads until the
# listing holds UNTIL and then stays quiet for 0.3 s, or for 30 s: a fixed four seconds of
# reads failed once on a loaded machine, where compinit alone can take seconds.
zsh_complete() {
  (cd "$scratch" && zsh -f -c '
    zmodload zsh/zpty
    zpty z zsh -f -i
    zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u; PROMPT="
    zpty -n -w z "$2"$'"'"'\t'"'"'
    out="" quiet=0
    for i in {1..300}; do
      if zpty -r -t z chunk; then
        out+=$chunk quiet=0
      elif [[ $out == *"$3"* ]] && (( ++quiet >= 3 )); then
        break
      else
        sleep 0.1
      fi
    done
    zpty -d z
    print -r -- "$out"' zsh "$dir/zsh" "$1" "$2" 2>/dev/null)
}
# zsh: the script's merge branch runs in a real completion.
if zsh -c 'zmodload zsh/zpty' 2>/dev/null; then
  zsh_merge="$(zsh_complete "siteaudit merge --" "--verbose")"
  for option in --baseline --junit --verbose; do
    case "$zsh_merge" in *"$option "*) ;; *) fail "zsh: siteaudit merge --<TAB> does not offer $option" ;; esac
  done
  case "$zsh_merge" in *--method*) fail "zsh: siteaudit merge --<TAB> offers the audit's --method" ;; esac
  zsh_reports="$(zsh_complete "siteaudit merge part-1.json part" "part-2.json")"
  case "$zsh_reports" in *part-2.json*) ;; *) fail "zsh: siteaudit merge part-1.json part<TAB> does not offer part-2.json" ;; esac
  case "$zsh_reports" in *part-notes*) fail "zsh: siteaudit merge part<TAB> offers a file that is no JSON report" ;; esac
else
  fail "zsh: the zsh/zpty module is missing (Debian's zsh has it)"
fi

[ "$failures" -eq 0 ] || exit 1
echo "completion_test: ok ($dir)"
