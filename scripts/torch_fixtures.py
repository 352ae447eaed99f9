#!/usr/bin/env python3
"""Generate PyTorch parity fixtures for eegkit's tests.

For each model (EEGNet, DeepConvNet) and activation (ReLU, LeakyReLU, ELU) it
writes eegkit/train/testdata/parity/<model>_<act>.npz with:

  x, y                      an input batch [6,1,2,750] and labels
                            (<model>_elu_batch1.npz: its first trial alone, the
                            last partial batch of one trial that PyTorch trains on)
  init__<name>              random weights and BatchNorm running statistics
  eval_logits               model.eval() logits
  train_logits, loss        model.train() logits (dropout p=0) and cross-entropy
  grad__<name>              gradients of the loss
  after__<name>             state_dict after one torch.optim.Adam step
                            (lr 1e-3, weight_decay 1e-2)

Dropout is set to p=0 in training mode: its random masks cannot match across
frameworks; everything else (BatchNorm batch statistics and their gradients,
running-statistics update, Adam) is compared exactly.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/torch_fixtures.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "train", "testdata", "parity")
ACTS = {"relu": nn.ReLU, "leakyrelu": nn.LeakyReLU, "elu": nn.ELU}


class EEGNet(nn.Module):
    """The lab's EEGNet (Figure 1)."""

    def __init__(self, act):
        super().__init__()
        self.firstConv = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=(1, 51), stride=(1, 1), padding=(0, 25), bias=False),
            nn.BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True),
        )
        self.depthwiseConv = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=(2, 1), stride=(1, 1), groups=16, bias=False),
            nn.BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True),
            act(),
            nn.AvgPool2d(kernel_size=(1, 4), stride=(1, 4), padding=0),
            nn.Dropout(p=0.25),
        )
        self.separableConv = nn.Sequential(
            nn.Conv2d(32, 32, kernel_size=(1, 15), stride=(1, 1), padding=(0, 7), bias=False),
            nn.BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True),
            act(),
            nn.AvgPool2d(kernel_size=(1, 8), stride=(1, 8), padding=0),
            nn.Dropout(p=0.25),
        )
        self.classify = nn.Sequential(nn.Linear(in_features=736, out_features=2, bias=True))

    def forward(self, x):
        x = self.separableConv(self.depthwiseConv(self.firstConv(x)))
        return self.classify(x.view(x.size(0), -1))


class DeepConvNet(nn.Module):
    """The lab's DeepConvNet (Figure 2)."""

    def __init__(self, act):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, kernel_size=(1, 5)),
                nn.BatchNorm2d(cout, eps=1e-05, momentum=0.1),
                act(),
                nn.MaxPool2d(kernel_size=(1, 2)),
                nn.Dropout(p=0.5),
            )

        self.firstConv = nn.Sequential(
            nn.Conv2d(1, 25, kernel_size=(1, 5)),
            nn.Conv2d(25, 25, kernel_size=(2, 1)),
            nn.BatchNorm2d(25, eps=1e-05, momentum=0.1),
            act(),
            nn.MaxPool2d(kernel_size=(1, 2)),
            nn.Dropout(p=0.5),
        )
        self.secondConv = block(25, 50)
        self.thirdConv = block(50, 100)
        self.fourthConv = block(100, 200)
        self.classify = nn.Sequential(nn.Linear(8600, 2))

    def forward(self, x):
        x = self.fourthConv(self.thirdConv(self.secondConv(self.firstConv(x))))
        return self.classify(x.view(x.size(0), -1))


def fixture(model_cls, act_name, seed, trials=6):
    torch.manual_seed(seed)
    model = model_cls(ACTS[act_name])
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                t.fill_(3)
            elif name.endswith("running_mean"):
                t.uniform_(-0.5, 0.5)
            elif name.endswith("running_var"):
                t.uniform_(0.5, 2.0)
            elif ".weight" in name and t.dim() == 1:  # BatchNorm weight
                t.uniform_(0.5, 1.5)
            elif ".bias" in name and name.rsplit(".", 1)[0] in bn_names(model):
                t.uniform_(-0.3, 0.3)
    out = {}
    for name, t in model.state_dict().items():
        out["init__" + name] = t.numpy().copy()
    x = (torch.randn(6, 1, 2, 750) * 5.0).float()[:trials]
    y = torch.tensor([0, 1, 1, 0, 1, 0], dtype=torch.int64)[:trials]
    out["x"] = x.numpy()
    out["y"] = y.numpy()
    return reference(model, x, y, out)


def reference(model, x, y, out):
    """Adds to out what eegkit's parity tests compare: eval logits; with dropout at p=0, train-mode logits,
    cross-entropy loss and gradients; the state_dict after one Adam step (lr 1e-3, weight decay 1e-2)."""
    model.eval()
    with torch.no_grad():
        out["eval_logits"] = model(x).numpy()

    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-2)
    opt.zero_grad()
    logits = model(x)
    loss = nn.CrossEntropyLoss()(logits, y)
    loss.backward()
    out["train_logits"] = logits.detach().numpy()
    out["loss"] = np.array(loss.item(), dtype=np.float32)
    for name, p in model.named_parameters():
        if p.requires_grad:  # not FBCNet's fixed filters
            out["grad__" + name] = p.grad.numpy().copy()
    opt.step()
    for name, t in model.state_dict().items():
        out["after__" + name] = t.numpy().copy()
    return out


def bn_names(model):
    return {n for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    for mi, (mname, cls) in enumerate([("eegnet", EEGNet), ("deepconvnet", DeepConvNet)]):
        for ai, act in enumerate(ACTS):
            out = fixture(cls, act, seed=100 + 10 * mi + ai)
            path = os.path.join(OUT, f"{mname}_{act}.npz")
            np.savez(path, **out)
            print(f"wrote {path} ({os.path.getsize(path)} bytes), loss {float(out['loss']):.5f}")
        out = fixture(cls, "elu", seed=100 + 10 * mi + 2, trials=1)
        path = os.path.join(OUT, f"{mname}_elu_batch1.npz")
        np.savez(path, **out)
        print(f"wrote {path} ({os.path.getsize(path)} bytes), loss {float(out['loss']):.5f}")
    print("torch", torch.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
