"""Python peers for `dq divergence` on a CSV (id,text,label): a plain-Python Counter version and a
scikit-learn CountVectorizer + numpy version, same tokens (lower-cased runs of letters and digits),
add-1 smoothing over each pair's vocabulary, JSD in bits. Prints each peer's best time of
`--best-of N` runs (default 3) and every pair's value."""
import csv
import itertools
import json
import math
import re
import sys
import time
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

WORD = re.compile(r"[^\W_]+")


def jsd_counts(ca, cb, alpha=1.0):
    vocab = set(ca) | set(cb)
    na, nb, v = sum(ca.values()), sum(cb.values()), len(vocab)
    total = 0.0
    for w in vocab:
        p = (ca.get(w, 0) + alpha) / (na + alpha * v)
        q = (cb.get(w, 0) + alpha) / (nb + alpha * v)
        m = (p + q) / 2
        total += 0.5 * p * math.log2(p / m) + 0.5 * q * math.log2(q / m)
    return total


def plain_python(path):
    counts = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counts.setdefault(row["label"], Counter()).update(WORD.findall(row["text"].lower()))
    return {f"{a}|{b}": jsd_counts(counts[a], counts[b]) for a, b in itertools.combinations(sorted(counts), 2)}


def with_sklearn(path):
    texts, labels = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            labels.append(row["label"])
    vectorizer = CountVectorizer(token_pattern=r"(?u)[^\W_]+", lowercase=True)
    x = vectorizer.fit_transform(texts)
    names = sorted(set(labels))
    y = np.array([names.index(l) for l in labels])
    per_label = np.vstack([np.asarray(x[y == i].sum(axis=0)).ravel() for i in range(len(names))]).astype(float)
    out = {}
    for i, j in itertools.combinations(range(len(names)), 2):
        keep = (per_label[i] > 0) | (per_label[j] > 0)
        p = per_label[i][keep] + 1
        q = per_label[j][keep] + 1
        p /= p.sum()
        q /= q.sum()
        m = (p + q) / 2
        out[f"{names[i]}|{names[j]}"] = float(0.5 * np.sum(p * np.log2(p / m)) + 0.5 * np.sum(q * np.log2(q / m)))
    return out


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[3]) if sys.argv[2:3] == ["--best-of"] else 3
    for name, fn in [("python-counter", plain_python), ("sklearn-countvectorizer", with_sklearn)]:
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            values = fn(path)
            seconds.append(time.perf_counter() - start)
        print(json.dumps({"bench": f"divergence-{name}", "seconds": min(seconds), "values": values}))


if __name__ == "__main__":
    main()
