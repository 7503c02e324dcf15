#!/usr/bin/env bash
# Speed of `shiplint diff` against diffoscope (PyPI, with libarchive from Debian) on the same pairs
# in one run: two builds of a small program in different folders without -trimpath, and the `go`
# command of two Go patch releases (go1.27.2 and go1.27.3, about 15 MB each).
#   benches/bench-diff.sh [RUNS]      (default 5; diffoscope runs once per pair, it is slow)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
bash scripts/provision-go.sh
cargo build --quiet --release -p shiplint
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}"
peers="$cache/tools/diffoscope"
if [ ! -x "$peers/bin/diffoscope" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$peers" diffoscope libarchive-c >&2
fi
if ! ls "$peers"/libarchive/usr/lib/*/libarchive.so.13 >/dev/null 2>&1; then
  (cd "$peers" && apt-get download libarchive13 >/dev/null 2>&1 && dpkg-deb -x libarchive13_*.deb libarchive) ||
    echo "(libarchive13 could not be fetched from Debian: diffoscope will not run)" >&2
fi
libarchive=$(ls "$peers"/libarchive/usr/lib/*/libarchive.so.13 2>/dev/null | head -n 1 || true)
newest=$(grep -v '^#' scripts/go-versions.txt | tail -n 1)
previous=$(grep -v '^#' scripts/go-versions-diff.txt | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in alice bob; do
  mkdir -p "$work/$side"
  cp -r crates/shiplint-fixtures/programs/hello/. "$work/$side/"
  (cd "$work/$side" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
    "$cache/go/$newest/bin/go" build -o "$work/hello-$side" .)
done
python3 - "$runs" "$PWD/target/release/shiplint" "$peers" "$libarchive" \
  "$work/hello-alice" "$work/hello-bob" "$cache/go/$previous/bin/go" "$cache/go/$newest/bin/go" <<'PY'
import os, statistics, subprocess, sys, time
runs, shiplint, peers, libarchive = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
pairs = [("hello, two folders", sys.argv[5], sys.argv[6]), ("go command, two patch releases", sys.argv[7], sys.argv[8])]
env = dict(os.environ, PYTHONPATH=peers, LIBARCHIVE=libarchive)
def timed(cmd, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)
for name, a, b in pairs:
    size = (os.path.getsize(a) + os.path.getsize(b)) / 2e6
    ours = timed([shiplint, "diff", a, b], runs)
    line = f"{name:32} ({size:4.1f} MB each): shiplint {ours*1000:8.1f} ms"
    if libarchive:
        theirs = timed([f"{peers}/bin/diffoscope", "--text", os.devnull, a, b], 1)
        line += f"   diffoscope {theirs*1000:9.1f} ms   ratio {theirs/ours:6.1f}x"
    print(line)
PY
