"""Confident learning peer for bench/run.sh: cleanlab's find_label_issues (prune_by_noise_rate,
ranked by self-confidence, n_jobs = all cores) on 1,000,000 × 4 out-of-sample probabilities
(seeded softmax of noisy logits, 10% flipped labels) against dq-bench label-issues on the same
arrays; checks that both flag the same samples in the same order.
"""
import argparse
import json
import subprocess
import time

import numpy as np

N, K = 1_000_000, 4


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq-bench", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    import cleanlab
    from cleanlab.filter import find_label_issues

    rng = np.random.default_rng(5)
    true = rng.integers(0, K, size=N)
    labels = true.copy()
    flip = rng.random(N) < 0.10
    labels[flip] = rng.integers(0, K, size=flip.sum())
    logits = rng.normal(0, 1, size=(N, K))
    logits[np.arange(N), true] += 2.5
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    probs.astype(np.float64).tofile(f"{args.work}/probs.f64")
    labels.astype(np.int64).tofile(f"{args.work}/labels.i64")

    start = time.perf_counter()
    issues = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
    seconds = time.perf_counter() - start
    mine = json.loads(subprocess.run(
        [args.dq_bench, "label-issues", f"{args.work}/probs.f64", f"{args.work}/labels.i64", str(K), f"{args.work}/dq-issues.txt"],
        check=True, capture_output=True, text=True).stdout)
    ours = [int(line) for line in open(f"{args.work}/dq-issues.txt").read().split()]
    print(json.dumps({"bench": "label-issues", "cleanlab": cleanlab.__version__, "samples": N, "classes": K,
                      "cleanlab_seconds": seconds, "dq_seconds": mine["seconds"], "issues": len(issues),
                      "identical_ranked_output": ours == [int(i) for i in issues]}))


if __name__ == "__main__":
    main()
