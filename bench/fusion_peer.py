"""Rank fusion peer for bench/run.sh: ranx.fuse on 8 runs over 100 queries of 10,000 scored
documents each (random scores, seeded), against dq-bench fusion on the same scores. ranx is
warmed up first so that numba's compilation is not timed; building ranx's Run objects is not
timed either. Checks that both give the same top 100 per query.
"""
import argparse
import json
import subprocess
import time

import numpy as np

QUERIES, RUNS, DOCS = 100, 8, 10_000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq-bench", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    from ranx import Run, fuse
    from importlib.metadata import version

    rng = np.random.default_rng(11)
    scores = rng.random((QUERIES, RUNS, DOCS))
    path = f"{args.work}/fusion.f64"
    scores.tofile(path)
    runs = [Run({f"q{q}": {f"d{d}": float(scores[q, r, d]) for d in range(DOCS)} for q in range(QUERIES)}, name=f"r{r}")
            for r in range(RUNS)]
    small = [Run({"q": {"a": 1.0, "b": 0.5}}, name="a"), Run({"q": {"a": 0.2, "b": 0.9}}, name="b")]
    for method, ranx_method in [("rrf", "rrf"), ("combsum", "sum"), ("combmnz", "mnz")]:
        fuse(small, method=ranx_method, norm="min-max")  # compile
        start = time.perf_counter()
        fused = fuse(runs, method=ranx_method, norm="min-max")
        seconds = time.perf_counter() - start
        mine = json.loads(subprocess.run([args.dq_bench, "fusion", path, str(QUERIES), str(RUNS), str(DOCS), method],
                                         check=True, capture_output=True, text=True).stdout)
        same = 0
        for q in range(QUERIES):
            ranked = sorted(fused[f"q{q}"].items(), key=lambda kv: (-kv[1], int(kv[0][1:])))[:100]
            same += [int(d[1:]) for d, _ in ranked] == mine["top"][q]
        print(json.dumps({"bench": "fusion", "method": method, "ranx": version("ranx"), "ranx_seconds": seconds,
                          "dq_seconds": mine["seconds"], "queries_with_identical_top_100": same}))


if __name__ == "__main__":
    main()
