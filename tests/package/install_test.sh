#!/usr/bin/env bash
# install_test.sh — the Debian package as a user gets it. Run by scripts/test (CI runs it as
# root on a fresh Debian 12); runnable on its own from a checkout:
#
#   tests/package/install_test.sh            build it with scripts/package --lintian, then test
#   tests/package/install_test.sh FILE.deb   test that package
#
# As root it installs the package with dpkg -i into this machine; otherwise into a throw-away
# root (dpkg --root, dependencies not checked). Then: the installed siteaudit runs (--version)
# and audits the demo site served by fixtures/server/server.py on 127.0.0.1, `man -w` finds
# its page, the completions are where bash-completion, zsh and fish look and work there; then
# the package is purged and nothing of it may be left. The package is purged on any exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here="$PWD"

fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
step() { echo "== install_test: $*" >&2; }

if [ $# -ge 1 ]; then
  deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  deb="$here/$(scripts/package --lintian | tail -n 1)"
fi
[ -f "$deb" ] || fail "no package at $deb"
# The man-db and shell packages the checks below use (scripts/setup installs them).
scripts/setup --install-only man-db bash-completion zsh fish >/dev/null

# known_to_dpkg [DPKG-QUERY-OPTIONS] — whether dpkg has siteaudit in any state but not-installed.
known_to_dpkg() {
  local status
  status="$(dpkg-query "$@" -W -f='${Status}' siteaudit 2>/dev/null || true)"
  case "$status" in "" | *not-installed) return 1 ;; *) return 0 ;; esac
}

scratch="$(mktemp -d)"
server_pid=""
root=""  # "" = this machine's /, else the throw-away root
dpkg_root=(dpkg)
if [ "$(id -u)" -ne 0 ]; then
  root="$scratch/root"
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  touch "$root/var/lib/dpkg/status"
  dpkg_root=(dpkg --root="$root" --log=/dev/null --force-not-root --force-depends --force-script-chrootless)
else
  # Never purge a siteaudit this test did not install.
  if known_to_dpkg; then
    fail "a siteaudit package is already installed; remove it first (dpkg --purge siteaudit)"
  fi
  [ ! -e /usr/bin/siteaudit ] || fail "/usr/bin/siteaudit exists and is not from the package"
fi
installed=0
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  if [ "$installed" = 1 ]; then "${dpkg_root[@]}" --purge siteaudit >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

step "dpkg -i $(basename "$deb")${root:+ (into $root)}"
# (In a throw-away root dpkg says that the dependencies are missing there; that is expected.)
# --path-include: minimal images tell dpkg to leave out /usr/share/man and /usr/share/doc
# (path-exclude in /etc/dpkg/dpkg.cfg.d); the test checks that the package ships them.
"${dpkg_root[@]}" --path-include='/*' -i "$deb" >"$scratch/dpkg.log" 2>&1 ||
  { cat "$scratch/dpkg.log" >&2; fail "dpkg -i failed"; }
installed=1
mapfile -t files < <("${dpkg_root[@]}" -L siteaudit)
prefix="${root}/usr"
for path in bin/siteaudit share/man/man1/siteaudit.1.gz share/siteaudit/siteaudit-report.schema.json \
            share/bash-completion/completions/siteaudit share/zsh/vendor-completions/_siteaudit \
            share/fish/vendor_completions.d/siteaudit.fish share/doc/siteaudit/copyright \
            share/doc/siteaudit/changelog.gz share/doc/siteaudit/README.md.gz; do
  [ -f "$prefix/$path" ] || fail "the package did not install /usr/$path"
done

step "siteaudit --version"
"$prefix/bin/siteaudit" --version >"$scratch/version" || fail "siteaudit --version exited with $?"
cat "$scratch/version" >&2
version="$(sed -n 's/^project(siteaudit VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)"
[ "$(head -n 1 "$scratch/version")" = "siteaudit $version" ] || fail "--version does not say siteaudit $version"
grep -q '^libcurl ' "$scratch/version" || fail "--version names no libcurl"
grep -q '^runtime: ' "$scratch/version" || fail "--version names no runtime build"

step "the installed siteaudit audits the demo site"
python3 fixtures/server/server.py --root fixtures/demo-site --quiet >"$scratch/port" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$scratch/port")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the fixture server did not start"
set +e
"$prefix/bin/siteaudit" "http://127.0.0.1:$port/" --expect fixtures/routes/demo-routes.txt \
  --no-progress --quiet --json "$scratch/report.json" >/dev/null
status=$?
set -e
# The demo site is broken on purpose (README.md): 17 URLs, 2 of them failed, exit status 1.
[ "$status" = 1 ] || fail "the audit of the demo site exited with $status, expected 1"
python3 - "$scratch/report.json" <<'PY' || fail "the report is not the demo site's"
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
assert (summary["total"], summary["failed"]) == (17, 2), summary
PY

step "man -w siteaudit"
if [ -z "$root" ]; then
  page="$(man -w siteaudit)" || fail "man -w siteaudit found no page"
else
  page="$(MANPATH="$root/usr/share/man" man -w siteaudit)" || fail "man -w siteaudit found no page"
fi
[ "$page" = "$root/usr/share/man/man1/siteaudit.1.gz" ] || fail "man -w siteaudit is $page"
# grep without -q reads to the end: with pipefail, a grep that stopped at the match would let
# zcat die of SIGPIPE and fail the pipeline, depending on timing.
zcat "$page" | grep "^\.TH SITEAUDIT 1 .*\"siteaudit $version\"" >/dev/null ||
  fail "the man page's .TH does not say $version"

step "the completions, where the shells look for them"
tree="$scratch/completions"
mkdir -p "$tree/bash" "$tree/zsh" "$tree/fish"
cp "$prefix/share/bash-completion/completions/siteaudit" "$tree/bash/siteaudit"
cp "$prefix/share/zsh/vendor-completions/_siteaudit" "$tree/zsh/_siteaudit"
cp "$prefix/share/fish/vendor_completions.d/siteaudit.fish" "$tree/fish/siteaudit.fish"
tests/package/completion_test.sh "$tree" >&2
if [ -z "$root" ]; then
  # bash-completion loads a command's completion on first use, by the command's name.
  loaded="$(bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion
                                        __load_completion siteaudit && complete -p siteaudit')"
  [ "$loaded" = "complete -F _siteaudit siteaudit" ] || fail "bash-completion did not load it: '$loaded'"
  zsh -fc 'print -l $fpath' | grep -x /usr/share/zsh/vendor-completions >/dev/null ||
    fail "/usr/share/zsh/vendor-completions is not in zsh's fpath"
  # (fish --no-config would leave fish_complete_path empty; an empty HOME keeps user config out.)
  mkdir -p "$scratch/home"
  fish_methods="$(HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home" XDG_DATA_HOME="$scratch/home" \
                  fish -c "complete -C'siteaudit --method '" | cut -f1 | sort | paste -sd ' ')"
  [ "$fish_methods" = "get head" ] || fail "fish did not find the installed completion: '$fish_methods'"
fi

step "dpkg --purge siteaudit leaves nothing"
"${dpkg_root[@]}" --purge siteaudit >/dev/null
installed=0
admindir=()
[ -n "$root" ] && admindir=(--admindir="$root/var/lib/dpkg")
for path in "${files[@]}"; do
  [ -e "$root$path" ] || continue
  # A directory stays when it is shared: another package owns it, or holds files in it
  # (/usr/bin, /usr/share/man/man1, /usr/share/zsh/vendor-completions).
  if [ -d "$root$path" ]; then
    [ -n "$(ls -A "$root$path")" ] && continue
    dpkg-query "${admindir[@]}" -S "$path" >/dev/null 2>&1 && continue
  fi
  fail "$path is left after dpkg --purge"
done
known_to_dpkg "${admindir[@]}" && fail "dpkg still knows siteaudit after --purge"
echo "install_test: ok ($(basename "$deb"))" >&2
