"""Writes a deterministic retrieval corpus for the BM25 benchmark: one document per line,
words drawn from the word frequencies of the shared datasets' texts (a unigram language model
with a natural Zipf-like vocabulary), 8-60 words a document; and queries of 2-5 words drawn
from the same model without its 100 most frequent words (as people type queries).
Same --docs and --seed, same bytes.
"""
import argparse
import collections
import itertools
import csv
import glob
import random
import re


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries-count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    counts = collections.Counter()
    for path in sorted(glob.glob("../shared/datasets/*/*.csv")):
        if "reference" in path:
            continue
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for key in ("text", "sentence", "premise", "hypothesis", "question"):
                    if row.get(key):
                        counts.update(re.findall(r"[a-z0-9]+", row[key].lower()))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    cumulative = list(itertools.accumulate(counts[w] for w in words))
    rng = random.Random(args.seed)
    with open(args.corpus, "w", encoding="utf-8") as f:
        for _ in range(args.docs):
            f.write(" ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(8, 60))) + "\n")
    rare = words[100:]
    rare_cumulative = [c - cumulative[99] for c in cumulative[100:]]
    with open(args.queries, "w", encoding="utf-8") as f:
        for _ in range(args.queries_count):
            f.write(" ".join(rng.choices(rare, cum_weights=rare_cumulative, k=rng.randint(2, 5))) + "\n")
    print(f"vocabulary {len(words)} words")


if __name__ == "__main__":
    main()
