"""Train g′ and g with Hugging Face Trainer (on a GPU machine, any model size) and write the
probability file `dq pvi --import-probs` reads. Example:

    python hf_trainer_probabilities.py --train train.csv --score dev.csv --model bert-base-cased --out probs.csv
    dq pvi --dataset cola --split dev --import-probs probs.csv

train.csv / dev.csv: the files you ingested into dq (columns id, text, label; optional text_pair).
g′ is fine-tuned on (text, label); g on (empty text, label), as Ethayarajh et al. (2022) do.
"""
import argparse
import csv

import numpy as np
import torch
from datasets import Dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fit_and_predict(model_name, labels, train_rows, score_rows, empty, args):
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForSequenceClassification.from_pretrained(model_name, num_labels=len(labels))

    def encode(rows):
        texts = ["" if empty else r["text"] for r in rows]
        pairs = None if empty or "text_pair" not in rows[0] else [r["text_pair"] for r in rows]
        enc = tokenizer(texts, pairs, truncation=True, max_length=args.max_length, padding="max_length")
        enc["labels"] = [labels.index(r["label"]) for r in rows]
        return Dataset.from_dict(dict(enc))

    training = TrainingArguments(output_dir=args.work, num_train_epochs=args.epochs, learning_rate=args.lr,
                                 per_device_train_batch_size=args.batch_size, save_strategy="no", report_to=[],
                                 seed=args.seed)
    trainer = Trainer(model=model, args=training, train_dataset=encode(train_rows))
    trainer.train()
    logits = trainer.predict(encode(score_rows)).predictions
    return torch.softmax(torch.tensor(logits), dim=-1).numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--score", required=True)
    parser.add_argument("--model", default="bert-base-cased")
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="hf-pvi-work")
    args = parser.parse_args()
    train_rows, score_rows = read(args.train), read(args.score)
    labels = sorted({r["label"] for r in train_rows})
    p_input = fit_and_predict(args.model, labels, train_rows, score_rows, empty=False, args=args)
    p_null = fit_and_predict(args.model, labels, train_rows, score_rows, empty=True, args=args)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id"] + [f"p_input:{l}" for l in labels] + [f"p_null:{l}" for l in labels])
        for row, pi, pn in zip(score_rows, p_input, p_null):
            writer.writerow([row["id"]] + [f"{v:.9g}" for v in np.concatenate([pi, pn])])


if __name__ == "__main__":
    main()
