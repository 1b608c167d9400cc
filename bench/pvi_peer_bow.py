"""scikit-learn peer for `dq pvi --model bow --null prior --folds 5`: the same hashed features
(HashingVectorizer 2^20, uni+bigrams, signed, l2), LogisticRegression(lbfgs, C=1) per fold with
StratifiedKFold(5), null model = the training folds' label prior. Prints wall time and mean PVI."""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold


def main():
    start = time.perf_counter()
    frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
    labels = sorted(frame["label"].unique())
    y = frame["label"].map({l: i for i, l in enumerate(labels)}).to_numpy()
    x = HashingVectorizer(n_features=2 ** 20, ngram_range=(1, 2), alternate_sign=True, norm="l2").transform(frame["text"])
    pvi = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=13).split(x, y):
        model = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-6, max_iter=1000).fit(x[train], y[train])
        p_input = model.predict_proba(x[test])[np.arange(len(test)), y[test]]
        prior = np.bincount(y[train], minlength=len(labels)) / len(train)
        pvi[test] = -np.log2(prior[y[test]]) + np.log2(np.maximum(p_input, 1e-12))
    print(json.dumps({"bench": "pvi-bow-sklearn", "rows": len(y), "seconds": time.perf_counter() - start,
                      "mean_pvi": float(pvi.mean())}))


if __name__ == "__main__":
    main()
