#!/usr/bin/env python3
"""Time the lab's models in PyTorch on this CPU, the same workload as `eegkit bench`.

After a warm-up: one training epoch over 1080 trials (batch 64, shuffled, forward
+ backward + Adam, the last partial batch included), evaluation of 1080 trials
(eval mode, no grad), and single-trial inference latency (batch of 1, eval
mode, median of --latency-runs). Prints one JSON line per model. The zoo's models (shallowfbcspnet, eegnetv4) are
braindecode's own modules, so they need a Python with braindecode (the PyPI
virtual environment of scripts/braindecode_fixtures.py).

  /usr/bin/python3 scripts/torch_bench.py [--model eegnet] [--threads 2] [--epochs 3]
  V/bin/python scripts/torch_bench.py --model shallowfbcspnet --model eegnetv4
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import ACTS, EEGNet, DeepConvNet  # noqa: E402

MODELS = {"eegnet": EEGNet, "deepconvnet": DeepConvNet}
ZOO = {"shallowfbcspnet": "ShallowFBCSPNet", "eegnetv4": "EEGNet"}  # braindecode's class names


def build(name, act):
    """The model and the shape of one trial it takes."""
    if name in MODELS:
        return MODELS[name](ACTS[act]), (1, 2, 750)
    import warnings
    warnings.filterwarnings("ignore")
    import braindecode.models as bm
    kw = {"activation": ACTS[act]} if name == "eegnetv4" else {}
    return getattr(bm, ZOO[name])(n_chans=2, n_outputs=2, n_times=750, **kw), (2, 750)


def bench(name, act, batch, epochs, latency_runs):
    torch.manual_seed(0)
    model, trial = build(name, act)
    x = torch.randn(1080, *trial) * 5
    y = torch.randint(0, 2, (1080,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        model.train()
        perm = torch.randperm(1080)
        for s in range(0, 1080, batch):
            idx = perm[s:s + batch]
            if len(idx) < 2:
                continue
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
    for _ in range(epochs):
        epoch()
    train_s = (time.perf_counter() - t0) / epochs
    t0 = time.perf_counter()
    for _ in range(epochs):
        evaluate()
    eval_s = (time.perf_counter() - t0) / epochs
    model.eval()
    lat = []
    with torch.no_grad():
        model(x[:1])
        for i in range(latency_runs):
            t0 = time.perf_counter()
            model(x[i % 1080:i % 1080 + 1])
            lat.append((time.perf_counter() - t0) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"model": name, "act": act, "batch": batch, "train_epoch_s": round(train_s, 4), "eval_s": round(eval_s, 4),
            "latency_ms": round(statistics.median(lat), 3), "peak_rss_mb": round(rss, 1),
            "framework": "pytorch " + torch.__version__ + (" braindecode" if name in ZOO else ""), "threads": torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=list(MODELS) + list(ZOO), action="append")
    ap.add_argument("--act", default="elu", choices=list(ACTS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--latency-runs", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.model or list(MODELS):
        print(json.dumps(bench(name, args.act, args.batch, args.epochs, args.latency_runs)), flush=True)


if __name__ == "__main__":
    main()
