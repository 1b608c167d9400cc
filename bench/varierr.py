"""Real label errors against legitimate ambiguity: VariErr NLI (shared/datasets/varierr).

Ingests MultiNLI validation-matched (9,815 pairs, the 500 VariErr items among them), runs
`dq pvi` (bow, and with --embed-model a probe on that checkpoint's sentence embeddings), then
`dq suspects --all`, and scores the 500 items:

- errors: average precision of the 38 labels VariErr judged wrong (random: 38/500 = 0.076),
  and AUROC of errors against the 231 ambiguous-only items (0.5: no better than chance at
  telling a wrong label from a legitimately ambiguous one);
- ambiguity: AUROC of dq's ambiguity for VariErr's ambiguity flag (236 of 500).

    bench/.venv/bin/python bench/varierr.py --dq .build/release/dq [--embed-model DIR]
    bench/.venv/bin/python bench/varierr.py --dq .build/release/dq --fine-tune DIR [--epochs 2 --folds 3 --max-length 64]

With --fine-tune, the only model source is that BERT checkpoint fine-tuned on the pairs
(`dq pvi --model DIR`, cross-fitted; the null model is the label prior): a model that reads
premise and hypothesis together.

With --references, no dq run: the same scores for two rankings made without dq, as ceilings:
the reference PVI of bert-base-cased fine-tuned on MultiNLI's 392,702 training pairs
(shared/datasets/mnli, from the dataset_difficulty authors; low PVI = suspect, its entropy
H_yx = ambiguity), and ChaosNLI's 100 crowd labels per item in VariErr's items.csv (the share of
them that disagrees with the MNLI label = suspect, their entropy = ambiguity).

Prints one JSON line.
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "datasets")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--embed-model")
    parser.add_argument("--fine-tune", help="a BERT checkpoint directory to fine-tune on the pairs instead of bow")
    parser.add_argument("--epochs", default="2")
    parser.add_argument("--folds", default="3")
    parser.add_argument("--max-length", default="64")
    parser.add_argument("--keep", help="a folder to keep the store and the ranked list in")
    parser.add_argument("--references", action="store_true", help="score the reference PVI and ChaosNLI instead of running dq")
    args = parser.parse_args()
    items = pd.read_csv(os.path.join(DATA, "varierr", "items.csv"), dtype={"id": str})
    if args.references:
        references(items)
        return
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or scratch
        os.makedirs(work, exist_ok=True)
        db = os.path.join(work, "dq.sqlite")

        def dq(*command):
            subprocess.run([args.dq, *command, "--db", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        dq("ingest", os.path.join(DATA, "mnli", "validation_matched.csv"), "--dataset", "mnli", "--text-pair", "text_pair")
        if args.fine_tune:
            dq("pvi", "--dataset", "mnli", "--model", args.fine_tune, "--epochs", args.epochs, "--folds", args.folds,
               "--max-length", args.max_length, "--null", "prior")
        else:
            dq("pvi", "--dataset", "mnli", "--model", "bow")
        if args.embed_model:
            dq("pvi", "--dataset", "mnli", "--model", "embeddings:" + args.embed_model)
        ranked_path = os.path.join(work, "ranked.csv")
        dq("suspects", "--dataset", "mnli", "--all", "--format", "csv", "--out", ranked_path)
        ranked = pd.read_csv(ranked_path, dtype={"id": str}).set_index("id")
    joined = items.join(ranked, on="id")
    error = joined["mnli_label_is_error"].to_numpy() == 1
    ambiguous_only = (joined["has_ambiguity"].to_numpy() == 1) & ~error
    print(json.dumps({
        "embed_model": bool(args.embed_model),
        "fine_tuned": f"{args.fine_tune} ({args.epochs} epochs, {args.folds} folds, {args.max_length} tokens)" if args.fine_tune else None,
        "errors": int(error.sum()), "ambiguous_only": int(ambiguous_only.sum()),
        **scores(joined, joined["score"].to_numpy(), joined["ambiguity"].to_numpy()),
        "listed_ambiguous_share": float((joined["group"] == "ambiguous").mean()),
    }))


def scores(items, score, ambiguity):
    """The VariErr measures of a suspicion score and an ambiguity score over the 500 items."""
    error = items["mnli_label_is_error"].to_numpy() == 1
    ambiguous = items["has_ambiguity"].to_numpy() == 1
    ambiguous_only = ambiguous & ~error
    pick = error | ambiguous_only
    return {
        "error_average_precision": float(average_precision_score(error, score)),
        "error_auroc_all": float(roc_auc_score(error, score)),
        "error_vs_ambiguous_auroc": float(roc_auc_score(error[pick], score[pick])),
        "ambiguity_auroc_for_ambiguity_flag": float(roc_auc_score(ambiguous, ambiguity)),
        "ambiguity_auroc_ambiguous_only_vs_errors": float(roc_auc_score(ambiguous_only[pick], ambiguity[pick])),
    }


def references(items):
    reference = pd.read_csv(os.path.join(DATA, "mnli", "reference_pvi_bert-base-cased_validation_matched.csv"), dtype={"id": str})
    joined = items.merge(reference, on="id", how="left")
    assert joined["PVI"].notna().all()
    votes = joined[["chaosnli_e", "chaosnli_n", "chaosnli_c"]].to_numpy(float)
    shares = votes / votes.sum(axis=1, keepdims=True)
    column = {"entailment": 0, "neutral": 1, "contradiction": 2}
    given = np.array([shares[i, column[label]] for i, label in enumerate(joined["mnli_label"])])
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(shares > 0, shares * np.log2(shares), 0).sum(axis=1)
    print(json.dumps({"reference": "bert-base-cased reference PVI (MNLI train)",
                      **scores(joined, -joined["PVI"].to_numpy(), joined["H_yx"].to_numpy())}))
    print(json.dumps({"reference": "ChaosNLI, 100 crowd labels per item",
                      **scores(joined, 1 - given, entropy)}))


if __name__ == "__main__":
    main()
