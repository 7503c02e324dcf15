#!/usr/bin/env bash
# Fetch the pre-1.18 Go executables listed in scripts/old-go-binaries.txt with `npm pack`
# (no install, no scripts run) into $CACHE/old-binaries/<package@version>. Never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/old-binaries"
mkdir -p "$cache"
grep -v '^#' "$here/old-go-binaries.txt" | while read -r spec member _go; do
  [ -n "$spec" ] || continue
  out="$cache/$spec"
  [ -s "$out" ] && continue
  tmp=$(mktemp -d "$cache/.tmp-XXXXXX")
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" "$member"
  mv "$tmp/$member" "$out"
  rm -rf "$tmp"
done
