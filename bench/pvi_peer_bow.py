"""scikit-learn peer for `dq pvi --model bow --null prior --folds 5`: the same hashed features
(HashingVectorizer 2^20, uni+bigrams, signed, l2), LogisticRegression(lbfgs, C=1, tol=1e-6) per
fold, null model = the training folds' label prior. Folds: StratifiedKFold(5), or dq's own
(`--folds-from` a `dq pvi --out` CSV, whose `fold` column it reads), so both fit the same rows.
Prints (or writes to --json) wall time, L-BFGS iterations per fold and mean PVI."""
import argparse
import json
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--folds-from")
    parser.add_argument("--json")
    args = parser.parse_args()
    start = time.perf_counter()
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    labels = sorted(frame["label"].unique())
    y = frame["label"].map({l: i for i, l in enumerate(labels)}).to_numpy()
    x = HashingVectorizer(n_features=2 ** 20, ngram_range=(1, 2), alternate_sign=True, norm="l2").transform(frame["text"])
    if args.folds_from:
        dq = pd.read_csv(args.folds_from, dtype={"id": str}).set_index("id")["fold"]
        fold = frame["id"].map(dq).to_numpy()
        splits = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in sorted(set(fold))]
    else:
        splits = StratifiedKFold(n_splits=5, shuffle=True, random_state=13).split(x, y)
    pvi = np.zeros(len(y))
    iterations = []
    for train, test in splits:
        model = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-6, max_iter=1000).fit(x[train], y[train])
        iterations.append(int(model.n_iter_[0]))
        p_input = model.predict_proba(x[test])[np.arange(len(test)), y[test]]
        prior = np.bincount(y[train], minlength=len(labels)) / len(train)
        pvi[test] = -np.log2(prior[y[test]]) + np.log2(np.maximum(p_input, 1e-12))
    result = {"bench": "pvi-bow-sklearn", "rows": len(y), "seconds": time.perf_counter() - start,
              "iterations": iterations, "mean_pvi": float(pvi.mean())}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
