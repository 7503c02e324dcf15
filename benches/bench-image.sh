#!/usr/bin/env bash
# Audits a generated container image of about 1 GiB (4 layers of incompressible files, one of
# them gzip-compressed, with a real cgo Go binary on a musl root) as an OCI layout folder and as
# a `docker save` tarball, plain and gzip-compressed (`docker save | gzip`: decompressed in one
# pass, whatever order its blobs are stored in), streaming: prints wall time
# and peak RSS, next to the time reading the same bytes takes (`cat`, or decompressing for the
# compressed tarball: the floor for any tool that reads the image).
#   benches/bench-image.sh [SIZE_MIB]      (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-1024}"
bash scripts/provision-go.sh
cargo build --quiet --release -p shiplint
binary=$(cargo run --quiet --release -p shiplint-fixtures | grep -- '-linux-amd64-cgo-net' | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$size_mib" "$binary" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
work, size_mib, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
layout = os.path.join(work, "layout")
blobs = os.path.join(layout, "blobs", "sha256")
os.makedirs(blobs)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return "sha256:" + d, len(data)
def layer(files, compress):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, mode in files:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode
            t.addfile(ti, io.BytesIO(data))
    raw = b.getvalue()
    diff = "sha256:" + hashlib.sha256(raw).hexdigest()
    blob = gzip.compress(raw, compresslevel=1) if compress else raw
    return put(blob), diff, compress
per_layer = size_mib // 4
layers = []
base = [("lib/ld-musl-x86_64.so.1", b"\x7fELF loader stand-in", 0o755), ("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644)]
app = [("usr/local/bin/api", open(binary, "rb").read(), 0o755)]
for i in range(4):
    files = [(f"data/{i}/{j:05}.bin", os.urandom(1 << 20), 0o644) for j in range(per_layer)]
    files += base if i == 0 else app if i == 3 else []
    layers.append(layer(files, compress=(i == 1)))
cfg = json.dumps({"os": "linux", "architecture": "amd64", "config": {"Entrypoint": ["/usr/local/bin/api"]},
                  "rootfs": {"type": "layers", "diff_ids": [d for _, d, _ in layers]}}).encode()
cd, cs = put(cfg)
media = lambda c: "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if c else "")
man = json.dumps({"schemaVersion": 2, "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                  "layers": [{"mediaType": media(c), "digest": d, "size": s} for (d, s), _, c in layers]}).encode()
md, ms = put(man)
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(layout, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
     "platform": {"os": "linux", "architecture": "amd64"}}]}))
with tarfile.open(os.path.join(work, "image.tar"), "w") as t:
    for name in sorted(os.listdir(layout)):
        t.add(os.path.join(layout, name), arcname=name)
PY
gzip -1 -k "$work/image.tar"
echo "image: $(du -sh "$work/layout" | cut -f1) as an OCI layout, $(du -sh "$work/image.tar" | cut -f1) as a docker save tarball ($(du -sh "$work/image.tar.gz" | cut -f1) gzipped); $(nproc) cores"
for target in layout image.tar image.tar.gz; do
  cat "$work/$target"/blobs/sha256/* "$work/$target" 2>/dev/null >/dev/null || true   # warm the page cache
  /usr/bin/time -f "%e %M" -o "$work/time" ./target/release/shiplint check --format json "$work/$target" >"$work/out.json" || true
  read -r secs kib < <(tail -n 1 "$work/time")
  floor=$(python3 -c '
import glob, gzip, os, sys, time
t = time.perf_counter()
for p in glob.glob(sys.argv[1] + "/blobs/sha256/*") if os.path.isdir(sys.argv[1]) else [sys.argv[1]]:
    with (gzip.open if p.endswith(".gz") else open)(p, "rb") as f:
        while f.read(1 << 20):
            pass
print(f"{time.perf_counter() - t:.2f}")' "$work/$target")
  findings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(", ".join(sorted({f["rule"] for f in d["findings"]})))' "$work/out.json")
  printf '%-10s shiplint %6.2f s, peak RSS %4d MiB   (cat of the same bytes %5.2f s)   found: %s\n' \
    "$target" "$secs" $((kib / 1024)) "$floor" "$findings"
done
