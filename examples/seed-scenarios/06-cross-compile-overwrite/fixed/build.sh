#!/bin/sh
# Scenario 6, fixed: one file per target, .exe for windows.
VERSION=$(git describe --tags --always)
for target in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do
  GOOS=${target%/*}
  GOARCH=${target#*/}
  out="bin/api-${VERSION}-${GOOS}-${GOARCH}"
  [ "$GOOS" = "windows" ] && out="${out}.exe"
  GOOS=$GOOS GOARCH=$GOARCH go build -trimpath -o "$out" ./cmd/api
done
