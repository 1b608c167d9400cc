"""PyTorch peer for `dq pvi --model tiny-bert --folds 5` from random initialisation: the same
protocol — 5 stratified folds; per fold a BertForSequenceClassification in tiny-bert's shape
(L=2, H=128, A=2, I=512) trained on (text, label) and one on (empty text, label), AdamW with
linear warm-up (10%) and decay, clipping at 1, batch 32 padded per batch, max length 128,
2 threads; the held-out fold scored. Vocabulary: specials, characters and the most frequent
words (as dq builds it). Prints wall time and mean PVI."""
import argparse
import collections
import json
import os
import re
import tempfile
import time

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import StratifiedKFold
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, get_linear_schedule_with_warmup


def vocabulary(texts, size=8000, min_count=2):
    counts = collections.Counter(w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower()))
    chars = sorted({c for w in counts for c in w})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [t for c in chars for t in (c, "##" + c)]
    tokens += [w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count][: max(0, size - len(tokens))]
    return list(dict.fromkeys(tokens))


def train_and_score(tokenizer, train_texts, train_labels, score_texts, classes, args, seed):
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=512, num_labels=classes, attn_implementation="eager")
    model = BertForSequenceClassification(config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train_texts) + 31) // 32)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.1 * steps), steps)
    rng = np.random.default_rng(seed)
    model.train()
    for _ in range(args.epochs):
        order = rng.permutation(len(train_texts))
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            enc = tokenizer([train_texts[i] for i in batch], padding=True, truncation=True, max_length=128, return_tensors="pt")
            loss = model(**enc, labels=torch.tensor([train_labels[i] for i in batch])).loss
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(score_texts), 64):
            enc = tokenizer(score_texts[start:start + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits, dim=-1).numpy())
    return np.concatenate(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    start = time.perf_counter()
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    texts = frame["text"].tolist()
    labels = sorted(frame["label"].unique())
    y = frame["label"].map({l: i for i, l in enumerate(labels)}).to_numpy()
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(vocabulary(texts)) + "\n")
    tokenizer = BertTokenizer(vocab=vocab_path, do_lower_case=True)
    pvi = np.zeros(len(y))
    for fold, (train, test) in enumerate(StratifiedKFold(n_splits=5, shuffle=True, random_state=13).split(texts, y)):
        p_input = train_and_score(tokenizer, [texts[i] for i in train], y[train], [texts[i] for i in test], len(labels), args, fold)
        p_null = train_and_score(tokenizer, [""] * len(train), y[train], [""], len(labels), args, fold + 100)[0]
        pvi[test] = -np.log2(p_null[y[test]]) + np.log2(np.maximum(p_input[np.arange(len(test)), y[test]], 1e-12))
    print(json.dumps({"bench": "pvi-bert-pytorch", "rows": len(y), "seconds": time.perf_counter() - start,
                      "mean_pvi": float(pvi.mean())}))


if __name__ == "__main__":
    main()
