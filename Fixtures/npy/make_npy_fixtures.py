"""Makes the .npy fixtures of `dq label-issues --probs FILE.npy --labels FILE.npy` and the
golden results cleanlab gives on them.

    python Fixtures/npy/make_npy_fixtures.py   (numpy, cleanlab 2.9)

probs32.npy / probs64.npy: 400 × 5 out-of-sample-like probabilities (a noisy model on labels
with 12% flipped), float32 and float64; labels.npy (int64), labels_i32.npy (int32), labels.parquet (pandas, int64 column `label`);
probs_v2.npy: the float64 array in format version 2.0; probs_fortran.npy: Fortran order (an
error for dq); golden.json: cleanlab's ranked issues and num_label_issues per dtype and filter.
"""
import json
import os

import cleanlab
import numpy as np
from cleanlab.count import num_label_issues
from cleanlab.filter import find_label_issues

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
n, k = 400, 5
true = rng.integers(0, k, n)
logits = rng.normal(0, 1.2, (n, k))
logits[np.arange(n), true] += 2.0
probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
labels = true.copy()
flip = rng.random(n) < 0.12
labels[flip] = (labels[flip] + rng.integers(1, k, flip.sum())) % k

np.save(os.path.join(here, "probs64.npy"), probs.astype(np.float64))
np.save(os.path.join(here, "probs32.npy"), probs.astype(np.float32))
np.save(os.path.join(here, "labels.npy"), labels.astype(np.int64))
np.save(os.path.join(here, "labels_i32.npy"), labels.astype(np.int32))
import pandas as pd  # noqa: E402  (the same labels as a Parquet column, as pandas writes it)
pd.DataFrame({"label": labels.astype(np.int64)}).to_parquet(os.path.join(here, "labels.parquet"))
with open(os.path.join(here, "probs_v2.npy"), "wb") as f:
    np.lib.format.write_array(f, probs.astype(np.float64), version=(2, 0))
np.save(os.path.join(here, "probs_fortran.npy"), np.asfortranarray(probs.astype(np.float64)))

golden = {"cleanlab": cleanlab.__version__, "numpy": np.__version__, "results": {}}
for dtype, p in (("float32", probs.astype(np.float32)), ("float64", probs.astype(np.float64))):
    for filter_by in ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning"):
        ranked = find_label_issues(labels, p, filter_by=filter_by, return_indices_ranked_by="self_confidence")
        golden["results"][f"{dtype}/{filter_by}"] = [int(i) for i in ranked]
    golden["results"][f"{dtype}/num_label_issues"] = [int(num_label_issues(labels, p))]
with open(os.path.join(here, "golden.json"), "w") as f:
    json.dump(golden, f)
