"""Writes a small random BERT checkpoint (Fixtures/bert/random-tiny/) with transformers, and
bert_golden.json: the logits BertForSequenceClassification gives for a padded batch.

Run from the repository root with transformers and torch installed (`make bench` sets up bench/.venv):
    bench/.venv/bin/python Tests/DQLearningTests/Golden/make_bert_golden.py
"""
import json
import os

import torch
import transformers
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

DIR = "Fixtures/bert/random-tiny"
OUT = "Tests/DQLearningTests/Golden/bert_golden.json"
WORDS = ("the a cat dog sat on mat ran fast slow big small red blue green house tree car book read write "
         "is was not very good bad happy sad he she it they we you i , . ! ? ' - un ##able ##s ##ed ##ing "
         "play jump over under near far new old").split()
TEXTS = [("the cat sat on the mat .", None), ("a big red dog ran fast !", None), ("unable", "the tree is green"),
         ("she was very happy", "he was sad ?"), ("blue car", None), ("they read new books under the old tree .", None)]


def main():
    torch.manual_seed(7)
    os.makedirs(DIR, exist_ok=True)
    with open(f"{DIR}/vocab.txt", "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    config = BertConfig(vocab_size=5 + len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64, num_labels=3, layer_norm_eps=1e-12,
                        initializer_range=0.2)
    model = BertForSequenceClassification(config).eval()
    with torch.no_grad():
        # Non-trivial LayerNorm parameters and biases (the default initialisation leaves them 1 and 0).
        for name, p in model.named_parameters():
            if "LayerNorm" in name or name.endswith("bias"):
                p.add_(0.1 * torch.randn_like(p))
    model.save_pretrained(DIR, safe_serialization=True)
    tokenizer = BertTokenizer(vocab=f"{DIR}/vocab.txt", do_lower_case=True)
    tokenizer.save_pretrained(DIR)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    singles = [tokenizer(t, p) if p is not None else tokenizer(t) for t, p in TEXTS]
    length = max(len(s["input_ids"]) for s in singles)
    for s in singles:
        pad = length - len(s["input_ids"])
        batch["input_ids"].append(s["input_ids"] + [0] * pad)
        batch["token_type_ids"].append(s["token_type_ids"] + [0] * pad)
        batch["attention_mask"].append(s["attention_mask"] + [0] * pad)
    with torch.no_grad():
        out = model(**{k: torch.tensor(v) for k, v in batch.items()}, output_hidden_states=True)
    golden = {"generator": f"transformers {transformers.__version__}, torch {torch.__version__}",
              "texts": TEXTS, **batch, "logits": out.logits.tolist(),
              "last_hidden_state_first_row": out.hidden_states[-1][0, 0].tolist()}
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
    print("logits", out.logits.tolist())


if __name__ == "__main__":
    main()
