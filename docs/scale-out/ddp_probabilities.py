"""Train g′ and g data-parallel, across processes and machines, and write what dq imports:
per-process shards of out-of-sample probabilities (`dq pvi --import-probs DIR`) and of
allenai-format training dynamics (`dq cartography --import DIR`).

    torchrun --nproc_per_node 4 ddp_probabilities.py --train train.csv --score dev.csv \
        --model bert-base-cased --out probs/ --dynamics dynamics/
    accelerate launch ddp_probabilities.py ...            # the same, from accelerate's config
    torchrun --nnodes 2 --node_rank 0 --master_addr HOST --nproc_per_node 8 ddp_probabilities.py ...

then copy the folders back and run

    dq pvi --dataset cola --split dev --import-probs probs/
    dq cartography --dataset cola --import dynamics/

train.csv / score.csv: the files you ingested into dq (columns id, text, label; optional
text_pair). g′ is fine-tuned on (text, label), g on (empty text, label), as Ethayarajh et al.
(2022) do; both with torch DistributedDataParallel (NCCL on GPUs, gloo on CPUs). Each process
scores the rows i with i % world_size == rank in evaluation mode and writes
`probs.rank<r>.csv` (id, p_input:<label>…, p_null:<label>…); with --dynamics, after every epoch
of g′ it scores its share of the training rows and writes `dynamics_epoch_<e>.rank<r>.jsonl`
({"guid", "logits_epoch_<e>", "gold"}, allenai/cartography's format). Every row is in exactly
one shard, so dq takes the folders as they are.
"""
import argparse
import csv
import json
import os

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def encode(tokenizer, rows, labels, empty, max_length):
    texts = ["" if empty else r["text"] for r in rows]
    pairs = None if empty or "text_pair" not in rows[0] else [r["text_pair"] for r in rows]
    enc = tokenizer(texts, pairs, truncation=True, max_length=max_length, padding="max_length", return_tensors="pt")
    gold = torch.tensor([labels.index(r["label"]) for r in rows])
    return TensorDataset(enc["input_ids"], enc["attention_mask"], gold)


@torch.no_grad()
def logits_of(model, data, batch_size, device):
    model.eval()
    out = []
    for ids, mask, _ in DataLoader(data, batch_size=batch_size):
        out.append(model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu())
    model.train()
    return torch.cat(out) if out else torch.empty(0)


def fit(args, labels, train_rows, empty, device, rank, world, on_epoch=None):
    torch.manual_seed(args.seed)  # the same initial weights in every process
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=len(labels),
                                                               ignore_mismatched_sizes=True).to(device)
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    data = encode(tokenizer, train_rows, labels, empty, args.max_length)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler)
    optimizer = torch.optim.AdamW(ddp.parameters(), lr=args.lr)
    steps = args.epochs * len(loader)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / max(steps, 1)))
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        for ids, mask, gold in loader:
            loss = ddp(input_ids=ids.to(device), attention_mask=mask.to(device), labels=gold.to(device)).loss
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
        if on_epoch:
            on_epoch(epoch, model, tokenizer)
    return model, tokenizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--score", required=True, help="rows to score (out of sample: not in --train)")
    parser.add_argument("--model", required=True, help="a Hugging Face model name or directory")
    parser.add_argument("--out", required=True, help="folder for probs.rank<r>.csv")
    parser.add_argument("--dynamics", help="folder for dynamics_epoch_<e>.rank<r>.jsonl (of g′ on --train)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group(backend="nccl" if cuda else "gloo")  # env:// from torchrun or accelerate
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    train_rows, score_rows = read(args.train), read(args.score)
    labels = sorted({r["label"] for r in train_rows} | {r["label"] for r in score_rows})
    mine = score_rows[rank::world]
    os.makedirs(args.out, exist_ok=True)
    if args.dynamics:
        os.makedirs(args.dynamics, exist_ok=True)
    my_train = train_rows[rank::world]

    def record(epoch, model, tokenizer):
        if not args.dynamics or not my_train:
            return
        logits = logits_of(model, encode(tokenizer, my_train, labels, False, args.max_length), args.batch_size, device)
        with open(os.path.join(args.dynamics, f"dynamics_epoch_{epoch}.rank{rank}.jsonl"), "w", encoding="utf-8") as f:
            for r, row in zip(my_train, logits.tolist()):
                f.write(json.dumps({"guid": r["id"], f"logits_epoch_{epoch}": row, "gold": labels.index(r["label"])}) + "\n")

    probabilities = {}
    for name, empty in (("p_input", False), ("p_null", True)):
        model, tokenizer = fit(args, labels, train_rows, empty, device, rank, world, on_epoch=None if empty else record)
        logits = logits_of(model, encode(tokenizer, mine, labels, empty, args.max_length), args.batch_size, device) if mine else None
        probabilities[name] = torch.softmax(logits, dim=-1).tolist() if mine else []
    with open(os.path.join(args.out, f"probs.rank{rank}.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id"] + [f"p_input:{l}" for l in labels] + [f"p_null:{l}" for l in labels])
        for r, p, q in zip(mine, probabilities["p_input"], probabilities["p_null"]):
            writer.writerow([r["id"]] + [f"{x:.9g}" for x in p] + [f"{x:.9g}" for x in q])
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
