"""Writes divergence_golden.json: Jensen–Shannon divergences of TREC's label pairs computed with
scipy (jensenshannon(p, q, base) squared), for dq's label-pair divergence tests.

Run from the repository root with scipy installed (bench/.venv has it):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_divergence_golden.py
Words are lower-cased runs of letters and digits (Python: [^\\W_]+ on the lower-cased text).
"""
import csv
import itertools
import json
import re
from collections import Counter

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon

OUT = "Tests/DQAnalysesTests/Golden/divergence_golden.json"


def main():
    counts = {}
    with open("Fixtures/demo/trec/train.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counts.setdefault(row["label"], Counter()).update(re.findall(r"[^\W_]+", row["text"].lower()))
    cases = []
    for alpha, base, vocab in [(1.0, 2, "pair"), (0.5, np.e, "global"), (0.01, 2, "pair")]:
        everything = sorted(set().union(*counts.values()))
        for a, b in itertools.combinations(sorted(counts), 2):
            words = sorted(set(counts[a]) | set(counts[b])) if vocab == "pair" else everything
            p = np.array([counts[a][w] + alpha for w in words], dtype=float)
            q = np.array([counts[b][w] + alpha for w in words], dtype=float)
            p /= p.sum()
            q /= q.sum()
            cases.append({"a": a, "b": b, "alpha": alpha, "log_base": base, "vocab": vocab,
                          "jsd": float(jensenshannon(p, q, base=base) ** 2)})
    with open(OUT, "w") as f:
        json.dump({"generator": f"scipy {scipy.__version__}", "cases": cases}, f, indent=1)
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
