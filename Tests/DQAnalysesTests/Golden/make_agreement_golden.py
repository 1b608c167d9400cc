"""Golden inter-annotator agreement for dq's InterAnnotatorAgreement (AgreementTests).

Run from the repository root with the bench venv (bench/requirements.txt pins the packages):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_agreement_golden.py
Writes Tests/DQAnalysesTests/Golden/agreement.json. Every value comes from an implementation that
is not dq's:
- Krippendorff's alpha (nominal): the `krippendorff` package (alpha(reliability_data, "nominal")),
  overall and on the data made binary per label;
- Fleiss' kappa: statsmodels (fleiss_kappa(aggregate_raters(...))), for complete tables only
  (statsmodels requires the same number of raters per item), overall and binary per label;
- Cohen's kappa: scikit-learn's cohen_kappa_score on the items both annotators labelled.
Cases:
- "diagnoses": Fleiss (1971), 30 patients, 6 psychiatrists each, 5 diagnoses; the table is the
  one statsmodels and R's irr package ship (each row sorted, so the columns are not identities).
- "krippendorff2011": the reliability data of Krippendorff, "Computing Krippendorff's
  Alpha-Reliability" (2011), 4 observers, 12 units, with missing values.
- "sparse": 400 items, 7 annotators, 6 labels, each annotation missing with probability 0.45
  (seeded); Fleiss there is the generalisation in docs/methods.md, computed here by a plain loop.
"""
import json
import os

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

HERE = os.path.dirname(os.path.abspath(__file__))

DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
NAN = None
KRIPPENDORFF_2011 = [  # observers x units, as in the paper (values 1..5)
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def case(name, wide, labels):
    """wide: items x annotators, label index or None."""
    items, annotators = len(wide), len(wide[0])
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in wide])
    out = {"name": name, "labels": labels, "wide": wide}
    out["alpha"] = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal"))
    complete = not np.isnan(data).any()
    if complete:
        table, _ = aggregate_raters(data.astype(int), n_cat=labels)
        out["fleiss"] = float(fleiss_kappa(table, method="fleiss"))
    else:
        out["fleiss"] = generalised_fleiss(wide, labels)
    out["per_label_alpha"], out["per_label_fleiss"] = [], []
    for c in range(labels):
        binary = np.where(np.isnan(data), np.nan, (data == c).astype(float))
        present = binary[~np.isnan(binary)]
        pairable_values = [v for row in binary for v in row if not np.isnan(v)] if True else []
        if present.min() == present.max():
            out["per_label_alpha"].append(None)
            out["per_label_fleiss"].append(None)
            continue
        out["per_label_alpha"].append(float(krippendorff.alpha(reliability_data=binary.T, level_of_measurement="nominal")))
        if complete:
            table, _ = aggregate_raters(binary.astype(int), n_cat=2)
            out["per_label_fleiss"].append(float(fleiss_kappa(table, method="fleiss")))
        else:
            out["per_label_fleiss"].append(generalised_fleiss([[None if v is None else int(v == c) for v in row] for row in wide], 2))
    pairs = []
    for a in range(annotators):
        for b in range(a + 1, annotators):
            both = [(row[a], row[b]) for row in wide if row[a] is not None and row[b] is not None]
            if not both:
                continue
            x, y = [p[0] for p in both], [p[1] for p in both]
            kappa = cohen_kappa_score(x, y, labels=list(range(labels)))
            pairs.append({"a": a, "b": b, "overlap": len(both), "cohen": None if np.isnan(kappa) else float(kappa)})
    out["pairs"] = pairs
    defined = [p["cohen"] for p in pairs if p["cohen"] is not None]
    out["light"] = float(np.mean(defined))
    return out


def generalised_fleiss(wide, labels):
    """Fleiss' kappa over items with at least two annotations, each item's pair share weighing the same."""
    shares, totals, annotations = [], np.zeros(labels), 0
    for row in wide:
        given = [v for v in row if v is not None]
        m = len(given)
        if m < 2:
            continue
        counts = np.bincount(given, minlength=labels)
        shares.append(float((counts * (counts - 1)).sum()) / (m * (m - 1)))
        totals += counts
        annotations += m
    p_bar = float(np.mean(shares))
    p_e = float(((totals / annotations) ** 2).sum())
    return (p_bar - p_e) / (1 - p_e)


def main():
    cases = [case("diagnoses", [[v - 1 for v in row] for row in DIAGNOSES], 5)]
    kripp = [[None if KRIPPENDORFF_2011[o][u] is None else KRIPPENDORFF_2011[o][u] - 1 for o in range(4)] for u in range(12)]
    cases.append(case("krippendorff2011", kripp, 5))
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 6, size=400)
    skill = rng.uniform(0.45, 0.95, size=7)
    sparse = []
    for t in truth:
        row = []
        for a in range(7):
            if rng.random() < 0.45:
                row.append(None)
            else:
                row.append(int(t) if rng.random() < skill[a] else int(rng.integers(0, 6)))
        sparse.append(row)
    cases.append(case("sparse", sparse, 6))
    with open(os.path.join(HERE, "agreement.json"), "w") as f:
        json.dump({"versions": {"krippendorff": krippendorff.__version__ if hasattr(krippendorff, "__version__") else "0.9.0"},
                   "cases": cases}, f)


if __name__ == "__main__":
    main()
