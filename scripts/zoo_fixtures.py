#!/usr/bin/env python3
"""Generate compact braindecode parity fixtures for the zoo's larger models.

A model of half a million parameters makes a fixture of full state_dicts (weights, gradients, the state after
a step) of megabytes. These fixtures store none: the weights and the input follow a formula that
eegkit/internal/fixtures (Synthetic, SyntheticInput) computes the same way, and the gradients and the state
after one step are stored at a sample of each entry's elements. For state_dict entry j (in state_dict order)
and flat element i, with s = sin(0.7 i + 1.3 j + 0.1):

  num_batches_tracked       3
  running_mean              0.5 s
  running_var               1.25 + 0.75 s
  a norm's weight           1 + 0.5 s        (BatchNorm1d, BatchNorm2d, LayerNorm)
  a norm's bias             0.3 s
  any other of 2+ axes      s / sqrt(numel / shape[0])
  any other of 1 axis       0.1 s

computed in float64 and rounded to float32; the input x[i] = 5 sin(0.37 i + 0.11) over [6, n_chans, n_times].
The sample of an entry of n elements is every max(1, n // 48)-th element from 0.

  eegconformer      EEGConformer(n_chans=2, n_outputs=2, n_times=750, sfreq=125): y; eval_logits; with dropout
                    at p=0, train_logits, loss, grad__<name> (sampled), grad64__<name> (the same computed in
                    float64: how far float32 rounding takes torch's own gradients) and, after one
                    torch.optim.Adam step (lr 1e-3, weight decay 1e-2), after__<name> (sampled)
  eegconformer_2a   EEGConformer(n_chans=22, n_outputs=4, n_times=1000, sfreq=250): y, eval_logits
  eeginceptionmi    EEGInceptionMI(n_chans=2, n_outputs=2, n_times=750, sfreq=125): as eegconformer
  eeginceptionmi_2a EEGInceptionMI(n_chans=22, n_outputs=4, n_times=1000, sfreq=250): y, eval_logits
  atcnet            ATCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125): as eegconformer
  atcnet_2a         ATCNet(n_chans=22, n_outputs=4, n_times=1000, sfreq=250): y, eval_logits

Run in a venv with PyPI's torch and braindecode (2.15, 1.8.1 here): python scripts/zoo_fixtures.py [NAME…]
"""
import copy
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
import braindecode  # noqa: E402
from braindecode.models import ATCNet, EEGConformer, EEGInceptionMI  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "train", "testdata", "parity")
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm)


def synthetic(model):
    norms = {n for n, m in model.named_modules() if isinstance(m, NORMS)}
    sd = {}
    for name, t in model.state_dict().items():
        n = t.numel()
        k = sum(name.encode()) % 997
        s = np.sin(0.7 * np.arange(n) + 1.3 * k + 0.1)
        owner, _, leaf = name.rpartition(".")
        if leaf == "num_batches_tracked":
            sd[name] = torch.full_like(t, 3)
            continue
        if leaf == "running_mean":
            v = 0.5 * s
        elif leaf == "running_var":
            v = 1.25 + 0.75 * s
        elif owner in norms and leaf == "weight":
            v = 1 + 0.5 * s
        elif owner in norms and leaf == "bias":
            v = 0.3 * s
        elif t.dim() >= 2:
            v = s / math.sqrt(n / t.shape[0])
        else:
            v = 0.1 * s
        sd[name] = torch.from_numpy(v.astype(np.float32).reshape(t.shape))
    model.load_state_dict(sd)


def sample(t):
    flat = t.detach().reshape(-1).numpy()
    return flat[:: max(1, flat.size // 48)].copy()


def fixture(name, model, y, full):
    synthetic(model)
    c, t = model.n_chans, model.n_times
    x = torch.from_numpy((5 * np.sin(0.37 * np.arange(6 * c * t) + 0.11)).astype(np.float32).reshape(6, c, t))
    out = {"y": y.numpy()}
    model.eval()
    with torch.no_grad():
        out["eval_logits"] = model(x).numpy()
    if full:
        model.train()
        for m in model.modules():
            if isinstance(m, (nn.Dropout, nn.Dropout2d)):
                m.p = 0.0
            if hasattr(m, "att_drop"):
                m.att_drop = 0.0
        # The gradients in float64, the reference both float32 computations are held to.
        exact = copy.deepcopy(model).double()
        nn.CrossEntropyLoss()(exact(x.double()), y).backward()
        for n, p in exact.named_parameters():
            out["grad64__" + n] = sample(p.grad)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-2)
        logits = model(x)
        loss = nn.CrossEntropyLoss()(logits, y)
        loss.backward()
        out["train_logits"] = logits.detach().numpy()
        out["loss"] = np.array(loss.item(), dtype=np.float32)
        for n, p in model.named_parameters():
            out["grad__" + n] = sample(p.grad)
        opt.step()
        for n, v in model.state_dict().items():
            if not n.endswith("num_batches_tracked"):
                out["after__" + n] = sample(v)
    path = os.path.join(OUT, name + ".npz")
    np.savez_compressed(path, **out)
    n = sum(p.numel() for p in model.parameters())
    print(f"wrote {path} ({os.path.getsize(path)} bytes): {n} parameters")


def main(names):
    torch.set_num_threads(1)
    lab, bci2a = torch.tensor([0, 1, 1, 0, 1, 0]), torch.tensor([0, 1, 2, 3, 1, 2])
    for name, build, y, full in [
        ("eegconformer", lambda: EEGConformer(n_chans=2, n_outputs=2, n_times=750, sfreq=125), lab, True),
        ("eegconformer_2a", lambda: EEGConformer(n_chans=22, n_outputs=4, n_times=1000, sfreq=250), bci2a, False),
        ("eeginceptionmi", lambda: EEGInceptionMI(n_chans=2, n_outputs=2, n_times=750, sfreq=125), lab, True),
        ("eeginceptionmi_2a", lambda: EEGInceptionMI(n_chans=22, n_outputs=4, n_times=1000, sfreq=250), bci2a, False),
        ("atcnet", lambda: ATCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125), lab, True),
        ("atcnet_2a", lambda: ATCNet(n_chans=22, n_outputs=4, n_times=1000, sfreq=250), bci2a, False),
    ]:
        if not names or name in names:
            fixture(name, build(), y, full)
    print("torch", torch.__version__, "braindecode", braindecode.__version__, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
