"""PyTorch peer for fine-tuning a pretrained BERT with dq (issue 33): the protocol of
`dq pvi --model DIR --train-split train --eval-split test --epochs E --max-length L --null prior`
with transformers' BertForSequenceClassification on the checkpoint: AdamW (lr 1e-4, weight
decay 0.01 on weights), linear warm-up over 10% of the steps and decay, clipping at 1, dropout on,
batch 32 padded per batch, shuffled each epoch; then the test split scored. 2 threads.

    python bench/finetune_peer.py DIR pairs.csv [--epochs 1] [--max-length 64]

pairs.csv: text, text_pair, label, split (train or test). Prints one JSON line: seconds, training
tokens per second (padded tokens, as trained), test accuracy.
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import torch
from transformers import AutoTokenizer, BertForSequenceClassification, get_linear_schedule_with_warmup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(13)
    frame = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    classes = sorted(set(frame["label"]))
    train, test = frame[frame["split"] == "train"], frame[frame["split"] != "train"]
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = BertForSequenceClassification.from_pretrained(args.model, num_labels=len(classes))
    decay = [p for n, p in model.named_parameters() if not n.endswith("bias") and "LayerNorm" not in n]
    rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=1e-4)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.1 * steps), steps)
    labels = torch.tensor([classes.index(y) for y in train["label"]])
    rng = np.random.default_rng(13)
    tokens = 0
    model.train()
    trained = time.perf_counter()
    for _ in range(args.epochs):
        order = rng.permutation(len(train))
        for at in range(0, len(order), args.batch):
            members = order[at:at + args.batch]
            batch = tokenizer(train["text"].iloc[members].tolist(), train["text_pair"].iloc[members].tolist(), padding=True,
                              truncation=True, max_length=args.max_length, return_tensors="pt")
            tokens += batch["input_ids"].numel()
            loss = model(**batch, labels=labels[members]).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
    training = time.perf_counter() - trained
    model.eval()
    correct = 0
    with torch.inference_mode():
        for at in range(0, len(test), args.batch):
            part = test.iloc[at:at + args.batch]
            batch = tokenizer(part["text"].tolist(), part["text_pair"].tolist(), padding=True, truncation=True,
                              max_length=args.max_length, return_tensors="pt")
            predicted = model(**batch).logits.argmax(-1).numpy()
            correct += int(sum(classes[p] == y for p, y in zip(predicted, part["label"])))
    print(json.dumps({"peer": "transformers BertForSequenceClassification", "seconds": time.perf_counter() - start,
                      "training_seconds": training, "train_tokens_per_s": tokens / training, "test_accuracy": correct / max(len(test), 1),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
