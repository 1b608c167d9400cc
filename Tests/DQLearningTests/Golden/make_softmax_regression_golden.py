"""Writes softmax_regression_golden.json: scikit-learn's L2 multinomial logistic regression on
hashed n-grams of the first 600 TREC training questions, and its binary logistic regression on
the HUM and LOC questions among them, to check dq's `bow` fit.

Run from the repository root with scikit-learn installed (bench/.venv has it):
    bench/.venv/bin/python Tests/DQLearningTests/Golden/make_softmax_regression_golden.py
"""
import csv
import json

import numpy as np
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

OUT = "Tests/DQLearningTests/Golden/softmax_regression_golden.json"
ROWS = 600
DIMENSION = 2 ** 18


def main():
    with open("Fixtures/demo/trec/train.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:ROWS]
    texts = [r["text"] for r in rows]
    labels = sorted({r["label"] for r in rows})
    y = np.array([labels.index(r["label"]) for r in rows])
    x = HashingVectorizer(n_features=DIMENSION, ngram_range=(1, 2), alternate_sign=True, norm="l2").transform(texts)
    out = {"generator": f"scikit-learn {sklearn.__version__}", "rows": ROWS, "dimension": DIMENSION, "labels": labels,
           "fits": []}
    for c in (1.0, 10.0):
        model = LogisticRegression(C=c, tol=1e-10, max_iter=100000).fit(x, y)
        p = model.predict_proba(x)
        n = len(y)
        objective = -np.mean(np.log(p[np.arange(n), y])) + 0.5 / (c * n) * np.sum(model.coef_ ** 2)
        out["fits"].append({"C": c, "l2": 1 / (c * n), "objective": objective,
                            "probabilities_first_20": p[:20].tolist(), "intercept": model.intercept_.tolist()})
    # Two labels: dq fits one weight vector per label, both penalised, whose optimum has
    # w_1 = -w_0, so its penalty (l2/2)(|w_0|^2 + |w_1|^2) is (l2/4)|w_1 - w_0|^2: scikit-learn's
    # one vector with C = 2 / (l2 n). At dq's default l2 = 1/n that is C = 2.
    pair = ["HUM", "LOC"]
    keep = [i for i, r in enumerate(rows) if r["label"] in pair]
    xb = x[keep]
    yb = np.array([pair.index(rows[i]["label"]) for i in keep])
    out["binary"] = {"labels": pair, "rows": keep, "fits": []}
    for c in (2.0, 20.0):
        model = LogisticRegression(C=c, tol=1e-10, max_iter=100000).fit(xb, yb)
        p = model.predict_proba(xb)
        n = len(yb)
        objective = -np.mean(np.log(p[np.arange(n), yb])) + 0.5 / (c * n) * np.sum(model.coef_ ** 2)
        out["binary"]["fits"].append({"C": c, "l2": 2 / (c * n), "objective": objective,
                                      "probabilities_first_20": p[:20].tolist(), "intercept": model.intercept_.tolist()})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    print(json.dumps([(fit["C"], fit["objective"]) for fit in out["fits"] + out["binary"]["fits"]]))


if __name__ == "__main__":
    main()
