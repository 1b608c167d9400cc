"""Annotations benchmark (issue 19), dq and its peers in one run.

1. Ingest: 1M single-label rows against 1M annotations (200k items x 5 annotators) in long
   format (one row per annotation) and in wide format (one column per annotator), each on a
   fresh store, best of --repeat. The floor: annotations at least half as fast as single-label rows.
2. Agreement on the 200k x 5 annotations: `dq agreement --resamples 0` (alpha, Fleiss, every
   pair's Cohen, per label and annotator) against the krippendorff package's alpha alone.
3. Consensus on the same annotations: dq's Dawid-Skene against crowd-kit's DawidSkene, and dq's
   CROWDLAB (--probs) against cleanlab's get_label_quality_multiannotator.
The data are written before anything is timed; the peers' times exclude reading the files.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

from measure import measure

LABELS = ["a", "b", "c", "d"]
WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon".split()


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def write_data(work, items, annotators):
    rng = random.Random(1)
    truth = [rng.randrange(4) for _ in range(items)]
    skill = [0.9, 0.8, 0.7, 0.6, 0.5][:annotators] + [0.7] * max(0, annotators - 5)
    given = [[t if rng.random() < skill[a] else rng.randrange(4) for a in range(annotators)] for t in truth]
    texts = [" ".join(rng.choice(WORDS) for _ in range(12)) + f" {i}" for i in range(items)]
    with open(os.path.join(work, "single.csv"), "w") as f:
        f.write("id,text,label\n")
        for i in range(items * annotators):
            f.write(f"{i},{rng.choice(WORDS)} {' '.join(rng.choice(WORDS) for _ in range(11))} {i},{LABELS[rng.randrange(4)]}\n")
    with open(os.path.join(work, "long.csv"), "w") as f:
        f.write("id,text,annotator,label\n")
        for i in range(items):
            for a in range(annotators):
                f.write(f"{i},{texts[i]},ann{a},{LABELS[given[i][a]]}\n")
    with open(os.path.join(work, "wide.csv"), "w") as f:
        f.write("id,text," + ",".join(f"ann{a}" for a in range(annotators)) + "\n")
        for i in range(items):
            f.write(f"{i},{texts[i]}," + ",".join(LABELS[v] for v in given[i]) + "\n")
    # Out-of-sample-like probabilities: the truth favoured, with noise.
    with open(os.path.join(work, "probs.csv"), "w") as f:
        f.write("id,label," + ",".join(LABELS) + "\n")
        for i in range(items):
            weights = [rng.random() + (2.0 if k == truth[i] else 0.0) for k in range(4)]
            total = sum(weights)
            f.write(f"{i},{LABELS[given[i][0]]}," + ",".join(repr(w / total) for w in weights) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dq-bench-annotations-")
    # In a child, so that the data's Python objects do not count in anyone's peak memory.
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r}); "
                    f"import annotations_bench as b; b.write_data({work!r}, {args.items}, {args.annotators})"], check=True)
    n = args.items * args.annotators
    print(f"== annotations: {args.items:,} items x {args.annotators} annotators = {n:,} annotations; best of {args.repeat}")

    def best(argv_for):
        runs = [measure(argv_for(fresh(os.path.join(work, "s.sqlite")))) for _ in range(args.repeat)]
        return min(runs, key=lambda r: r["seconds"])

    single = best(lambda db: [args.dq, "ingest", os.path.join(work, "single.csv"), "--dataset", "s", "--db", db])
    long = best(lambda db: [args.dq, "ingest", os.path.join(work, "long.csv"), "--dataset", "a", "--annotator", "annotator", "--db", db])
    wide = best(lambda db: [args.dq, "ingest", os.path.join(work, "wide.csv"), "--dataset", "w", "--annotator-prefix", "ann", "--db", db])
    for name, r, rows in [("single-label, 1 row = 1 label", single, n), ("long, 1 row = 1 annotation", long, n), ("wide, 1 row = 5 annotations", wide, n)]:
        print(f"ingest {name:34} {r['seconds']:6.2f} s  {rows / r['seconds'] / 1e6:5.2f} M labels/s  peak {r['peak_rss_mb']:6.0f} MB"
              f"  speed vs single-label {single['seconds'] / r['seconds']:.2f}")

    db = fresh(os.path.join(work, "a.sqlite"))
    subprocess.run([args.dq, "ingest", os.path.join(work, "long.csv"), "--dataset", "a", "--annotator", "annotator", "--db", db],
                   check=True, stdout=subprocess.DEVNULL)
    agreement = measure([args.dq, "agreement", "--db", db, "--resamples", "0"])
    agreement_boot = measure([args.dq, "agreement", "--db", db, "--resamples", "200"])
    ds = measure([args.dq, "consensus", "--db", db, "--method", "dawid-skene"])
    crowdlab = measure([args.dq, "consensus", "--db", db, "--probs", os.path.join(work, "probs.csv")])
    peers = json.loads(subprocess.run([sys.executable, os.path.abspath(__file__), "--peers", work], check=True,
                                      capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"agreement   dq (alpha, Fleiss, every pair's Cohen, per label, alpha without each annotator) {agreement['seconds']:6.2f} s   "
          f"krippendorff+statsmodels+scikit-learn, the same set {peers['agreement_set']:6.2f} s   ratio {peers['agreement_set'] / agreement['seconds']:.1f}x"
          f"   (krippendorff.alpha alone {peers['krippendorff']:.2f} s)")
    print(f"            dq with 200 bootstrap resamples {agreement_boot['seconds']:6.2f} s")
    print(f"dawid-skene dq consensus {ds['seconds']:6.2f} s ({ds['peak_rss_mb']:.0f} MB)   crowd-kit DawidSkene {peers['crowdkit']:6.2f} s   "
          f"ratio {peers['crowdkit'] / ds['seconds']:.1f}x")
    print(f"crowdlab    dq consensus {crowdlab['seconds']:6.2f} s ({crowdlab['peak_rss_mb']:.0f} MB)   cleanlab {peers['cleanlab']:6.2f} s   "
          f"ratio {peers['cleanlab'] / crowdlab['seconds']:.1f}x   (dq's times include reading the store and storing the results)")


def peers(work):
    import numpy as np
    import pandas as pd
    import krippendorff
    from crowdkit.aggregation import DawidSkene
    from cleanlab.multiannotator import get_label_quality_multiannotator
    long = pd.read_csv(os.path.join(work, "long.csv"))
    wide = pd.read_csv(os.path.join(work, "wide.csv"))
    codes = {label: k for k, label in enumerate(LABELS)}
    matrix = wide[[c for c in wide.columns if c.startswith("ann")]].replace(codes).to_numpy(dtype=float)
    probs = pd.read_csv(os.path.join(work, "probs.csv"))[LABELS].to_numpy()
    out = {}
    start = time.perf_counter()
    krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
    out["krippendorff"] = time.perf_counter() - start
    # What dq agreement computes, with the peers: alpha, Fleiss, every pair's Cohen, alpha and
    # Fleiss per label (binary), alpha without each annotator.
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
    start = time.perf_counter()
    krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
    fleiss_kappa(aggregate_raters(matrix.astype(int))[0])
    m = matrix.shape[1]
    for a in range(m):
        for b in range(a + 1, m):
            cohen_kappa_score(matrix[:, a], matrix[:, b])
    for c in range(len(LABELS)):
        binary = (matrix == c).astype(float)
        krippendorff.alpha(reliability_data=binary.T, level_of_measurement="nominal")
        fleiss_kappa(aggregate_raters(binary.astype(int))[0])
    for a in range(m):
        krippendorff.alpha(reliability_data=np.delete(matrix, a, axis=1).T, level_of_measurement="nominal")
    out["agreement_set"] = time.perf_counter() - start
    frame = long.rename(columns={"id": "task", "annotator": "worker"})[["task", "worker", "label"]]
    start = time.perf_counter()
    DawidSkene(n_iter=100, tol=1e-5).fit(frame)
    out["crowdkit"] = time.perf_counter() - start
    start = time.perf_counter()
    get_label_quality_multiannotator(pd.DataFrame(matrix), probs, verbose=False)
    out["cleanlab"] = time.perf_counter() - start
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--peers":
        peers(sys.argv[2])
    else:
        main()
