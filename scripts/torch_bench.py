#!/usr/bin/env python3
"""Time the lab's models in PyTorch on this CPU, for comparison with eegkit.

For each model (ELU), after a warm-up epoch: one training epoch over 1080
trials (batch 64, shuffled, forward + backward + Adam, the last partial batch
included) and evaluation of 1080 trials. Prints one JSON line per model.

  /usr/bin/python3 scripts/torch_bench.py [--threads 2] [--epochs 3]
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import EEGNet, DeepConvNet  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(1080, 1, 2, 750) * 5
    y = torch.randint(0, 2, (1080,))
    for name, cls in [("eegnet", EEGNet), ("deepconvnet", DeepConvNet)]:
        model = cls(nn.ELU)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def epoch():
            model.train()
            perm = torch.randperm(1080)
            for s in range(0, 1080, args.batch):
                idx = perm[s:s + args.batch]
                opt.zero_grad()
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                opt.step()

        def evaluate():
            model.eval()
            with torch.no_grad():
                for s in range(0, 1080, 360):
                    model(x[s:s + 360])

        epoch()
        evaluate()
        t0 = time.perf_counter()
        for _ in range(args.epochs):
            epoch()
        train_s = (time.perf_counter() - t0) / args.epochs
        t0 = time.perf_counter()
        for _ in range(args.epochs):
            evaluate()
        eval_s = (time.perf_counter() - t0) / args.epochs
        print(json.dumps({"framework": "pytorch " + torch.__version__, "model": name, "act": "elu", "batch": args.batch,
                          "threads": args.threads, "train_epoch_s": round(train_s, 4), "eval_s": round(eval_s, 4)}))


if __name__ == "__main__":
    main()
