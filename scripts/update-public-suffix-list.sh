#!/usr/bin/env bash
# Refreshes the Public Suffix List the project ships (functions/Licensing.Domain/Domains/public_suffix_list.dat, an
# embedded resource read by PublicSuffixList.cs) from a package registry, never from a web page:
#
#   scripts/update-public-suffix-list.sh            # Debian's `publicsuffix` package (installed when missing)
#   scripts/update-public-suffix-list.sh --npm      # the `psl` npm package's data/rules.js (often newer)
#
# Debian ships the list as published (MPL header, ICANN and private sections) and the list's own test cases
# (test_psl.txt), which replace tests/Licensing.Tests/Domains/test_psl.txt. The npm package ships the rules only: they
# are written under the list's MPL notice, and the test cases are left as they are. Afterwards run the list's tests
# (no emulator needed) and commit both files:
#
#   dotnet test tests/Licensing.Tests --filter "FullyQualifiedName~PublicSuffixList|FullyQualifiedName~HostBindings"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIST="$ROOT/functions/Licensing.Domain/Domains/public_suffix_list.dat"
CASES="$ROOT/tests/Licensing.Tests/Domains/test_psl.txt"
DEBIAN_LIST=/usr/share/publicsuffix/public_suffix_list.dat
DEBIAN_CASES=/usr/share/doc/publicsuffix/examples/test_psl.txt

from_debian() {
  if [ ! -f "$DEBIAN_LIST" ]; then
    log "installing Debian's publicsuffix package"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq publicsuffix >/dev/null
  fi
  cp "$DEBIAN_LIST" "$LIST.new"
  [ -f "$DEBIAN_CASES" ] && cp "$DEBIAN_CASES" "$CASES"
  log "from Debian publicsuffix $(dpkg-query -W -f='${Version}' publicsuffix 2>/dev/null || echo '?')"
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

from_npm() {
  local work="$WORK" version
  (cd "$work" && npm pack psl --silent >/dev/null && tar xzf psl-*.tgz)
  version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/package/package.json" | head -1)
  {
    echo "// This Source Code Form is subject to the terms of the Mozilla Public"
    echo "// License, v. 2.0. If a copy of the MPL was not distributed with this"
    echo "// file, You can obtain one at https://mozilla.org/MPL/2.0/."
    echo
    echo "// The Public Suffix List (https://publicsuffix.org/list/), ICANN and private sections, as the npm package"
    echo "// psl@$version ships its rules (data/rules.js), one rule per line; that package does not mark the sections."
    echo
    grep -o '"[^"]*"' "$work/package/data/rules.js" | tr -d '"'
  } >"$LIST.new"
  log "from npm psl@$version"
}

case "${1:-}" in
  "" | --debian) from_debian ;;
  --npm) from_npm ;;
  *) echo "usage: $0 [--debian | --npm]" >&2; exit 2 ;;
esac

# A list that lost its rules (a failed download, a changed package layout) must never replace the shipped one.
rules=$(grep -cvE '^\s*(//|$)' "$LIST.new" || true)
if [ "$rules" -lt 5000 ] || ! grep -qx 'github.io' "$LIST.new" || ! grep -qx 'co.uk' "$LIST.new"; then
  rm -f "$LIST.new"
  log "refused: only $rules rules, or github.io / co.uk missing"
  exit 1
fi
mv "$LIST.new" "$LIST"
log "$rules rules written to ${LIST#"$ROOT"/}; now run the PublicSuffixList tests and commit"
