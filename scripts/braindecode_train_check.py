#!/usr/bin/env python3
"""Train a braindecode model on the lab's data as eegkit's notebook 06 does, for a side-by-side check.

The lab protocol: both subjects' training files (1080 trials, missing values replaced by the set's mean), the
given epochs at the model's preset (Adam, batch, learning rate), test accuracy on both test files after each
epoch. Data: the lab's four .npz files
(signal [trials, 750, 2], label 1/2), the genuine ones or eegkit's synthetic stand-ins in data/.

  V/bin/python scripts/braindecode_train_check.py --model EEGTCNet [--epochs 30] [--batch 64] [--lr 1e-3] [--seed 1]
"""
import argparse
import os
import warnings

import numpy as np
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
import braindecode.models as bm  # noqa: E402


def load(data, part):
    xs, ys = [], []
    for subject in ("S4b", "X11b"):
        z = np.load(os.path.join(data, f"{subject}_{part}.npz"))
        xs.append(z["signal"].transpose(0, 2, 1))
        ys.append(z["label"].astype(np.int64) - 1)
    x = np.concatenate(xs)
    x[np.isnan(x)] = np.nanmean(x)  # as the lab (and eegkit's loader) replace the missing values
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(np.concatenate(ys))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="EEGTCNet")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    model = getattr(bm, a.model)(n_chans=2, n_outputs=2, n_times=750, sfreq=125)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, a.epochs + 1):
        model.train()
        perm = torch.randperm(len(xtr))
        correct = 0
        for s in range(0, len(xtr), a.batch):
            idx = perm[s:s + a.batch]
            if len(idx) < 2:
                continue
            opt.zero_grad()
            logits = model(xtr[idx])
            loss_fn(logits, ytr[idx]).backward()
            opt.step()
            correct += (logits.argmax(1) == ytr[idx]).sum().item()
        model.eval()
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        print(f"epoch {epoch}: train accuracy {correct / len(xtr):.3f}, test accuracy {acc:.3f}", flush=True)


if __name__ == "__main__":
    main()
