#!/usr/bin/env bash
# Scenario 9: the build ID is not the cause; the clock is. Two builds of one commit differ.
set -euo pipefail
BUILT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
go build -trimpath -ldflags="-X main.version=v1.0.0 -X main.built=${BUILT}" -o api ./cmd/api
