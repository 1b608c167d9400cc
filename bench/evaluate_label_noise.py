"""Label-noise detection with dq: flip 10% of a real dataset's labels (seeded), run dq pvi and
dq cartography, and measure how well low PVI and low cartography confidence find the flipped
samples: precision@k (k = number flipped) and AUROC. Also V-information with shuffled labels.

    bench/.venv/bin/python bench/evaluate_label_noise.py --dq .build/release/dq
Writes a markdown table to stdout (docs/evaluation.md records it).
"""
import argparse
import csv
import os
import random
import subprocess
import tempfile


def flip(rows, share, seed):
    rng = random.Random(seed)
    labels = sorted({r["label"] for r in rows})
    chosen = set(rng.sample(range(len(rows)), int(round(share * len(rows)))))
    out = []
    for i, r in enumerate(rows):
        r = dict(r)
        if i in chosen:
            r["label"] = rng.choice([l for l in labels if l != r["label"]])
        out.append(r)
    return out, {rows[i]["id"] for i in chosen}


def write(rows, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "text", "label"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def auroc(scores, positives):
    """P(score of a random positive < score of a random negative): low scores should flag positives."""
    ranked = sorted(scores.items(), key=lambda kv: kv[1])
    rank_sum, n_pos = 0.0, 0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][1] == ranked[i][1]:
            j += 1
        mid = (i + j + 1) / 2  # average 1-based rank for ties
        for k in range(i, j):
            if ranked[k][0] in positives:
                rank_sum += mid
                n_pos += 1
        i = j
    n_neg = len(ranked) - n_pos
    # Mann–Whitney U of the positives counted from the low end.
    u = rank_sum - n_pos * (n_pos + 1) / 2
    return 1 - u / (n_pos * n_neg)


def precision_at_k(scores, positives):
    k = len(positives)
    lowest = [i for i, _ in sorted(scores.items(), key=lambda kv: kv[1])[:k]]
    return sum(1 for i in lowest if i in positives) / k


def run(argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--data", default="../shared/datasets/ag_news/test.csv")
    parser.add_argument("--share", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--bow-only", action="store_true", help="skip tiny-bert's PVI and data map")
    parser.add_argument("--l2", help="bow's --l2 (default: dq's, auto since 2026-12-07; 1/n before)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dq-noise-")
    rows = read(args.data)
    noisy, flipped = flip(rows, args.share, args.seed)
    shuffled = [dict(r, label=l) for r, l in zip(rows, random.Random(args.seed + 1).sample([r["label"] for r in rows], len(rows)))]
    db = os.path.join(work, "dq.sqlite")
    for name, data in [("noisy", noisy), ("clean", rows), ("shuffled", shuffled)]:
        write(data, os.path.join(work, f"{name}.csv"))
        run([args.dq, "ingest", os.path.join(work, f"{name}.csv"), "--dataset", name, "--db", db])
    results = []
    for dataset in ["clean", "shuffled", "noisy"]:
        out = os.path.join(work, f"pvi-bow-{dataset}.csv")
        run([args.dq, "pvi", "--dataset", dataset, "--model", "bow", "--out", out, "--db", db] + (["--l2", args.l2] if args.l2 else []))
        pvi = {r["id"]: float(r["PVI"]) for r in read(out)}
        results.append((f"bow PVI, {dataset} labels", sum(pvi.values()) / len(pvi), pvi))
    bert_pvi, confidence, hard = {}, {}, set()
    if not args.bow_only:
        out = os.path.join(work, "pvi-bert.csv")
        run([args.dq, "pvi", "--dataset", "noisy", "--model", "tiny-bert", "--folds", "3", "--null", "prior",
             "--epochs", str(args.epochs), "--max-length", "64", "--out", out, "--db", db])
        bert_pvi = {r["id"]: float(r["PVI"]) for r in read(out)}
        out = os.path.join(work, "carto-bert.csv")
        run([args.dq, "cartography", "--dataset", "noisy", "--model", "tiny-bert", "--epochs", str(args.epochs),
             "--max-length", "64", "--out", out, "--db", db])
        carto = read(out)
        confidence = {r["id"]: float(r["confidence"]) for r in carto}
        hard = {r["id"] for r in carto if r["region"] == "hard-to-learn"}
    print(f"data: {args.data}, {len(rows)} rows, {len(flipped)} labels flipped ({args.share:.0%}, seed {args.seed})\n")
    print("| dataset | model | V-information (bits) |")
    print("| --- | --- | ---: |")
    for name, mean, _ in results:
        print(f"| {name.split(', ')[1]} | bow | {mean:.3f} |")
    if bert_pvi:
        print(f"| noisy labels | tiny-bert (random init, {args.epochs} epochs, 3 folds, prior null) | {sum(bert_pvi.values()) / len(bert_pvi):.3f} |")
    print("\n| signal (low = suspect) | precision@k | AUROC |")
    print("| --- | ---: | ---: |")
    bow_noisy = results[2][2]
    for name, scores in [("bow PVI", bow_noisy), ("tiny-bert PVI", bert_pvi), ("tiny-bert cartography confidence", confidence)]:
        if not scores:
            continue
        print(f"| {name} | {precision_at_k(scores, flipped):.3f} | {auroc(scores, flipped):.3f} |")
    if args.bow_only:
        return
    share = len(hard & flipped) / max(len(hard), 1)
    print(f"\nhard-to-learn region: {len(hard)} samples, {len(hard & flipped)} of them flipped ({share:.1%}); "
          f"it holds {len(hard & flipped) / len(flipped):.1%} of the flipped samples")


if __name__ == "__main__":
    main()
