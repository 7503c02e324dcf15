#!/bin/sh
# Scenario 4: a hand-rolled compile and link. The binary's BuildInfo holds only the Go version:
# no module, no dependency versions, so scanners cannot audit it and ReadBuildInfo says ok=false.
set -eu
mkdir -p build dist
go tool compile -p main -o build/main.a cmd/api/main.go
go tool link -o dist/api build/main.a
