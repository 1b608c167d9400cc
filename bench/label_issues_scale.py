"""Confident learning at scale: `dq label-issues --probs probs.npy --labels labels.npy` (three
streamed passes, O(n + K²) memory) against cleanlab 2.9's `find_label_issues` on the same arrays
(each in its own process, peak resident memory from wait4), checking that both flag the same
samples in the same order: against cleanlab as it runs, and with every numpy argsort made
stable (ties by index, as dq breaks them; numpy's default argsort orders ties by its SIMD
sorting network, so cleanlab's own output on tied values depends on the machine).

    bench/.venv/bin/python bench/label_issues_scale.py --dq .build/release/dq --work /tmp/scale \
        --rows 200000 --classes 2000 [--dtype float32] [--no-peer]

Arrays: seeded softmax of noisy logits with the true class raised, 10% of labels moved to
another class; written chunk by chunk with numpy's open_memmap, so making them needs little
memory. Prints one JSON line.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

PEER = """
import functools, sys, time, json, numpy as np
if sys.argv[4] == "stable":
    # Every argsort stable, so ties go by index as in dq (numpy's default sort leaves them to its SIMD sorting network).
    np.argsort = functools.partial(np.argsort, kind="stable")
from cleanlab.filter import find_label_issues
from cleanlab.count import num_label_issues
start = time.perf_counter()
probs = np.load(sys.argv[1]); labels = np.load(sys.argv[2])
ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
estimated = int(num_label_issues(labels, probs))
np.save(sys.argv[3], ranked.astype(np.int64))
print(json.dumps({"seconds_inside": time.perf_counter() - start, "flagged": int(len(ranked)), "estimated": estimated}))
"""


def make(work, rows, classes, dtype, seed=3):
    probs_path, labels_path = os.path.join(work, "probs.npy"), os.path.join(work, "labels.npy")
    if os.path.exists(probs_path) and os.path.exists(labels_path):
        return probs_path, labels_path
    rng = np.random.default_rng(seed)
    probs = np.lib.format.open_memmap(probs_path + ".part", mode="w+", dtype=dtype, shape=(rows, classes))
    labels = np.empty(rows, dtype=np.int64)
    chunk = max(1, (64 << 20) // (classes * 8))
    for start in range(0, rows, chunk):
        end = min(rows, start + chunk)
        true = rng.integers(0, classes, end - start)
        logits = rng.normal(0, 1, (end - start, classes))
        logits[np.arange(end - start), true] += 4.0
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        probs[start:end] = p.astype(dtype)
        given = true.copy()
        flip = rng.random(end - start) < 0.10
        given[flip] = (given[flip] + rng.integers(1, classes, flip.sum())) % classes
        labels[start:end] = given
    probs.flush()
    del probs
    os.replace(probs_path + ".part", probs_path)
    np.save(labels_path, labels)
    return probs_path, labels_path


def measured(argv):
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed: {err.decode(errors='replace')[-2000:]}")
    return out.decode(), seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--classes", type=int, default=2_000)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--make-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.make_only:
        make(args.work, args.rows, args.classes, args.dtype)
        return
    # Made in a child process: a forked child's peak resident memory counts the parent's pages
    # until it execs, so this process stays small while it measures.
    subprocess.run([sys.executable, __file__, "--dq", args.dq, "--work", args.work, "--rows", str(args.rows),
                    "--classes", str(args.classes), "--dtype", args.dtype, "--make-only"], check=True)
    probs, labels = os.path.join(args.work, "probs.npy"), os.path.join(args.work, "labels.npy")
    db, out = os.path.join(args.work, "dq.sqlite"), os.path.join(args.work, "dq-issues.csv")
    if os.path.exists(db):
        os.remove(db)
    _, dq_seconds, dq_rss = measured([args.dq, "label-issues", "--probs", probs, "--labels", labels, "--out", out, "--db", db, "--top", "0"])
    dq_ranked = np.loadtxt(out, delimiter=",", skiprows=1, usecols=1, dtype=np.int64, ndmin=1) if os.path.getsize(out) > 0 else np.array([], np.int64)
    result = {"rows": args.rows, "classes": args.classes, "dtype": args.dtype, "file_mb": os.path.getsize(probs) / 2**20,
              "dq": {"seconds": dq_seconds, "peak_rss_mb": dq_rss, "flagged": int(len(dq_ranked))}}
    if not args.no_peer:
        import cleanlab
        for sort in ("default", "stable"):
            ranked_path = os.path.join(args.work, f"cleanlab-{sort}.npy")
            stdout, seconds, rss = measured([sys.executable, "-c", PEER, probs, labels, ranked_path, sort])
            peer = json.loads(stdout.strip().splitlines()[-1])
            theirs = np.load(ranked_path)
            key = "cleanlab" if sort == "default" else "cleanlab_stable_sort"
            result[key] = {"version": cleanlab.__version__, "seconds": seconds, "peak_rss_mb": rss, **peer,
                           "identical_order": bool(np.array_equal(theirs, dq_ranked)),
                           "flags_only_theirs": len(set(theirs.tolist()) - set(dq_ranked.tolist())),
                           "flags_only_dq": len(set(dq_ranked.tolist()) - set(theirs.tolist()))}
        result["time_ratio"] = result["cleanlab"]["seconds"] / dq_seconds
        result["memory_ratio"] = result["cleanlab"]["peak_rss_mb"] / dq_rss
    print(json.dumps(result))


if __name__ == "__main__":
    main()
