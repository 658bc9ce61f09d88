#!/usr/bin/env python3
"""tenlab beside PyTorch, lab by lab, on the same cores: `tenlab bench` and the mirror of each
lab's training step (mirrors.py), back to back, at each thread count asked for.

    python3 -m venv .venv && .venv/bin/pip install torch numpy
    cargo build -p tenlab
    .venv/bin/python tests/reference/side_by_side.py --threads 1,2

prints lab, threads, tenlab steps/s, PyTorch steps/s, the ratio (tenlab / PyTorch: above 1,
tenlab is faster), cores busy for each, and both parameter counts (which must be equal; a
mismatch is marked). --json FILE keeps every figure.

    .venv/bin/python tests/reference/side_by_side.py --device gpu

on a machine with an NVIDIA GPU (PyTorch with CUDA): for each lab, tenlab on the CPU at 2
threads, tenlab on the GPU, the mirror on CUDA, and tenlab's start-up on the GPU (building the
lab and its first training step) from an empty kernel cache and again with the cache it left.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

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


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def gpu(args, rows):
    """tenlab's CPU (2 threads) and GPU figures, the CUDA mirror's, and the GPU start-ups."""
    results = []
    print(f"{'lab':<14} {'cpu/s':>8} {'gpu/s':>8} {'gpu/cpu':>8} {'cuda/s':>8} {'gpu/cuda':>9} "
          f"{'start 1st':>10} {'start 2nd':>10} {'run 1st':>8} {'run 2nd':>8}", flush=True)
    for name, lab, sets, variant in rows:
        bench = [args.tenlab, "bench", "--json", "--lab", lab]
        for s in sets:
            bench += ["--set", s]
        cache = tempfile.mkdtemp(prefix="tenlab-gpu-cache-")
        env = dict(os.environ, TENLAB_CACHE_DIR=cache)
        starts = []
        for _ in range(2):
            # A launch that trains for about a second: its start-up, and the process's wall time.
            t0 = time.perf_counter()
            r = run_json(bench + ["--device", "gpu", "--warmup", "0", "--secs", "1"], env)["labs"][0]
            starts.append((r["startup_secs"], time.perf_counter() - t0, r["device"]))
        ours = run_json(bench + ["--device", "gpu", "--warmup", str(args.warmup), "--secs", str(args.secs)], env)["labs"][0]
        shutil.rmtree(cache, ignore_errors=True)
        cpu = run_json(bench + ["--device", "cpu", "--threads", "2", "--warmup", str(args.warmup),
                                "--secs", str(args.secs)])["labs"][0]
        theirs = run_json([sys.executable, os.path.join(HERE, "mirrors.py"), "--lab", lab, "--variant", variant,
                           "--device", "cuda", "--warmup", str(args.warmup), "--secs", str(args.secs)])
        g, c, t = ours["steps_per_sec"], cpu["steps_per_sec"], theirs["steps_per_sec"]
        same = "" if ours["parameters"] == theirs["parameters"] else "  (parameters differ!)"
        print(f"{name:<14} {c:>8.1f} {g:>8.1f} {g / c:>8.2f} {t:>8.1f} {g / t:>9.2f} "
              f"{starts[0][0]:>9.1f}s {starts[1][0]:>9.1f}s {starts[0][1]:>7.1f}s {starts[1][1]:>7.1f}s{same}", flush=True)
        results.append({"row": name, "cpu2": cpu, "gpu": ours, "cuda": theirs, "startups": starts,
                        "gpu_over_cpu": g / c, "gpu_over_cuda": g / t})
    if results:
        print(f"tenlab's GPU: {results[0]['gpu']['device']}; PyTorch's: {results[0]['cuda'].get('device')}")
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--secs", type=float, default=10.0)
    ap.add_argument("--rows", default="", help="rows to run, comma-separated (default: all)")
    ap.add_argument("--tenlab", default=os.path.join(ROOT, "target", "debug", "tenlab"))
    ap.add_argument("--json", default="", help="write every figure to this file")
    ap.add_argument("--device", default="cpu", choices=["cpu", "gpu"],
                    help="gpu: tenlab's GPU beside its CPU and PyTorch on CUDA, with start-ups")
    args = ap.parse_args()
    rows = [r for r in ROWS if not args.rows or r[0] in args.rows.split(",")]
    if args.device == "gpu":
        results = gpu(args, rows)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
        return
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
