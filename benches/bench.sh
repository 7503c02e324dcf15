#!/usr/bin/env bash
# Speed of `shiplint buildinfo -m` against the newest Go's `go version -m`, in one run, on the same
# files: every test fixture, the old real binaries, and the newest toolchain's own large binaries.
# Prints wall time (median of N runs) and the ratio; checks the outputs are identical first.
#   benches/bench.sh [RUNS]        (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
bash scripts/provision-go.sh
bash scripts/fetch-old-binaries.sh
cargo build --quiet --release -p shiplint -p shiplint-fixtures
newest=$(grep -v '^#' scripts/go-versions.txt | tail -n 1)
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}"
goroot="$cache/go/$newest"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
./target/release/shiplint-fixtures > "$list"
ls "$cache"/old-binaries/* >> "$list"
ls "$goroot"/bin/* "$goroot"/pkg/tool/*/* >> "$list"
echo "files: $(wc -l < "$list"), $(xargs du -cb < "$list" | tail -n 1 | cut -f1) bytes; Go $newest; $(nproc) cores"
python3 - "$list" "$runs" "$goroot/bin/go" ./target/release/shiplint <<'PY'
import os, statistics, subprocess, sys, time
listfile, runs, go, shiplint = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
files = open(listfile).read().split()
env = dict(os.environ, GOTOOLCHAIN="local", GOENV="off", GOFLAGS="")
def run(cmd):
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
cases = [
    ("go version -m FILES", [go, "version", "-m"] + files, [shiplint, "buildinfo", "-m"] + files),
    ("go version FILES", [go, "version"] + files, [shiplint, "buildinfo"] + files),
    ("go version -m GOROOT/pkg/tool", [go, "version", "-m", os.path.dirname(go) + "/../pkg/tool"],
     [shiplint, "buildinfo", "-m", os.path.dirname(go) + "/../pkg/tool"]),
]
for name, gocmd, slcmd in cases:
    a, b = run(gocmd), run(slcmd)
    same = (a.stdout, a.stderr, a.returncode) == (b.stdout, b.stderr, b.returncode)
    times = {}
    for label, cmd in (("go", gocmd), ("shiplint", slcmd)):
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            run(cmd)
            samples.append(time.perf_counter() - t)
        times[label] = statistics.median(samples)
    print(f"{name:34} go {times['go']*1000:8.1f} ms   shiplint {times['shiplint']*1000:8.1f} ms   "
          f"{times['go']/times['shiplint']:5.1f}x faster   output identical: {same}")
PY
