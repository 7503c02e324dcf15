#!/bin/sh
# Scenario 4, fixed: go build on the package, inside the module, records the full BuildInfo
# (check it with `go version -m dist/api` or `shiplint buildinfo -m dist/api`).
set -eu
go build -trimpath -o dist/api ./cmd/api
