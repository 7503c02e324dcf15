#!/usr/bin/env bash
# Build a small real Go program with the newest provisioned Go release, then show what shiplint reads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-go.sh
newest=$(grep -v '^#' scripts/go-versions.txt | tail -n 1)
goroot="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/go/$newest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/hello/. "$work/"
(cd "$work" && GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod \
  "$goroot/bin/go" build -ldflags="-X main.version=v1.2.3" -o hello .)
cargo build --quiet --release
echo "\$ shiplint buildinfo -m hello      (byte-identical to: go version -m hello)"
./target/release/shiplint buildinfo -m "$work/hello"
echo
echo "\$ shiplint inspect hello"
./target/release/shiplint inspect "$work/hello" > "$work/facts.txt"
grep -v '^  source file' "$work/facts.txt"
echo "  ...and the build-host paths the pclntab leaks (no -trimpath):"
grep '^  source file *\/' "$work/facts.txt" | head -n 5
