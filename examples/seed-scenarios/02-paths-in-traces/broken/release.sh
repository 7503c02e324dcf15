#!/usr/bin/env bash
# Scenario 2: panic traces show /Users/alice/projects/... because -trimpath is missing.
set -euo pipefail
go build -o dist/api ./cmd/api
