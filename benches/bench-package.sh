#!/usr/bin/env bash
# Checks a generated Debian package and Python wheel of about 200 MiB each (a real cgo Go binary
# in usr/bin, among incompressible data files), streamed in place, against what a user does
# without shiplint: unpack with the package's own tool (dpkg-deb -x, unzip) and run
# `go version -m` on the unpacked binary. Prints wall time and peak RSS of each, in one run.
#   benches/bench-package.sh [SIZE_MIB]      (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-200}"
bash scripts/provision-go.sh
cargo build --quiet --release -p shiplint
binary=$(cargo run --quiet --release -p shiplint-fixtures | grep -- '-linux-amd64-cgo-net' | tail -n 1)
newest=$(grep -v '^#' scripts/go-versions.txt | tail -n 1)
go_bin="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/go/$newest/bin/go"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/api"
cp "$binary" "$root/usr/bin/api"
chmod 0755 "$root/usr/bin/api"
for i in $(seq 1 "$size_mib"); do head -c 1048576 /dev/urandom > "$root/usr/share/api/$(printf %05d "$i").bin"; done
printf 'Package: api\nVersion: 1.0\nArchitecture: amd64\nMaintainer: a <a@example.com>\nDescription: api\n' > "$root/DEBIAN/control"
dpkg-deb -Zxz -z1 --root-owner-group -b "$root" "$work/api_1.0_amd64.deb" >/dev/null
(cd "$root" && python3 - "$work/api-1.0-py3-none-manylinux_2_17_x86_64.whl" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for base, _, files in os.walk("usr"):
        for f in sorted(files):
            p = os.path.join(base, f)
            zi = zipfile.ZipInfo("api/" + p)
            zi.create_system, zi.external_attr, zi.compress_type = 3, os.stat(p).st_mode << 16, zipfile.ZIP_DEFLATED
            z.writestr(zi, open(p, "rb").read())
    z.writestr("api-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: py3-none-manylinux_2_17_x86_64\n")
PY
)
rm -rf "$root"
timed() { # label, command...: wall seconds and peak RSS of the command
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  read -r secs kib < <(tail -n 1 "$work/time")
  printf '  %-44s %6.2f s, peak RSS %4d MiB\n' "$label" "$secs" $((kib / 1024))
}
echo "$(nproc) cores; Go for go version -m: $go_bin"
for pkg in api_1.0_amd64.deb api-1.0-py3-none-manylinux_2_17_x86_64.whl; do
  cat "$work/$pkg" >/dev/null # warm the page cache
  echo "$pkg ($(du -m "$work/$pkg" | cut -f1) MiB)"
  timed "shiplint check (streamed, nothing written)" ./target/release/shiplint check --format json "$work/$pkg"
  timed "shiplint inspect" ./target/release/shiplint inspect "$work/$pkg"
  rm -rf "$work/x"; mkdir "$work/x"
  case "$pkg" in
    *.deb) timed "dpkg-deb -x" dpkg-deb -x "$work/$pkg" "$work/x"; exe="$work/x/usr/bin/api" ;;
    *.whl) timed "unzip" unzip -q "$work/$pkg" -d "$work/x"; exe="$work/x/api/usr/bin/api" ;;
  esac
  timed "  then go version -m on the unpacked binary" "$go_bin" version -m "$exe"
  rm -rf "$work/x"
done
