#!/usr/bin/env bash
# plain_install_test.sh BUILD_DIR — `cmake --install` of a built tree (not the Debian layout)
# puts every file where the FHS and the shells expect it, under a scratch prefix: the binary,
# the compressed man page with the project's version, the schema, the completions (zsh's in
# site-functions, as zsh reads for /usr/local), README.md and LICENSE. CTest runs it on its
# own build (label "install").
set -euo pipefail
build="${1:?usage: plain_install_test.sh BUILD_DIR}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/prefix"

cmake --install "$build" --prefix "$prefix" >/dev/null
status=0
for path in bin/siteaudit share/man/man1/siteaudit.1.gz share/siteaudit/siteaudit-report.schema.json \
            share/bash-completion/completions/siteaudit share/zsh/site-functions/_siteaudit \
            share/fish/vendor_completions.d/siteaudit.fish share/doc/siteaudit/README.md \
            share/doc/siteaudit/LICENSE; do
  [ -f "$prefix/$path" ] || { echo "plain_install_test: FAIL: no $path under the prefix" >&2; status=1; }
done
extra="$(cd "$prefix" && find . -type f | sed 's|^\./||' | sort |
         grep -v -x -e bin/siteaudit -e share/man/man1/siteaudit.1.gz \
                    -e share/siteaudit/siteaudit-report.schema.json \
                    -e share/bash-completion/completions/siteaudit -e share/zsh/site-functions/_siteaudit \
                    -e share/fish/vendor_completions.d/siteaudit.fish -e share/doc/siteaudit/README.md \
                    -e share/doc/siteaudit/LICENSE || true)"
[ -z "$extra" ] || { echo "plain_install_test: FAIL: unexpected files installed: $extra" >&2; status=1; }
[ -x "$prefix/bin/siteaudit" ] || { echo "plain_install_test: FAIL: bin/siteaudit is not executable" >&2; status=1; }
# Whole outputs into the pipes' readers: with pipefail, a reader that stops early (head, grep
# -q) can make the writer die of SIGPIPE and fail the pipeline, depending on timing.
version="$("$prefix/bin/siteaudit" --version | sed -n 1p)"
gzip -dc "$prefix/share/man/man1/siteaudit.1.gz" | grep "^\.TH SITEAUDIT 1 .*\"$version\"" >/dev/null ||
  { echo "plain_install_test: FAIL: the man page's .TH does not say \"$version\"" >&2; status=1; }
[ "$status" = 0 ] && echo "plain_install_test: ok ($build)"
exit "$status"
