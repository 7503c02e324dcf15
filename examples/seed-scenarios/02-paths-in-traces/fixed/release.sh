#!/usr/bin/env bash
# Scenario 2, fixed: -trimpath keeps build-host paths out of the binary.
set -euo pipefail
go build -trimpath -o dist/api ./cmd/api
