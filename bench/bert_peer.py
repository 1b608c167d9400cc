"""PyTorch peer for `dq-bench bert`: BertForSequenceClassification in tiny-bert's shape (L=2, H=128,
A=2, I=512, vocab 30522), random tokens, tokens/s for training steps (forward, backward,
clip_grad_norm_, AdamW) and for inference, with the given number of threads."""
import argparse
import json
import time

import torch
from transformers import BertConfig, BertForSequenceClassification


def best(repeats, body):
    body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    config = BertConfig(vocab_size=30522, hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=512, num_labels=2, attn_implementation="eager")
    model = BertForSequenceClassification(config)
    ids = torch.randint(1000, 21000, (args.batch, args.length))
    ids[:, 0] = 101
    mask = torch.ones_like(ids)
    labels = torch.arange(args.batch) % 2
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)

    def train():
        model.train()
        for _ in range(args.steps):
            optimiser.zero_grad()
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()

    def infer():
        model.eval()
        with torch.no_grad():
            for _ in range(args.steps):
                model(input_ids=ids, attention_mask=mask)

    tokens = args.batch * args.length * args.steps
    print(json.dumps({"bench": "bert-pytorch", "torch": torch.__version__, "threads": args.threads,
                      "train_tokens_per_s": tokens / best(3, train), "infer_tokens_per_s": tokens / best(3, infer)}))


if __name__ == "__main__":
    main()
