#!/bin/sh
# Scenario 6: every iteration writes bin/api; only darwin/arm64 survives.
for target in linux/amd64 linux/arm64 darwin/arm64; do
  GOOS=${target%/*} GOARCH=${target#*/} go build -trimpath -o bin/api ./cmd/api
done
