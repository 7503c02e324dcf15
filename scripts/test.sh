#!/usr/bin/env bash
# The whole test suite, from a fresh machine: real Go toolchains, old real binaries, then cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-go.sh
bash scripts/fetch-old-binaries.sh
bash scripts/fetch-test-tools.sh
cargo test --workspace --locked "$@"
