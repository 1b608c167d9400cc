"""Writes cartography_golden.json: allenai/cartography's own data-map metrics and region
selections for random training dynamics whose regions overlap, for dq's cartography tests.

The reference code runs unchanged: `compute_train_dy_metrics` and `write_filtered_data` from
allenai/cartography's cartography/selection/train_dy_filtering.py (commit 3df3438f), loaded from
the path given as the first argument. Its heavy imports (torch, matplotlib, seaborn, tqdm) are
replaced by small stand-ins: only torch's softmax over one vector is used by the metrics, and the
stand-in computes it in float64 with numpy. `read_data` and `copy_dev_test` are replaced so that
`write_filtered_data` writes one line per selected guid, which this script then reads back.

Run from the repository root with numpy and pandas installed:
    git -C <allenai/cartography checkout> show 3df3438f:cartography/selection/train_dy_filtering.py > /tmp/tdf.py
    python Tests/DQAnalysesTests/Golden/make_cartography_golden.py /tmp/tdf.py
"""
import argparse
import json
import os
import sys
import tempfile
import types

import numpy as np

OUT = "Tests/DQAnalysesTests/Golden/cartography_golden.json"
FRACTIONS = [0.01, 0.05, 0.10, 0.1667, 0.25, 0.3319, 0.50, 0.75]


def install_stand_ins(selected_lines):
    torch = types.ModuleType("torch")
    torch.Tensor = lambda x: np.asarray(x, dtype=np.float64)
    torch.LongTensor = lambda x: np.asarray(x, dtype=np.int64)

    def softmax(x, dim=-1):
        e = np.exp(x - np.max(x))
        return e / e.sum()

    class CrossEntropyLoss:
        def __call__(self, logits, targets):
            z = logits - logits.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            loss = -logp[np.arange(len(targets)), targets].mean()
            return types.SimpleNamespace(item=lambda: float(loss))

    torch.nn = types.SimpleNamespace(functional=types.SimpleNamespace(softmax=softmax), CrossEntropyLoss=CrossEntropyLoss)
    tqdm = types.ModuleType("tqdm")

    class Bar:
        def __init__(self, it):
            self.it = it

        def __iter__(self):
            return iter(self.it)

        def set_description(self, _):
            pass

    tqdm.tqdm = Bar
    plt = types.ModuleType("matplotlib.pyplot")
    matplotlib = types.ModuleType("matplotlib")
    matplotlib.pyplot = plt
    cartography = types.ModuleType("cartography")
    data_utils = types.ModuleType("cartography.data_utils")
    data_utils.read_data = lambda path, task_name, guid_as_int: (selected_lines, "guid")
    data_utils.read_jsonl = None
    data_utils.copy_dev_test = lambda task_name, from_dir, to_dir: None
    selection = types.ModuleType("cartography.selection")
    selection_utils = types.ModuleType("cartography.selection.selection_utils")
    selection_utils.read_training_dynamics = None
    sys.modules.update({
        "torch": torch, "tqdm": tqdm, "matplotlib": matplotlib, "matplotlib.pyplot": plt,
        "seaborn": types.ModuleType("seaborn"), "cartography": cartography, "cartography.data_utils": data_utils,
        "cartography.selection": selection, "cartography.selection.selection_utils": selection_utils,
    })


def main():
    reference = sys.argv[1]
    rng = np.random.default_rng(17)
    n, epochs, classes = 61, 5, 3
    dynamics = {}
    for i in range(n):
        gold = int(rng.integers(classes))
        drift = rng.normal(0, 1.5, classes)
        logits = [(drift * (e + 1) / epochs + rng.normal(0, 1.0, classes)).round(6).tolist() for e in range(epochs)]
        dynamics[f"g{i:03d}"] = {"gold": gold, "logits": logits}
    lines = {guid: guid for guid in dynamics}
    install_stand_ins(lines)
    namespace = {"__name__": "train_dy_filtering"}
    exec(compile(open(reference).read(), reference, "exec"), namespace)
    args = types.SimpleNamespace(include_ci=False, burn_out=100)
    metrics, _ = namespace["compute_train_dy_metrics"](dynamics, args)
    selections = {}
    with tempfile.TemporaryDirectory() as out:
        for name, metric, worst in [("ambiguous", "variability", False), ("hard-to-learn", "confidence", False),
                                    ("easy-to-learn", "confidence", True)]:
            args = argparse.Namespace(metric=metric, worst=worst, both_ends=False, filtering_output_dir=out,
                                      data_dir=out, task_name="GOLDEN")
            namespace["write_filtered_data"](args, metrics)
            for fraction in FRACTIONS:
                path = os.path.join(out, f"cartography_{metric}_{fraction:.2f}", "GOLDEN", "train.tsv")
                with open(path) as f:
                    chosen = [line.strip() for line in f.readlines()[1:]]
                selections.setdefault(str(fraction), {})[name] = sorted(chosen)
    samples = []
    for guid, record in dynamics.items():
        row = metrics[metrics.guid == guid].iloc[0]
        probabilities, correct = [], []
        for logits in record["logits"]:
            z = np.asarray(logits) - max(logits)
            p = np.exp(z) / np.exp(z).sum()
            probabilities.append(float(p[record["gold"]]))
            correct.append(bool(int(np.argmax(logits)) == record["gold"]))
        samples.append({"guid": guid, "gold_probabilities": probabilities, "correct": correct,
                        "confidence": float(row.confidence), "variability": float(row.variability),
                        "correctness": float(row.correctness), "forgetfulness": int(row.forgetfulness)})
    with open(OUT, "w") as f:
        json.dump({"source": "allenai/cartography 3df3438f train_dy_filtering.py", "samples": samples,
                   "selections": selections}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
