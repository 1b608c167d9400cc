"""Golden multi-label label issues from cleanlab 2.9 for dq's MultiLabelConfidentLearning
(MultiLabelConfidentLearningTests).

Run from the repository root with the bench venv (bench/requirements.txt pins cleanlab):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_multilabel_golden.py
Writes Tests/DQAnalysesTests/Golden/multilabel.json. Per case: the label lists, the per-label
probabilities (float64, written exactly), and from cleanlab
- multilabel_classification.filter.find_label_issues(labels, pred_probs, filter_by=F) as a
  mask, and with return_indices_ranked_by=R as ranked indices, for every filter F and ranking R;
- multilabel_classification.get_label_quality_scores(labels, pred_probs, method=R) and the
  per-class scores.
Cases: 400 samples with 5 labels and 300 with 8 labels, seeded; each sample's true label set
drawn per label, 8% of label memberships flipped, probabilities a noisy sigmoid of the truth.
Cases in which a ranking would meet tied scores are drawn again (numpy's argsort does not order
ties the same way on every machine).
"""
import json
import os

import cleanlab
import numpy as np
from cleanlab.multilabel_classification import get_label_quality_scores
from cleanlab.multilabel_classification.filter import find_label_issues
from cleanlab.multilabel_classification.rank import get_label_quality_scores_per_class

HERE = os.path.dirname(os.path.abspath(__file__))
FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning"]
RANKS = ["self_confidence", "normalized_margin"]


def draw(rng, n, k):
    while True:
        truth = rng.random((n, k)) < rng.uniform(0.1, 0.5, size=k)
        noisy = truth ^ (rng.random((n, k)) < 0.08)
        logits = np.where(truth, 1.5, -1.5) + rng.normal(scale=1.3, size=(n, k))
        probs = 1 / (1 + np.exp(-logits))
        labels = [sorted(np.flatnonzero(row).tolist()) for row in noisy]
        if any(len(l) == 0 for l in labels) or len(set(map(tuple, labels))) < 10:
            labels = [l if l else [int(np.argmax(p))] for l, p in zip(labels, probs)]
        ok = True
        for r in RANKS:
            s = get_label_quality_scores(labels, probs, method=r)
            if len(np.unique(s)) != len(s):
                ok = False
        if ok and all(any(k_ in l for l in labels) for k_ in range(k)):
            return labels, probs


def case(rng, n, k):
    labels, probs = draw(rng, n, k)
    out = {"classes": k, "labels": labels, "probabilities": probs.tolist(), "masks": {}, "ranked": {}, "quality": {}, "class_quality": {}}
    for f in FILTERS:
        out["masks"][f] = np.flatnonzero(find_label_issues(labels, probs, filter_by=f)).tolist()
        for r in RANKS:
            out["ranked"][f + "/" + r] = find_label_issues(labels, probs, filter_by=f, return_indices_ranked_by=r).tolist()
    for r in RANKS:
        out["quality"][r] = get_label_quality_scores(labels, probs, method=r).tolist()
        out["class_quality"][r] = get_label_quality_scores_per_class(labels, probs, method=r).tolist()
    return out


def main():
    rng = np.random.default_rng(23)
    cases = [case(rng, 400, 5), case(rng, 300, 8)]
    with open(os.path.join(HERE, "multilabel.json"), "w") as f:
        json.dump({"cleanlab": cleanlab.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
