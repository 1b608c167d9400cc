"""Writes a deterministic labelled CSV (id,text,label) for the bow benchmark: 5 labels by default (--labels), each
with its own 200 topic words mixed into texts of 8-40 words drawn from 2,000 common words, and
5% of labels flipped, so the classes are learnable but not separable."""
import argparse
import csv
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--labels", type=int, default=5, help="how many labels (at most 8)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    common = [f"w{i}" for i in range(2000)]
    labels = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"][:args.labels]
    topics = {label: [f"{label[:2]}{i}" for i in range(200)] for label in labels}
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "label"])
        for i in range(args.rows):
            label = rng.choice(labels)
            words = [rng.choice(topics[label]) if rng.random() < 0.15 else rng.choice(common)
                     for _ in range(rng.randint(8, 40))]
            if rng.random() < 0.05:
                label = rng.choice(labels)
            writer.writerow([f"d{i}", " ".join(words), label])


if __name__ == "__main__":
    main()
