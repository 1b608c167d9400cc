"""Golden Krippendorff's alpha for ordered labels (AgreementTests), from the `krippendorff`
package (0.9.0), not dq.

Run from the repository root with the bench venv (bench/requirements.txt pins krippendorff):
    bench/.venv/bin/python Tests/DQAnalysesTests/Golden/make_krippendorff_metrics_golden.py
Writes Tests/DQAnalysesTests/Golden/krippendorff_metrics.json: for each case, the label values
(`values`, the numbers the labels stand for, in dq's label order), the items x annotators table
of label indices (None: no annotation), and alpha for the nominal, ordinal, interval and ratio
levels of measurement. The package's value domain is the sorted distinct values, as dq's
ordinal ranks are.
Cases:
- "krippendorff2011": the paper's reliability data (values 1..5, with missing values).
- "severity": ConvAbuse-like severities 1, 0, -1, -2, -3 (listed in that order, not sorted),
  60 items, 8 annotators, each annotation missing with probability 0.6 (seeded).
- "ratio": values 1, 2, 4, 8 (positive, as ratio data is), 50 items, 4 annotators, sparse.
"""
import json
import os

import krippendorff
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N = None
K2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
         [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]


def case(name, values, wide):
    data = np.array([[np.nan if v is None else float(values[v]) for v in row] for row in wide])
    out = {"name": name, "values": values, "wide": wide}
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        if level == "ratio" and min(values) < 0:
            continue
        out[level] = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level,
                                              value_domain=sorted(set(values))))
    return out


def sparse(rng, items, annotators, values, missing, agree):
    wide = []
    for _ in range(items):
        truth = int(rng.integers(len(values)))
        row = []
        for _ in range(annotators):
            if rng.random() < missing:
                row.append(None)
            elif rng.random() < agree:
                row.append(truth)
            else:
                row.append(int(rng.integers(len(values))))
        if sum(v is not None for v in row) < 2:
            row[0], row[1] = truth, truth
        wide.append(row)
    return wide


rng = np.random.default_rng(7)
cases = [
    case("krippendorff2011", [1, 2, 3, 4, 5], [[None if v is None else v - 1 for v in unit] for unit in zip(*K2011)]),
    case("severity", [1, 0, -1, -2, -3], sparse(rng, 60, 8, [1, 0, -1, -2, -3], 0.6, 0.55)),
    case("ratio", [1, 2, 4, 8], sparse(rng, 50, 4, [1, 2, 4, 8], 0.3, 0.5)),
]
with open(os.path.join(HERE, "krippendorff_metrics.json"), "w") as f:
    json.dump({"krippendorff": krippendorff.__version__ if hasattr(krippendorff, "__version__") else "0.9.0", "cases": cases}, f, indent=1)
print("wrote", len(cases), "cases")
