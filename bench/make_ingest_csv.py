"""Writes a deterministic CSV for the ingest benchmark: id,text,label with 8-40 words a text.

About 1 in 20 texts holds a comma, 1 in 50 a doubled quote and 1 in 100 a line break, so the
quoting paths of every reader are exercised. Same --rows and --seed, same bytes.
"""
import argparse
import csv
import random

WORDS = ("the a of to and in is it that was for on are as with his they at be this have from or one had "
         "by word but not what all were we when your can said there use an each which she do how their if "
         "will up other about out many then them these so some her would make like him into time has look two "
         "more write go see number no way could people my than first water been call who oil its now find long "
         "down day did get come made may part great movie phone service battery screen delivery refund").split()
LABELS = ["positive", "negative", "neutral", "mixed", "spam"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "label"])
        for i in range(args.rows):
            words = rng.choices(WORDS, k=rng.randint(8, 40))
            r = rng.random()
            if r < 0.05:
                words[rng.randrange(len(words))] += ","
            if r < 0.02:
                words[rng.randrange(len(words))] = '"quoted"'
            if r < 0.01:
                words[rng.randrange(len(words))] += "\n"
            writer.writerow([f"r{i}", " ".join(words), rng.choice(LABELS)])


if __name__ == "__main__":
    main()
