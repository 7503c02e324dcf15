#!/bin/sh
# Scenario 3: stamp the release version into the binary.
go build -trimpath -ldflags="-X github.com/me/proj/version.Version=v1.2.3" -o api ./cmd/api
