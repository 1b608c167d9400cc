"""Golden consensus labels for dq's Consensus (ConsensusTests).

Run from the repository root with the bench venv (bench/requirements.txt pins the packages):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_consensus_golden.py
Writes Tests/DQAnalysesTests/Golden/consensus.json. Per case: the annotations (items x annotators,
label index or null), the model's probabilities (float64, written exactly), and
- cleanlab 2.9 get_label_quality_multiannotator(labels, pred_probs, return_weights=True) with its
  defaults (CROWDLAB): consensus label, consensus quality, annotator agreement, the detailed
  quality of every annotation, annotator quality / agreement with consensus / worst class /
  items, model weight and annotator weights;
- cleanlab get_majority_vote_label with and without pred_probs (cases that would reach cleanlab's
  random tie-break are drawn again);
- crowd-kit DawidSkene(n_iter=100, tol=1e-5): labels and posterior probabilities.
Cases: "diagnoses" (Fleiss 1971: 30 patients x 6 psychiatrists, 5 diagnoses, with seeded
model probabilities); "sparse" (400 items, 7 annotators, 4 labels, annotations missing at
random, some items with one annotation); "ties" (few annotators, many majority-vote ties).
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import cleanlab
from cleanlab.multiannotator import get_label_quality_multiannotator, get_majority_vote_label
from crowdkit.aggregation import DawidSkene

from make_agreement_golden import DIAGNOSES  # Fleiss (1971), as statsmodels and R's irr ship it

HERE = os.path.dirname(os.path.abspath(__file__))


def probabilities(rng, truth, classes, sharpness=2.0):
    logits = rng.normal(size=(len(truth), classes))
    logits[np.arange(len(truth)), truth] += sharpness
    p = np.exp(logits)
    return p / p.sum(1, keepdims=True)


def nan_or(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else x


def case(name, wide, pred_probs):
    labels = np.array([[np.nan if v is None else float(v) for v in row] for row in wide])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mv_probs = get_majority_vote_label(labels, pred_probs, verbose=False)
        mv_plain = get_majority_vote_label(labels, None, verbose=False)
    info = get_label_quality_multiannotator(labels, pred_probs, return_weights=True, verbose=False)
    lq, stats = info["label_quality"], info["annotator_stats"].sort_index()
    long = [(i, a, v) for i, row in enumerate(wide) for a, v in enumerate(row) if v is not None]
    frame = pd.DataFrame(long, columns=["task", "worker", "label"])
    ds = DawidSkene(n_iter=100, tol=1e-5)
    ds.fit(frame)
    probas = ds.probas_.sort_index()
    classes = pred_probs.shape[1]
    posterior = np.zeros((len(wide), classes))
    posterior[:, list(probas.columns)] = probas.to_numpy()
    return {
        "name": name, "classes": classes, "wide": wide, "probabilities": pred_probs.tolist(),
        "majority_with_probs": mv_probs.tolist(), "majority": mv_plain.tolist(),
        "consensus_label": lq["consensus_label"].tolist(),
        "consensus_quality": lq["consensus_quality_score"].tolist(),
        "annotator_agreement": lq["annotator_agreement"].tolist(),
        "num_annotations": lq["num_annotations"].tolist(),
        "detailed_quality": [[nan_or(float(v)) for v in row] for row in info["detailed_label_quality"].to_numpy()],
        "annotator_quality": [nan_or(float(v)) for v in stats["annotator_quality"]],
        "agreement_with_consensus": [float(v) for v in stats["agreement_with_consensus"]],
        "worst_class": [int(v) for v in stats["worst_class"]],
        "num_examples_labeled": [int(v) for v in stats["num_examples_labeled"]],
        "model_weight": float(info["model_weight"]),
        "annotator_weight": [float(v) for v in info["annotator_weight"]],
        "ds_labels": [int(v) for v in ds.labels_.sort_index()],
        "ds_posterior": posterior.tolist(),
    }


def sparse_case(rng, name, items, annotators, classes, missing, skill_range):
    while True:
        truth = rng.integers(0, classes, size=items)
        skill = rng.uniform(*skill_range, size=annotators)
        wide = []
        for t in truth:
            row = [None if rng.random() < missing else (int(t) if rng.random() < skill[a] else int(rng.integers(0, classes)))
                   for a in range(annotators)]
            if all(v is None for v in row):
                row[int(rng.integers(0, annotators))] = int(t)
            wide.append(row)
        if any(all(row[a] is None for row in wide) for a in range(annotators)):
            continue
        try:
            return case(name, wide, probabilities(rng, truth, classes))
        except Warning:
            continue  # cleanlab would break a tie at random


def main():
    rng = np.random.default_rng(19)
    diagnoses = [[v - 1 for v in row] for row in DIAGNOSES]
    majority = [np.bincount(row, minlength=5).argmax() for row in diagnoses]
    cases = [case("diagnoses", diagnoses, probabilities(rng, np.array(majority), 5, 1.0))]
    cases.append(sparse_case(rng, "sparse", 400, 7, 4, 0.55, (0.5, 0.95)))
    cases.append(sparse_case(rng, "ties", 200, 4, 3, 0.5, (0.3, 0.7)))
    with open(os.path.join(HERE, "consensus.json"), "w") as f:
        json.dump({"cleanlab": cleanlab.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
