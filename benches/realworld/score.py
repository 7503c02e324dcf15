#!/usr/bin/env python3
"""Scores `shiplint check` against hand labels of real projects' build definitions.

Each project in the label files is extracted at its commit from a local bare mirror (no network),
checked with `shiplint check --format json`, and its findings matched to the labels: same rule,
same path, line within LINE_SLACK, each label matched at most once. See README.md beside this file.

    python3 benches/realworld/score.py [--bin PATH] [--all] [--verbose] [labels-*.toml ...]

By default only labels marked `sure` count; `--all` counts judgement calls too. Exit status 0.
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LINE_SLACK = 3
VENDORED = ("vendor/", "third_party/", "node_modules/", "testdata/")


def mirror_of(repo):
    base = os.environ.get("SHIPLINT_MIRRORS", "/work/.mirror")
    git_dir = os.path.join(base, repo.replace("/", "+"), "repo")
    # A mirror is a bare repository; a clone with a work tree keeps it in .git.
    for candidate in (os.path.join(git_dir, ".git"), git_dir):
        if os.path.isdir(os.path.join(candidate, "objects")):
            return candidate
    return None


def extract(git_dir, commit, into):
    """The tree at `commit`, written under `into` (a bare mirror has no work tree; blobs the
    mirror left out, such as its largest files, are skipped)."""
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit], check=True, capture_output=True
    ).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob":
            entries.append((mode, oid, path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        input=b"".join(oid + b"\n" for _, oid, _ in entries),
        check=True,
        capture_output=True,
    ).stdout
    at = 0
    for mode, oid, path in entries:
        header_end = batch.index(b"\n", at)
        header = batch[at:header_end].split()
        at = header_end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        data = batch[at : at + size]
        at += size + 1
        target = os.path.join(into, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == b"120000":
            os.symlink(data.decode("utf-8", "surrogateescape"), target)
        else:
            with open(target, "wb") as f:
                f.write(data)
            if mode == b"100755":
                os.chmod(target, 0o755)


def run_shiplint(binary, tree):
    out = subprocess.run(
        [binary, "check", "--format", "json", "--fail-on", "error", "."],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1, 2):
        raise RuntimeError(f"shiplint exited {out.returncode}: {out.stderr[-2000:]}")
    report = json.loads(out.stdout)
    return report.get("findings", []), report.get("errors", [])


def finding_place(f):
    """Path and the lines the finding covers."""
    loc = f.get("location", {})
    span = loc.get("span") or {}
    start = span.get("start_line", 0)
    return loc.get("path", ""), start, span.get("end_line", start)


def near(label, rule, path, start, end):
    """A finding matches a label of its rule and path within LINE_SLACK lines of its span."""
    return label["rule"] == rule and label["path"] == path and start - LINE_SLACK <= label["line"] <= end + LINE_SLACK


def load_adjudicated(path):
    """(repo, side, path, line, rule) -> verdict, from adjudicated.toml."""
    if not path:
        return {}
    with open(path, "rb") as fh:
        items = tomllib.load(fh).get("item", [])
    return {(i["repo"], i["side"], i["path"], i["line"], i["rule"]): i["verdict"] for i in items}


def score(projects, binary, count_unsure, verbose, adjudicated=None):
    adjudicated = adjudicated or {}
    # The blind counts, and the same with the adjudication's verdicts applied.
    adjusted = collections.Counter()
    per_rule = collections.defaultdict(lambda: collections.Counter())
    # The same, per (file, rule): robust to where in a file a finding or a label points and to
    # one label standing for several build entries.
    per_file = collections.Counter()
    trees = []
    for p in projects:
        git_dir = mirror_of(p["repo"])
        if git_dir is None:
            print(f"skip {p['repo']}: no mirror (fetch github:{p['repo']} first)", file=sys.stderr)
            continue
        labels = [d for d in p.get("defect", []) if count_unsure or d.get("sure", True)]
        unsure = [d for d in p.get("defect", []) if not d.get("sure", True)]
        files = set(p.get("files", []))
        with tempfile.TemporaryDirectory() as tree:
            extract(git_dir, p["commit"], tree)
            findings, errors = run_shiplint(binary, tree)
        matched = [False] * len(labels)
        counts = collections.Counter()
        # Labels are one per (rule, place): several findings of one rule on one line (one per
        # -X of a build line) are that one place, scored once.
        places = set()
        for f in findings:
            path, line, end = finding_place(f)
            rule = f.get("rule", "")
            if (rule, path, line) in places:
                continue
            places.add((rule, path, line))
            hit = next((i for i, d in enumerate(labels) if not matched[i] and near(d, rule, path, line, end)), None)
            if hit is not None:
                matched[hit] = True
                per_rule[rule]["tp"] += 1
                counts["tp"] += 1
                adjusted["tp"] += 1
                continue
            # A finding matching a judgement call is neither right nor wrong.
            if any(near(d, rule, path, line, end) for d in unsure):
                counts["unsure"] += 1
                continue
            verdict = adjudicated.get((p["repo"], "finding", path, line, rule))
            if path.startswith(VENDORED) or any(f"/{v}" in path for v in VENDORED):
                per_rule[rule]["fp"] += 1
                counts["fp"] += 1
                counts["vendored"] += 1
                adjusted["fp"] += 1
            elif path in files:
                per_rule[rule]["fp"] += 1
                counts["fp"] += 1
                adjusted["tp" if verdict == "defect" else "fp"] += 1
                if verbose:
                    print(f"  FP {p['repo']} {path}:{line} {rule}: {f.get('message', '')[:140]}")
            else:
                counts["unlabelled"] += 1
                if verbose:
                    print(f"  ?? {p['repo']} {path}:{line} {rule} (file not labelled)")
        wanted = {(d["path"], d["rule"]) for d in labels}
        maybe = {(d["path"], d["rule"]) for d in unsure}
        found = set()
        for f in findings:
            path, _, _ = finding_place(f)
            vendored = path.startswith(VENDORED) or any(f"/{v}" in path for v in VENDORED)
            if path in files or vendored:
                found.add((path, f.get("rule", "")))
        per_file["tp"] += len(found & wanted)
        per_file["fp"] += len(found - wanted - maybe)
        per_file["fn"] += len(wanted - found)
        if verbose:
            for path, rule in sorted(wanted - found):
                print(f"  FILE-FN {p['repo']} {path} {rule}")
            for path, rule in sorted(found - wanted - maybe):
                print(f"  FILE-FP {p['repo']} {path} {rule}")
        for d, m in zip(labels, matched):
            if not m:
                per_rule[d["rule"]]["fn"] += 1
                counts["fn"] += 1
                verdict = adjudicated.get((p["repo"], "label", d["path"], d["line"], d["rule"]))
                adjusted["fn"] += verdict != "not-defect"
                if verbose:
                    print(f"  FN {p['repo']} {d['path']}:{d['line']} {d['rule']}: {d.get('why', '')[:140]}")
        trees.append((p["repo"], len(findings), counts, len(errors)))
    return per_rule, per_file, trees, adjusted


def ratio(a, b):
    return f"{100 * a / b:5.1f}%" if b else "    -"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", nargs="*")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "shiplint"))
    ap.add_argument("--all", action="store_true", help="count labels marked sure = false too")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss and false positive")
    ap.add_argument(
        "--adjudicated",
        nargs="?",
        const=os.path.join(HERE, "adjudicated.toml"),
        help="also score with the adjudication's verdicts (default file: adjudicated.toml)",
    )
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    files = args.labels or sorted(glob.glob(os.path.join(HERE, "labels-*.toml")))
    projects = []
    for f in files:
        with open(f, "rb") as fh:
            projects.extend(tomllib.load(fh).get("project", []))
    per_rule, per_file, trees, adjusted = score(
        projects, args.bin, args.all, args.verbose, load_adjudicated(args.adjudicated)
    )
    print(f"{'rule':32} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    total = collections.Counter()
    for rule in sorted(per_rule):
        c = per_rule[rule]
        total.update(c)
        print(f"{rule:32} {c['tp']:4} {c['fp']:4} {c['fn']:4} {ratio(c['tp'], c['tp'] + c['fp']):>10} {ratio(c['tp'], c['tp'] + c['fn']):>8}")
    print(
        f"{'all':32} {total['tp']:4} {total['fp']:4} {total['fn']:4} "
        f"{ratio(total['tp'], total['tp'] + total['fp']):>10} {ratio(total['tp'], total['tp'] + total['fn']):>8}"
    )
    print(
        f"{'all, per file and rule':32} {per_file['tp']:4} {per_file['fp']:4} {per_file['fn']:4} "
        f"{ratio(per_file['tp'], per_file['tp'] + per_file['fp']):>10} {ratio(per_file['tp'], per_file['tp'] + per_file['fn']):>8}"
    )
    if args.adjudicated:
        a = adjusted
        print(
            f"{'all, adjudicated':32} {a['tp']:4} {a['fp']:4} {a['fn']:4} "
            f"{ratio(a['tp'], a['tp'] + a['fp']):>10} {ratio(a['tp'], a['tp'] + a['fn']):>8}"
        )
    print()
    print(f"{'project':36} {'findings':>8} {'tp':>4} {'fp':>4} {'fn':>4} {'unlabelled':>10} {'vendored':>8} {'errors':>6}")
    for repo, n, c, errors in trees:
        print(f"{repo:36} {n:8} {c['tp']:4} {c['fp']:4} {c['fn']:4} {c['unlabelled']:10} {c['vendored']:8} {errors:6}")
    print(f"{len(trees)} projects")


if __name__ == "__main__":
    main()
