"""transformers peer for `dq pvi --model embeddings:DIR` (issue 33): sentence embeddings from a
BERT checkpoint with transformers' AutoModel, mean-pooled over the attention mask and scaled to
unit length (what dq's SentenceEmbedder computes), batch 32, max length 128, 2 threads; then the
probe: 5 stratified folds of scikit-learn LogisticRegression(lbfgs, C=1) on the embeddings, the
label prior as the null model. Texts are batched in file order, as a user's loop does, or with
--sorted by token length, as dq batches them.

    python bench/embeddings_peer.py DIR data.csv [--rows 2000] [--sorted]

Prints one JSON line: seconds embedding, seconds in total, mean PVI.
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from transformers import AutoModel, AutoTokenizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--sorted", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    frame = pd.read_csv(args.data, dtype=str, keep_default_na=False).head(args.rows)
    texts, labels = frame["text"].tolist(), frame["label"].to_numpy()
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    order = list(range(len(texts)))
    if args.sorted:
        lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]]
        order.sort(key=lambda i: lengths[i])
    embeddings = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for at in range(0, len(order), args.batch):
            members = order[at:at + args.batch]
            batch = tokenizer([texts[i] for i in members], padding=True, truncation=True, max_length=args.max_length, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            embeddings[members] = torch.nn.functional.normalize(pooled, dim=1).numpy()
    embedded = time.perf_counter() - start
    classes = sorted(set(labels))
    index = np.array([classes.index(y) for y in labels])
    pvi = np.zeros(len(texts))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=13).split(embeddings, index):
        probe = LogisticRegression(C=1.0, max_iter=1000).fit(embeddings[train], index[train])
        prior = np.bincount(index[train], minlength=len(classes)) / len(train)
        p = probe.predict_proba(embeddings[test])[np.arange(len(test)), np.searchsorted(probe.classes_, index[test])]
        pvi[test] = np.log2(p) - np.log2(prior[index[test]])
    total = time.perf_counter() - start
    print(json.dumps({"peer": "transformers AutoModel + scikit-learn", "sorted": args.sorted, "rows": len(texts),
                      "embedding_seconds": embedded, "total_seconds": total, "mean_pvi": float(pvi.mean()),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
