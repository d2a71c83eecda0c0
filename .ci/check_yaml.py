#!/usr/bin/env python3
"""Every spec file must read the same with a second, independent YAML parser (PyYAML, YAML 1.1).

The generator reads spec/ with serde_yaml (YAML 1.2). Other tools use other parsers: PyYAML rejects
some flow mappings serde_yaml accepts (`{ type: string? }`) and reads some plain scalars differently
(`On`/`Off`/`yes`/`no` as booleans, `2025-03-14` as a date). This script loads every file under spec/
with PyYAML, compares the result with `cargo xtask spec-json` (serde_yaml's reading) value by value,
and names the file and key path of each disagreement.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def normalise(v):
    """PyYAML's reading in JSON terms, keys as text (as the catalogue keeps them)."""
    if isinstance(v, dict):
        return {key_text(k): normalise(x) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x) for x in v]
    if isinstance(v, (str, bool, int, float)) or v is None:
        return v
    return repr(v)  # dates, timestamps: never what serde_yaml reads, so they show up as a difference


def key_text(k):
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


def compare(a, b, path, out):
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool)):
        out.append(f"{path}: serde_yaml reads {json.dumps(a, ensure_ascii=False)[:80]}, PyYAML reads {json.dumps(b, ensure_ascii=False, default=str)[:80]}")
        return
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only {'serde_yaml' if k in a else 'PyYAML'} reads this key")
            else:
                compare(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items with serde_yaml, {len(b)} with PyYAML")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: serde_yaml reads {json.dumps(a, ensure_ascii=False)[:80]}, PyYAML reads {json.dumps(b, ensure_ascii=False)[:80]}")


def main():
    # XTASK_BIN: a prebuilt xtask binary (it reads the spec of the checkout its CARGO_MANIFEST_DIR names).
    xtask = os.environ.get("XTASK_BIN")
    cmd = [xtask, "spec-json"] if xtask else ["cargo", "xtask", "spec-json"]
    env = dict(os.environ, CARGO_MANIFEST_DIR=str(ROOT / "xtask")) if xtask else None
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        return 1
    serde = json.loads(res.stdout)
    problems = []
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "spec").rglob("*.yaml"))
    for rel in files:
        try:
            with open(ROOT / rel, encoding="utf-8") as f:
                py = normalise(yaml.safe_load(f))
        except yaml.YAMLError as e:
            problems.append(f"{rel}: PyYAML cannot read it: {str(e).splitlines()[0]} ({getattr(e, 'problem_mark', '')})")
            continue
        if rel not in serde:
            problems.append(f"{rel}: serde_yaml did not read it")
            continue
        diffs = []
        compare(serde[rel], py, "", diffs)
        problems.extend(f"{rel}: {d}" for d in diffs)
    for p in problems:
        print(p)
    print(f"{len(files)} spec files, {len(problems)} disagreement(s) between serde_yaml and PyYAML {yaml.__version__}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
