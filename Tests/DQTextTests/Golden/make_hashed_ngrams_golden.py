"""Writes hashed_ngrams_golden.json: scikit-learn HashingVectorizer features for varied texts.

Run from the repository root with scikit-learn installed (bench/.venv has it):
    bench/.venv/bin/python Tests/DQTextTests/Golden/make_hashed_ngrams_golden.py
Also records murmurhash3_32 values for a few strings and seeds.
"""
import csv
import json
import random

import sklearn
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

OUT = "Tests/DQTextTests/Golden/hashed_ngrams_golden.json"
TEXTS = ["", "a", "I", "Hello, World! Hello again.", "naïve café CAFÉ", "it's 2 o'clock, 12:30 pm", "snake_case __init__",
         "中文 文本 日本語", "Ⅻ ½ 42nd", "e\u0301t\u00e9", "tab\tand\nnewline", "the the the the", "won't can't shan't"]


def main():
    rng = random.Random(5)
    with open("../shared/datasets/ag_news/test.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = TEXTS + [row["text"] for row in rng.sample(rows, 40)]
    cases = []
    for n_features, ngram, alternate in [(1024, (1, 2), True), (2 ** 20, (1, 2), True), (512, (1, 1), False)]:
        vectorizer = HashingVectorizer(n_features=n_features, ngram_range=ngram, alternate_sign=alternate, norm="l2")
        matrix = vectorizer.transform(texts).tocsr()
        matrix.sort_indices()
        for i, text in enumerate(texts):
            row = matrix.getrow(i)
            keep = row.data != 0
            cases.append({"text": text, "dimension": n_features, "max_n": ngram[1], "alternate_sign": alternate,
                          "indices": row.indices[keep].tolist(), "values": row.data[keep].tolist()})
    hashes = [{"text": s, "seed": seed, "hash": murmurhash3_32(s, seed=seed)}
              for s in ["", "a", "foo", "hello world", "naïve", "日本", "x" * 37] for seed in (0, 42)]
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": f"scikit-learn {sklearn.__version__}", "cases": cases, "murmurhash3_32": hashes},
                  f, ensure_ascii=False, indent=0)
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
