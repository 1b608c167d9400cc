"""`bench/run.sh bow-scale`: how 5-fold `dq pvi --model bow` grows with the data (issue 21).

For each size, on generated 4-label texts (`make_bow_csv.py --labels 4`):
- dq with its defaults (the held-out stopping rule), and dq solved to convergence
  (`--held-out-tolerance 0`, gradient max-norm 1e-6): seconds, L-BFGS iterations per fold,
  peak RSS, mean PVI; the default's mean-PVI difference and per-sample Spearman correlation
  against the converged run;
- scikit-learn on the same hashed features and the same folds (read from dq's output),
  LogisticRegression(lbfgs, C=1, tol=1e-6), prior null model: seconds, iterations, peak RSS,
  mean PVI (`pvi_peer_bow.py --folds-from`). Sizes above --peer-max-rows skip the peer.

With --real CSV (e.g. ../shared/datasets/ag_news/test.csv), also dq's default against dq
converged on that real dataset.

Prints one JSON line per measurement and a markdown table at the end.
Usage: bow_scale.py DQ WORKDIR [--rows 100000 300000 1000000] [--peer-max-rows 300000] [--real CSV]
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from measure import measure  # noqa: E402


def run_dq(dq, db, out, extra):
    # λ = 1/n, scikit-learn's C = 1 (bow's default before it chose λ itself, 2026-12-07).
    argv = [dq, "pvi", "--dataset", "bench", "--model", "bow", "--folds", "5", "--null", "prior", "--l2", "1/n", "--db", db, "--out", out] + extra
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import time
    start = time.perf_counter()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dq failed: {stderr}")
    iterations = [int(m) for m in re.findall(r"g′ fitted in (\d+) L-BFGS iterations", stderr)]
    frame = pd.read_csv(out)
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "iterations": iterations,
            "mean_pvi": float(frame["PVI"].mean())}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dq")
    parser.add_argument("work")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--peer-max-rows", type=int, default=300_000)
    parser.add_argument("--real")
    args = parser.parse_args()
    if args.real:
        db = os.path.join(args.work, "real.sqlite")
        if not os.path.exists(db):
            subprocess.run([args.dq, "ingest", args.real, "--dataset", "bench", "--db", db], check=True, stdout=subprocess.DEVNULL)
        default_out, converged_out = os.path.join(args.work, "real-dq.csv"), os.path.join(args.work, "real-converged.csv")
        default = run_dq(args.dq, db, default_out, [])
        converged = run_dq(args.dq, db, converged_out, ["--held-out-tolerance", "0"])
        merged = pd.read_csv(default_out).merge(pd.read_csv(converged_out), on="id")
        print(json.dumps({"real": args.real, "rows": len(merged), "dq": default, "dq_converged": converged,
                          "pvi_difference": default["mean_pvi"] - converged["mean_pvi"],
                          "spearman": float(merged["PVI_x"].rank().corr(merged["PVI_y"].rank()))}), flush=True)
    python = sys.executable
    table = []
    for rows in (args.rows if not args.real else []):
        csv = os.path.join(args.work, f"bow-{rows}.csv")
        db = os.path.join(args.work, f"bow-{rows}.sqlite")
        if not os.path.exists(csv):
            subprocess.run([python, os.path.join(HERE, "make_bow_csv.py"), csv, "--rows", str(rows), "--labels", "4"], check=True)
        if not os.path.exists(db):
            subprocess.run([args.dq, "ingest", csv, "--dataset", "bench", "--db", db], check=True, stdout=subprocess.DEVNULL)
        default_out = os.path.join(args.work, f"dq-{rows}.csv")
        converged_out = os.path.join(args.work, f"dq-converged-{rows}.csv")
        default = run_dq(args.dq, db, default_out, [])
        converged = run_dq(args.dq, db, converged_out, ["--held-out-tolerance", "0"])
        a, b = pd.read_csv(default_out), pd.read_csv(converged_out)
        merged = a.merge(b, on="id")
        default["pvi_difference"] = float(a["PVI"].mean() - b["PVI"].mean())
        default["spearman"] = float(merged["PVI_x"].rank().corr(merged["PVI_y"].rank()))
        print(json.dumps({"rows": rows, "dq": default}), flush=True)
        print(json.dumps({"rows": rows, "dq_converged": converged}), flush=True)
        peer = None
        if rows <= args.peer_max_rows:
            peer_json = os.path.join(args.work, f"peer-{rows}.json")
            usage = measure([python, os.path.join(HERE, "pvi_peer_bow.py"), csv, "--folds-from", default_out, "--json", peer_json])
            with open(peer_json) as f:
                peer = json.load(f)
            peer["peak_rss_mb"] = usage["peak_rss_mb"]
            print(json.dumps({"rows": rows, "scikit_learn": peer}), flush=True)
        table.append((rows, default, converged, peer))
    print("\n| rows | | seconds | iterations per fold | peak RSS (MB) | mean PVI (bits) |")
    print("| ---: | --- | ---: | --- | ---: | ---: |")
    for rows, default, converged, peer in table:
        for name, r in [("dq (held-out rule)", default), ("dq (converged)", converged), ("scikit-learn", peer)]:
            if r is None:
                continue
            its = r["iterations"]
            print(f"| {rows:,} | {name} | {r['seconds']:.1f} | {min(its)}–{max(its)} | {r['peak_rss_mb']:.0f} | {r['mean_pvi']:.5f} |")
    for (r1, d1, c1, p1), (r2, d2, c2, p2) in zip(table, table[1:]):
        print(f"{r1:,} → {r2:,} rows: dq {d2['seconds'] / d1['seconds']:.2f}× time, "
              f"{(d2['peak_rss_mb'] - d1['peak_rss_mb']) * 1024 / (r2 - r1):.2f} KB peak RSS per extra row")
    for rows, default, converged, peer in table:
        print(f"{rows:,} rows: mean PVI {default['pvi_difference']:+.5f} bits from converged, Spearman {default['spearman']:.5f}"
              + (f"; scikit-learn / dq time {peer['seconds'] / default['seconds']:.1f}× (converged dq: {peer['seconds'] / converged['seconds']:.1f}×)" if peer else ""))


if __name__ == "__main__":
    main()
