#!/usr/bin/env bash
# Tools the tests use as referees, fetched from package registries into $CACHE/tools:
# Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux), the official SARIF validator.
set -euo pipefail
tools="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/tools"
mkdir -p "$tools"
if [ ! -x "$tools/sarif-multitool/Sarif.Multitool" ]; then
  tmp=$(mktemp -d "$tools/.tmp-XXXXXX")
  (cd "$tmp" && npm pack --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  chmod +x "$tmp/package/Sarif.Multitool"
  rm -rf "$tools/sarif-multitool"
  mv "$tmp/package" "$tools/sarif-multitool"
  rm -rf "$tmp"
fi
