#!/usr/bin/env python3
"""tenlab beside PyTorch, lab by lab, on the same cores: `tenlab bench` and the mirror of each
lab's training step (mirrors.py), back to back, at each thread count asked for.

    python3 -m venv .venv && .venv/bin/pip install torch numpy
    cargo build -p tenlab
    .venv/bin/python tests/reference/side_by_side.py --threads 1,2

prints lab, threads, tenlab steps/s, PyTorch steps/s, the ratio (tenlab / PyTorch: above 1,
tenlab is faster), cores busy for each, and both parameter counts (which must be equal; a
mismatch is marked). --json FILE keeps every figure.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (row, lab, tenlab --set values, mirror variant)
ROWS = [
    ("mlp", "mlp", [], ""),
    ("cnn", "cnn", [], ""),
    ("resnet", "resnet", [], ""),
    ("lstm", "lstm", [], ""),
    ("lstm text", "lstm", ["task=text"], "text"),
    ("transformer", "transformer", [], ""),
    ("gan", "gan", [], ""),
    ("gan mnist", "gan", ["dataset=mnist"], "mnist"),
    ("diffusion", "diffusion", [], ""),
    ("diffusion 2-D", "diffusion", ["dataset=swissroll"], "points"),
    ("gcn", "gcn", [], ""),
    ("word2vec", "word2vec", [], ""),
    ("dqn", "dqn", [], ""),
]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--secs", type=float, default=10.0)
    ap.add_argument("--rows", default="", help="rows to run, comma-separated (default: all)")
    ap.add_argument("--tenlab", default=os.path.join(ROOT, "target", "debug", "tenlab"))
    ap.add_argument("--json", default="", help="write every figure to this file")
    args = ap.parse_args()
    rows = [r for r in ROWS if not args.rows or r[0] in args.rows.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    results = []
    print(f"{'lab':<14} {'threads':>7} {'tenlab/s':>10} {'torch/s':>10} {'ratio':>7} "
          f"{'cores t/p':>11} {'params t/p':>19}", flush=True)
    for n in threads:
        for name, lab, sets, variant in rows:
            cmd = [args.tenlab, "bench", "--json", "--lab", lab, "--threads", str(n),
                   "--warmup", str(args.warmup), "--secs", str(args.secs)]
            for s in sets:
                cmd += ["--set", s]
            ours = run_json(cmd)["labs"][0]
            theirs = run_json([sys.executable, os.path.join(HERE, "mirrors.py"), "--lab", lab, "--variant", variant,
                               "--threads", str(n), "--warmup", str(args.warmup), "--secs", str(args.secs)])
            ratio = ours["steps_per_sec"] / theirs["steps_per_sec"]
            same = "" if ours["parameters"] == theirs["parameters"] else "  (parameters differ!)"
            print(f"{name:<14} {n:>7} {ours['steps_per_sec']:>10.1f} {theirs['steps_per_sec']:>10.1f} {ratio:>7.2f} "
                  f"{ours['cores_busy'] or 0:>5.2f}/{theirs['cores_busy']:<5.2f} "
                  f"{ours['parameters']:>9}/{theirs['parameters']:<9}{same}", flush=True)
            results.append({"row": name, "threads": n, "tenlab": ours, "torch": theirs, "ratio": ratio})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
