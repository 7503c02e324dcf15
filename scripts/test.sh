#!/usr/bin/env bash
# The whole test suite, from a fresh machine: real Go toolchains, old real binaries, the SARIF
# validator, then cargo test. Ends with one summary line over every test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-go.sh
bash scripts/fetch-old-binaries.sh
bash scripts/fetch-packages.sh
bash scripts/fetch-test-tools.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
