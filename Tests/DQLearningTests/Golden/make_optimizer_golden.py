"""Writes optimizer_golden.json: torch.optim.AdamW steps, clip_grad_norm_, and the learning rates of
transformers' get_linear_schedule_with_warmup, for dq's optimiser tests.

    bench/.venv/bin/python Tests/DQLearningTests/Golden/make_optimizer_golden.py
"""
import json

import torch
from transformers import get_linear_schedule_with_warmup

OUT = "Tests/DQLearningTests/Golden/optimizer_golden.json"


def main():
    start = [0.5, -1.0, 2.0, 0.0]
    gradients = [[0.1, -0.2, 0.3, 0.0], [1.0, 1.0, -1.0, 0.5], [-0.5, 0.0, 0.25, 2.0]]
    out = {"start": start, "gradients": gradients, "lr": 0.1, "weight_decay": 0.01}
    for decays in (True, False):
        p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float32))
        opt = torch.optim.AdamW([p], lr=0.1, weight_decay=0.01 if decays else 0.0, betas=(0.9, 0.999), eps=1e-8)
        trace = []
        for g in gradients:
            p.grad = torch.tensor(g, dtype=torch.float32)
            opt.step()
            trace.append(p.detach().tolist())
        out["decay" if decays else "no_decay"] = trace
    a = torch.nn.Parameter(torch.zeros(2)); b = torch.nn.Parameter(torch.zeros(3))
    a.grad = torch.tensor([3.0, 4.0]); b.grad = torch.tensor([0.0, 12.0, 0.0])
    norm = torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    out["clip"] = {"norm": norm.item(), "a": a.grad.tolist(), "b": b.grad.tolist()}
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=2.0)
    schedule = get_linear_schedule_with_warmup(opt, num_warmup_steps=3, num_training_steps=10)
    rates = []
    for _ in range(10):
        rates.append(opt.param_groups[0]["lr"])
        opt.step(); schedule.step()
    out["schedule"] = {"peak": 2.0, "warmup": 3, "total": 10, "rates": rates}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
