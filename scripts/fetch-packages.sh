#!/usr/bin/env bash
# Fetch the real packages listed in scripts/real-packages.txt into $CACHE/packages, each with its
# registry's own client (npm pack, pip download, apt-get download: nothing installed, no scripts
# run), and check each file's SHA-256. Never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/packages"
mkdir -p "$cache"
grep -v '^#' "$here/real-packages.txt" | while read -r kind spec file sha; do
  [ -n "$kind" ] || continue
  out="$cache/$file"
  if [ -s "$out" ] && echo "$sha  $out" | sha256sum -c --status; then
    continue
  fi
  tmp=$(mktemp -d "$cache/.tmp-XXXXXX")
  case "$kind" in
    npm) (cd "$tmp" && npm pack --silent "$spec" >/dev/null) ;;
    pypi)
      platform=$(echo "$file" | sed -E 's/.*-([^-]+)\.whl$/\1/')
      python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
        --platform "$platform" -d "$tmp" "$spec" ;;
    deb) (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$spec" >/dev/null) ;;
    *) echo "fetch-packages: unknown kind $kind" >&2; exit 1 ;;
  esac
  if ! echo "$sha  $tmp/$file" | sha256sum -c --status; then
    echo "fetch-packages: $spec: $file is missing or its SHA-256 is not $sha" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mv "$tmp/$file" "$out"
  rm -rf "$tmp"
done
