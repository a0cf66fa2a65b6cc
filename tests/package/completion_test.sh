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
registered="$(bash --norc --noprofile -c 'source "$1"; complete -p siteaudit' bash "$dir/bash/siteaudit")"
[ "$registered" = "complete -F _siteaudit siteaudit" ] || fail "bash: registered as '$registered'"

zsh -n "$dir/zsh/_siteaudit" || fail "zsh -n $dir/zsh/_siteaudit"
head -n 1 "$dir/zsh/_siteaudit" | grep -qx '#compdef siteaudit' || fail "zsh: no #compdef line"
fish --no-execute "$dir/fish/siteaudit.fish" || fail "fish --no-execute $dir/fish/siteaudit.fish"
fish_methods="$(fish --no-config -c "source '$dir/fish/siteaudit.fish'; complete -C'siteaudit --method '" |
                cut -f1 | sort | paste -sd ' ')"
[ "$fish_methods" = "get head" ] || fail "fish: siteaudit --method <TAB> offers '$fish_methods'"

[ "$failures" -eq 0 ] || exit 1
echo "completion_test: ok ($dir)"
