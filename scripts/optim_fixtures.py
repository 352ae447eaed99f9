#!/usr/bin/env python3
"""Generate the PyTorch fixtures of eegkit's optimizers, losses and schedules.

eegkit/train/testdata/parity/optim.npz holds, for the lab's EEGNet (ELU) on
the batch of the eegnet_elu parity fixture (dropout at p=0, its masks cannot
match across frameworks):

  <case>__after<k>__<name>     the state_dict after k = 1 and 3 full-batch steps of <case> from
                               eegnet_elu.npz's init__ weights and BatchNorm statistics
  <case>__loss                 the loss before each step
  lrs__<schedule>              the learning rate of each epoch under a schedule

Cases (their settings are repeated in eegkit/train/optim_parity_test.go):
  adamw        torch.optim.AdamW(lr=1e-3, weight_decay=1e-2)
  sgd          torch.optim.SGD(lr=1e-2)
  sgd_nesterov torch.optim.SGD(lr=1e-2, momentum=0.9, nesterov=True, weight_decay=1e-3)
  sgd_momentum torch.optim.SGD(lr=1e-2, momentum=0.5), with clip_grad_norm_(max_norm=0.5)
  adam_smooth  torch.optim.Adam(lr=1e-3), CrossEntropyLoss(label_smoothing=0.1), clip_grad_norm_(max_norm=1.0)
Schedules (lr 1e-3, stepped once per epoch):
  warmup_cosine  SequentialLR([LinearLR(start_factor=1/3, total_iters=2), CosineAnnealingLR(T_max=7)], milestones=[3]), 10 epochs
  warmup_step    SequentialLR([LinearLR(start_factor=1/2, total_iters=1), StepLR(step_size=3, gamma=0.5)], milestones=[2]), 10 epochs
  warmup1_cosine SequentialLR([LinearLR(start_factor=1, total_iters=0), CosineAnnealingLR(T_max=5)], milestones=[1]), 6 epochs
  cosine         CosineAnnealingLR(T_max=8), 8 epochs

Run in a venv with PyPI's torch (2.15 here): python scripts/optim_fixtures.py
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import EEGNet, OUT  # noqa: E402

CASES = {
    "adamw": (lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=1e-2), 0.0, 0.0),
    "sgd": (lambda p: torch.optim.SGD(p, lr=1e-2), 0.0, 0.0),
    "sgd_nesterov": (lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.9, nesterov=True, weight_decay=1e-3), 0.0, 0.0),
    "sgd_momentum": (lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.5), 0.0, 0.5),
    "adam_smooth": (lambda p: torch.optim.Adam(p, lr=1e-3), 0.1, 1.0),
}


def schedules():
    sched = torch.optim.lr_scheduler

    def run(make, epochs):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1e-3)
        s = make(opt)
        lrs = []
        for _ in range(epochs):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            s.step()
        return np.array(lrs)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "warmup_cosine": run(lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=1 / 3, total_iters=2),
                                                                  sched.CosineAnnealingLR(o, T_max=7)], milestones=[3]), 10),
            "warmup_step": run(lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=1 / 2, total_iters=1),
                                                                sched.StepLR(o, step_size=3, gamma=0.5)], milestones=[2]), 10),
            "warmup1_cosine": run(lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=1, total_iters=0),
                                                                   sched.CosineAnnealingLR(o, T_max=5)], milestones=[1]), 6),
            "cosine": run(lambda o: sched.CosineAnnealingLR(o, T_max=8), 8),
        }


def main():
    torch.set_num_threads(1)
    base = np.load(os.path.join(OUT, "eegnet_elu.npz"))
    x, y = torch.from_numpy(base["x"]), torch.from_numpy(base["y"])
    init = {k[len("init__"):]: torch.from_numpy(base[k]) for k in base.files if k.startswith("init__")}
    out = {}
    for case, (make, smoothing, clip) in CASES.items():
        model = EEGNet(nn.ELU)
        model.load_state_dict(init)
        model.train()
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.p = 0.0
        opt = make(model.parameters())
        loss_fn = nn.CrossEntropyLoss(label_smoothing=smoothing)
        losses = []
        for k in range(1, 4):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=clip)
            opt.step()
            losses.append(loss.item())
            if k == 2:
                continue
            for name, t in model.state_dict().items():
                out[f"{case}__after{k}__{name}"] = t.numpy().copy()
        out[case + "__loss"] = np.array(losses)
        print(f"{case}: losses {losses}")
    for name, lrs in schedules().items():
        out["lrs__" + name] = lrs
        print(f"{name}: {lrs}")
    path = os.path.join(OUT, "optim.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({os.path.getsize(path)} bytes); torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
