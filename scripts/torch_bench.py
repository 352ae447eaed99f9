#!/usr/bin/env python3
"""Time the lab's models in PyTorch on this CPU, the same workload as `eegkit bench`.

After a warm-up: one training epoch over 1080 trials (--trials; batch 64, shuffled, forward
+ backward + Adam, the last partial batch included), evaluation of those trials
(eval mode, no grad), and single-trial inference latency (batch of 1, eval
mode, median of --latency-runs). Prints one JSON line per model. With
--device cuda the model and the data live on the GPU, every timing waits for
the GPU (torch.cuda.synchronize) and TF32 is off (float32 throughout, as
eegkit's parity needs); the peak is then the GPU memory PyTorch allocated. The zoo's models (shallowfbcspnet, eegnetv4,
deep4net, eegconformer, eegtcnet, eeginceptionmi, atcnet, fbcnet, eegnex, sccnet; at the lab's 125 Hz) are
braindecode's own modules, so they need a Python with braindecode (the PyPI
virtual environment of scripts/braindecode_fixtures.py).

  /usr/bin/python3 scripts/torch_bench.py [--model eegnet] [--threads 2] [--epochs 3]
  V/bin/python scripts/torch_bench.py --model shallowfbcspnet --model eegnetv4
  python3 scripts/torch_bench.py --device cuda --model eegnet --batch 12
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
ZOO = {"shallowfbcspnet": "ShallowFBCSPNet", "eegnetv4": "EEGNet", "deep4net": "Deep4Net", "eegconformer": "EEGConformer",
       "eegtcnet": "EEGTCNet", "eeginceptionmi": "EEGInceptionMI", "atcnet": "ATCNet", "fbcnet": "FBCNet", "eegnex": "EEGNeX", "sccnet": "SCCNet"}  # braindecode's class names


def build(name, act):
    """The model and the shape of one trial it takes."""
    if name in MODELS:
        return MODELS[name](ACTS[act]), (1, 2, 750)
    import warnings
    warnings.filterwarnings("ignore")
    import braindecode.models as bm
    kw = {"activation": ACTS[act]} if name == "eegnetv4" else {}
    return getattr(bm, ZOO[name])(n_chans=2, n_outputs=2, n_times=750, sfreq=125, **kw), (2, 750)


def bench(name, act, batch, epochs, latency_runs, device, trials=1080):
    torch.manual_seed(0)
    model, trial = build(name, act)
    dev = torch.device(device)
    model.to(dev)
    x = (torch.randn(trials, *trial) * 5).to(dev)
    y = torch.randint(0, 2, (trials,)).to(dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        model.train()
        perm = torch.randperm(trials, device=dev)
        for s in range(0, trials, batch):
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
            for s in range(0, trials, 360):
                model(x[s:s + 360])

    epoch()
    evaluate()
    sync()
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch()
    sync()
    train_s = (time.perf_counter() - t0) / epochs
    t0 = time.perf_counter()
    for _ in range(epochs):
        evaluate()
    sync()
    eval_s = (time.perf_counter() - t0) / epochs
    model.eval()
    lat = []
    with torch.no_grad():
        model(x[:1])
        sync()
        for i in range(latency_runs):
            t0 = time.perf_counter()
            model(x[i % trials:i % trials + 1]).cpu()  # the logits on the host, as eegkit's latency
            lat.append((time.perf_counter() - t0) * 1000)
    out = {"model": name, "act": act, "batch": batch, "trials": trials, "train_epoch_s": round(train_s, 4), "eval_s": round(eval_s, 4),
           "latency_ms": round(statistics.median(lat), 3),
           "framework": "pytorch " + torch.__version__ + (" braindecode" if name in ZOO else ""), "threads": torch.get_num_threads()}
    if dev.type == "cuda":
        out["device"] = torch.cuda.get_device_name(dev)
        out["framework"] += " cuda"
        out["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated(dev) / 2**20, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=list(MODELS) + list(ZOO), action="append")
    ap.add_argument("--act", default="elu", choices=list(ACTS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--trials", type=int, default=1080)
    ap.add_argument("--latency-runs", type=int, default=200)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.device == "cuda":
        if not torch.cuda.is_available():
            sys.exit("torch_bench: --device cuda but this PyTorch sees no CUDA GPU (torch %s)" % torch.__version__)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    for name in args.model or list(MODELS):
        print(json.dumps(bench(name, args.act, args.batch, args.epochs, args.latency_runs, args.device, args.trials)), flush=True)


if __name__ == "__main__":
    main()
