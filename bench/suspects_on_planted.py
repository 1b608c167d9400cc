"""The whole user path on data with planted label errors: plant errors in a real dataset's
labels (outside dq), ingest the noisy copy, run dq's analyses, `dq evaluate`, then the default
`dq suspects`, and score the list against the planted errors. The peer is what users glue
together today: cleanlab 2.9 on out-of-fold probabilities of scikit-learn's logistic regression
on TF-IDF word 1-2-grams (self-confidence ranking, `find_label_issues` for the list).

    bench/.venv/bin/python bench/suspects_on_planted.py --dq .build/release/dq \
        --csv ../shared/datasets/trec/train.csv --mode confusable [--embed-model DIR]

Planting: round(rate * n) samples (numpy default_rng(seed)) get another label, uniformly
(`uniform`) or in proportion to where the peer's out-of-fold probabilities on the clean labels
put the true label's mass (`confusable`). Prints one JSON line. `--rate 0` plants nothing: the
lists' lengths are then the data's own errors as each tool counts them, the baseline against
which a list's rise per planted error is read.
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def out_of_fold(texts, labels, seed):
    x = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return cross_val_predict(LogisticRegression(max_iter=1000), x, labels, cv=folds, method="predict_proba")


def plant(y, classes, rate, mode, probabilities, rng):
    y = y.copy()
    chosen = rng.choice(len(y), int(round(rate * len(y))), replace=False)
    for i in chosen:
        if mode == "uniform":
            y[i] = rng.choice([c for c in range(classes) if c != y[i]])
        else:
            p = probabilities[i].copy()
            p[y[i]] = 0
            y[i] = rng.choice(classes, p=p / p.sum()) if p.sum() > 0 else rng.choice([c for c in range(classes) if c != y[i]])
    return y, set(chosen.tolist())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--mode", choices=["uniform", "confusable"], default="uniform")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embed-model")
    parser.add_argument("--text", default="text", help="the text column (pairs: the first text)")
    parser.add_argument("--pair", help="the second text's column, for pairs")
    parser.add_argument("--keep", help="a folder to keep the noisy CSV, the store and the lists in")
    args = parser.parse_args()
    import cleanlab
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    names = sorted(frame["label"].unique())
    clean = np.array([names.index(v) for v in frame["label"]])
    texts = (frame[args.text] + (" " + frame[args.pair] if args.pair else "")).tolist()
    rng = np.random.default_rng(args.seed)
    confusions = out_of_fold(texts, clean, 99) if args.mode == "confusable" else None
    noisy, planted = plant(clean, len(names), args.rate, args.mode, confusions, rng)
    is_planted = np.zeros(len(noisy), bool)
    is_planted[list(planted)] = True
    k = len(planted)

    # The peer: cleanlab on scikit-learn's out-of-fold probabilities of the noisy labels.
    start = time.perf_counter()
    p = out_of_fold(texts, noisy, args.seed)
    quality = get_label_quality_scores(noisy, p, method="self_confidence")
    issues = find_label_issues(noisy, p)
    peer_seconds = time.perf_counter() - start
    order = np.argsort(quality, kind="stable")
    # At --rate 0 nothing is planted: only the list lengths mean something (the data's own
    # errors as each tool counts them), the baseline for the rise per planted error.
    planted_any = k > 0
    peer = {"precision_at_k": float(is_planted[order[:k]].mean()) if planted_any else None,
            "auroc": float(roc_auc_score(is_planted, -quality)) if planted_any else None,
            "listed": int(issues.sum()), "listed_precision": float(is_planted[issues].mean()) if planted_any and issues.any() else None,
            "seconds": peer_seconds,
            "cleanlab": cleanlab.__version__}

    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or scratch
        os.makedirs(work, exist_ok=True)
        noisy_frame = frame.copy()
        noisy_frame["label"] = [names[v] for v in noisy]
        path = os.path.join(work, "noisy.csv")
        noisy_frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
        db = os.path.join(work, "dq.sqlite")

        def dq(*command):
            subprocess.run([args.dq, *command, "--db", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        start = time.perf_counter()
        dq("ingest", path, "--dataset", "d")
        dq("pvi", "--dataset", "d", "--model", "bow")
        if args.embed_model:
            dq("pvi", "--dataset", "d", "--model", "embeddings:" + args.embed_model)
        dq("conflicts", "--dataset", "d")
        dq("evaluate", "--dataset", "d", "--mode", args.mode, *(["--embed-model", args.embed_model] if args.embed_model else []))
        listed_path, ranked_path = os.path.join(work, "suspects.csv"), os.path.join(work, "ranked.csv")
        dq("suspects", "--dataset", "d", "--format", "csv", "--out", listed_path)
        seconds = time.perf_counter() - start
        dq("suspects", "--dataset", "d", "--all", "--format", "csv", "--out", ranked_path)
        listed = pd.read_csv(listed_path, dtype=str)["id"].tolist()
        ranked = pd.read_csv(ranked_path, dtype=str)["id"].tolist()
    position = {sample: i for i, sample in enumerate(frame["id"])}
    planted_ids = {frame["id"][i] for i in planted}
    if args.keep:
        with open(os.path.join(args.keep, "planted.txt"), "w") as f:
            f.write("\n".join(sorted(planted_ids)) + "\n")
    rank_of = np.empty(len(ranked))
    for r, sample in enumerate(ranked):
        rank_of[position[sample]] = r
    mine = {"precision_at_k": len(planted_ids & set(ranked[:k])) / k if planted_any else None,
            "auroc": float(roc_auc_score(is_planted, -rank_of)) if planted_any else None,
            "listed": len(listed), "listed_precision": len(planted_ids & set(listed)) / max(len(listed), 1) if planted_any else None,
            "listed_over_planted": len(listed) / k if planted_any else None, "seconds": seconds}
    print(json.dumps({"csv": args.csv, "mode": args.mode, "rate": args.rate, "seed": args.seed, "planted": k,
                      "embed_model": bool(args.embed_model), "dq_suspects": mine, "cleanlab_sklearn": peer}))


if __name__ == "__main__":
    main()
