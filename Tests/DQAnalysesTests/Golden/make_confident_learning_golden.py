"""Golden label issues from cleanlab for dq's confident learning (ConfidentLearningTests).

Run from the repository root with the bench venv (bench/requirements.txt pins cleanlab):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_confident_learning_golden.py
Writes Tests/DQAnalysesTests/Golden/confident_learning.json: per case the given labels, the
probabilities (float64, written exactly), and for every filter_by and rank_by the indices cleanlab's
find_label_issues returns, ranked, plus the calibrated confident joint.

It also writes Fixtures/label_order/ (probs.csv, texts.csv, cleanlab.json): a case on which
confident learning's result depends on the order of the probability columns, for
`dq label-issues --probs` (LabelFindingCommandTests).

Cases whose calibration has tied rounding remainders in a row are drawn again: numpy's argsort
orders ties by SIMD sorting network (x86-simd-sort), so cleanlab's result on them depends on the
machine; dq breaks such ties by position.
"""
import json
import os

import cleanlab
import numpy as np
from cleanlab.count import compute_confident_joint, num_label_issues
from cleanlab.dataset import overall_label_health_score
from cleanlab.filter import find_label_issues
from cleanlab.internal.util import round_preserving_sum

FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning"]
RANKS = ["self_confidence", "normalized_margin"]


def make_case(rng, n, k, noise, sharpness, singleton=False):
    true = rng.integers(0, k, size=n)
    given = true.copy()
    flip = rng.random(n) < noise
    given[flip] = rng.integers(0, k, size=flip.sum())
    logits = rng.normal(0, 1, size=(n, k))
    logits[np.arange(n), true] += sharpness
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    if singleton:  # the last label given to one sample only
        given[given == k - 1] = 0
        given[0] = k - 1
    return given, probs


def stable_round_preserving_sum(floats):
    """round_preserving_sum with ties broken by position (a stable argsort), as dq does."""
    ints = floats.round()
    target, total = floats.sum().round(), ints.sum().round()
    while abs(total - target) > 1e-6:
        diff = np.round(target - total)
        increment = -1 if diff < 0 else 1
        order = np.argsort(floats - ints, kind="stable")[::-increment][: min(int(abs(diff)), len(floats))]
        ints[order] += increment
        total = ints.sum().round()
    return ints.astype(int)


def has_rounding_ties(labels, probs):
    """Whether tied rounding remainders make cleanlab's calibration differ from a stable one."""
    cj = compute_confident_joint(labels, probs, calibrate=False).astype(float)
    counts = np.bincount(labels, minlength=cj.shape[0])
    calibrated = (cj.T / np.clip(cj.sum(axis=1), 1e-100, None) * counts).T
    calibrated = calibrated / np.sum(calibrated) * counts.sum()
    return any((round_preserving_sum(row) != stable_round_preserving_sum(row)).any() for row in calibrated)


def main():
    rng = np.random.default_rng(20261123)
    cases = []
    specs = [
        (200, 2, 0.15, 2.0, False, 1),
        (300, 3, 0.20, 2.5, False, 1),
        (400, 4, 0.10, 3.0, False, 1),
        (250, 5, 0.30, 1.5, False, 1),
        (150, 3, 0.20, 2.0, True, 1),
        (120, 4, 0.25, 2.0, False, 29),
    ]
    for n, k, noise, sharpness, singleton, min_examples in specs:
        labels, probs = make_case(rng, n, k, noise, sharpness, singleton)
        while has_rounding_ties(labels, probs):
            labels, probs = make_case(rng, n, k, noise, sharpness, singleton)
        results = {}
        for filter_by in FILTERS:
            for rank_by in RANKS:
                issues = find_label_issues(labels, probs, filter_by=filter_by, return_indices_ranked_by=rank_by,
                                           min_examples_per_class=min_examples, n_jobs=1)
                results[f"{filter_by}/{rank_by}"] = [int(i) for i in issues]
        joint = compute_confident_joint(labels, probs, calibrate=True)
        cases.append({
            "classes": k, "min_examples_per_class": min_examples,
            "labels": [int(x) for x in labels],
            "probabilities": [[float(p) for p in row] for row in probs],
            "confident_joint": joint.tolist(),
            "issues": results,
            "num_label_issues": int(num_label_issues(labels, probs)),
            "health": float(overall_label_health_score(labels, probs)),
        })
    with open("Tests/DQAnalysesTests/Golden/confident_learning.json", "w") as f:
        json.dump({"cleanlab": cleanlab.__version__, "cases": cases}, f)
    write_label_order_case(rng)


def write_label_order_case(rng):
    """Fixtures/label_order: probabilities in twentieths, so that rows often tie between two
    classes and argmax takes the first column; the class columns are in an order unlike the
    labels' first appearance. cleanlab's result under the file's column order is written, and the
    case is drawn again until the result under first-appearance order differs from it."""
    names = ["sport", "world", "business", "science"]  # the column order of probs.csv
    n, k = 240, len(names)
    while True:
        true = rng.integers(0, k, size=n)
        given = true.copy()
        flip = rng.random(n) < 0.2
        given[flip] = rng.integers(0, k, size=flip.sum())
        counts = rng.multinomial(20, np.full(k, 1 / k), size=n)
        counts[np.arange(n), true] += 8
        probs = counts / counts.sum(axis=1, keepdims=True)
        if has_rounding_ties(given, probs):
            continue
        first_seen = list(dict.fromkeys(given.tolist()))
        order = first_seen + [c for c in range(k) if c not in first_seen]
        if order == list(range(k)):
            continue
        remap = {c: i for i, c in enumerate(order)}
        permuted_labels = np.array([remap[c] for c in given])
        if has_rounding_ties(permuted_labels, probs[:, order]):
            continue
        issues = find_label_issues(given, probs, n_jobs=1)
        ids = [f"s{i:03d}" for i in range(n)]
        permuted = find_label_issues(permuted_labels, probs[:, order], n_jobs=1)
        if set(np.flatnonzero(issues)) != set(np.flatnonzero(permuted)):
            break
    ranked = find_label_issues(given, probs, return_indices_ranked_by="self_confidence", n_jobs=1)
    os.makedirs("Fixtures/label_order", exist_ok=True)
    with open("Fixtures/label_order/probs.csv", "w") as f:
        f.write("id,label," + ",".join(names) + "\n")
        for i in range(n):
            f.write(f"{ids[i]},{names[given[i]]}," + ",".join(repr(float(p)) for p in probs[i]) + "\n")
    with open("Fixtures/label_order/texts.csv", "w") as f:
        f.write("id,text,label\n")
        for i in range(n):
            f.write(f"{ids[i]},text number {i},{names[given[i]]}\n")
    with open("Fixtures/label_order/cleanlab.json", "w") as f:
        json.dump({"cleanlab": cleanlab.__version__,
                   "issues_ranked": [ids[i] for i in ranked],
                   "num_label_issues": int(num_label_issues(given, probs)),
                   "health": float(overall_label_health_score(given, probs)),
                   "issues_in_first_appearance_order": int(permuted.sum())}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
