"""Specification depth on AG News (issue 17): 40 Sports articles of the AG News test split are
relabelled Business (seeded), then `dq inconsistent --specs bench/ag_news_specs.json` runs with
several --depth settings. Printed: how many planted articles are among the top 20, 40 and 200
Sports suspects (samples labelled otherwise that Sports' specifications match), against a plain
reference with no depth rule: rank_bm25's BM25Okapi per specification (a query's words; for
examples, the best of the examples' scores), fused by reciprocal rank fusion (k = 60), the
samples labelled Sports removed.

    python bench/evaluate_spec_depth.py --dq .build/release/dq --work /tmp/specdepth
Needs numpy and rank-bm25 (bench/requirements.txt).
"""
import argparse
import csv
import json
import os
import random
import re
import subprocess

import numpy as np
from rank_bm25 import BM25Okapi

PLANTED = 40


def words(text):
    return re.findall(r"[^\W_]+", text.lower())


def reference(texts, labels, specs, label, top):
    bm25 = BM25Okapi([words(t) for t in texts], k1=1.2, b=0.75)
    fused = np.zeros(len(texts))
    for spec in specs:
        if spec["label"] != label:
            continue
        if "query" in spec:
            scores = bm25.get_scores(words(spec["query"]))
        else:
            scores = np.max([bm25.get_scores(words(e)) for e in spec["examples"]], axis=0)
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty(len(texts))
        ranks[order] = np.arange(len(texts))
        fused += np.where(scores > 0, 1.0 / (60 + ranks + 1), 0.0)
    candidates = [i for i in np.argsort(-fused, kind="stable") if labels[i] != label and fused[i] > 0]
    return candidates[:top]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--data", default="../shared/datasets/ag_news/test.csv")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with open(args.data, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rng = random.Random(17)
    planted = set(rng.sample([r["id"] for r in rows if r["label"] == "Sports"], PLANTED))
    path = os.path.join(args.work, "ag_news_planted.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "label"])
        for r in rows:
            w.writerow([r["id"], r["text"], "Business" if r["id"] in planted else r["label"]])
    db = os.path.join(args.work, "dq.sqlite")
    if os.path.exists(db):
        os.remove(db)
    subprocess.run([args.dq, "ingest", path, "--dataset", "ag", "--db", db], check=True, capture_output=True)
    specs_path = os.path.join(os.path.dirname(__file__), "ag_news_specs.json")
    print(f"AG News test, {len(rows)} articles, {PLANTED} Sports articles planted as Business")
    print("depth | planted in top 20 | top 40 | top 200 | Sports suspects")
    for depth in ["100", "1000", "default"]:
        extra = [] if depth == "default" else ["--depth", depth]
        out = subprocess.run([args.dq, "inconsistent", "--specs", specs_path, "--top", "200", "--db", db, "--format", "json"] + extra,
                             check=True, capture_output=True, text=True).stdout
        suspects = [s for s in json.loads(out)["inconsistent"] if s["suggested"] == "Sports"]
        ids = [s["id"] for s in suspects]
        hits = [sum(i in planted for i in ids[:k]) for k in (20, 40, 200)]
        print(f"{depth} | {hits[0]} | {hits[1]} | {hits[2]} | {len(ids)}")
    with open(specs_path, encoding="utf-8") as f:
        specs = json.load(f)["specs"]
    texts = [r["text"] for r in rows]
    labels = ["Business" if r["id"] in planted else r["label"] for r in rows]
    ids = [rows[i]["id"] for i in reference(texts, labels, specs, "Sports", 200)]
    hits = [sum(i in planted for i in ids[:k]) for k in (20, 40, 200)]
    print(f"reference (BM25Okapi + RRF, no depth) | {hits[0]} | {hits[1]} | {hits[2]} | {len(ids)}")


if __name__ == "__main__":
    main()
