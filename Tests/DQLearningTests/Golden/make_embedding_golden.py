"""Golden sentence embeddings for SentenceEmbedderTests: transformers' BertModel on the
Fixtures/bert/random-tiny checkpoint, mean of the last hidden states over the attention mask,
L2-normalised (sentence-transformers' pooling).

Run from the repository root: bench/.venv/bin/python Tests/DQLearningTests/Golden/make_embedding_golden.py
"""
import json

import torch
from transformers import BertModel, BertTokenizer

TEXTS = ["What is the capital of France?", "a", "Café au lait, s'il vous plaît — 3 cups!", "how many feet are in a mile"]


def main():
    directory = "Fixtures/bert/random-tiny"
    tokenizer = BertTokenizer.from_pretrained(directory)
    model = BertModel.from_pretrained(directory, add_pooling_layer=False).eval()
    batch = tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)
    unit = torch.nn.functional.normalize(mean, dim=1)
    with open("Tests/DQLearningTests/Golden/embedding_golden.json", "w") as f:
        json.dump({"texts": TEXTS, "embeddings": unit.tolist()}, f)


if __name__ == "__main__":
    main()
