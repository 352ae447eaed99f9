#!/usr/bin/env python3
"""Generate the PyTorch parity fixture of a network with a branch and a residual connection.

eegkit/train/testdata/parity/composed.npz is what scripts/torch_fixtures.py writes for a model (random weights
and BatchNorm statistics, an input batch, eval and train logits, loss, gradients, the state after one Adam step)
for Composed below, which eegkit builds with nn.Concat and nn.Residual (eegkit/train/compose_test.go):

  stem        Conv2d(1, 8, (1, 25), pad 12, no bias), BatchNorm2d, ELU, depthwise Conv2d(8, 8, (2, 1)), BatchNorm2d, ELU
  inception   two branches concatenated on the channels (an nn.ModuleList: inception.0.*, inception.1.*):
              Conv2d(8, 4, (1, 9), pad 4), BatchNorm2d, ELU  |  AvgPool2d((1, 3), 1, pad (0, 1)), Conv2d(8, 4, 1)
  res         conv1 Conv2d(8, 12, (1, 9), pad 4), bn1, ELU, dropout, conv2 Conv2d(12, 12, (1, 9), pad 4), bn2,
              plus downsample Conv2d(8, 12, 1) of the input
  then        ELU, AvgPool2d((1, 10)), Dropout, Linear(900, 2)

Run in a venv with PyPI's torch (2.15 here): python scripts/compose_fixtures.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import OUT, fixture  # noqa: E402


class Cat(nn.ModuleList):
    def forward(self, x):
        return torch.cat([m(x) for m in self], dim=1)


class Res(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(8, 12, (1, 9), padding=(0, 4))
        self.bn1 = nn.BatchNorm2d(12)
        self.act = nn.ELU()
        self.drop = nn.Dropout(0.25)
        self.conv2 = nn.Conv2d(12, 12, (1, 9), padding=(0, 4))
        self.bn2 = nn.BatchNorm2d(12)
        self.downsample = nn.Conv2d(8, 12, 1)

    def forward(self, x):
        body = self.bn2(self.conv2(self.drop(self.act(self.bn1(self.conv1(x))))))
        return body + self.downsample(x)


class Composed(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, 8, (1, 25), padding=(0, 12), bias=False), nn.BatchNorm2d(8), act(),
            nn.Conv2d(8, 8, (2, 1), groups=8, bias=False), nn.BatchNorm2d(8), act())
        self.inception = Cat([
            nn.Sequential(nn.Conv2d(8, 4, (1, 9), padding=(0, 4)), nn.BatchNorm2d(4), act()),
            nn.Sequential(nn.AvgPool2d((1, 3), stride=1, padding=(0, 1)), nn.Conv2d(8, 4, 1)),
        ])
        self.res = Res()
        self.head = nn.Sequential(act(), nn.AvgPool2d((1, 10)), nn.Dropout(0.25))
        self.classify = nn.Linear(900, 2)

    def forward(self, x):
        x = self.head(self.res(self.inception(self.stem(x))))
        return self.classify(x.flatten(1))


def main():
    torch.set_num_threads(1)
    out = fixture(Composed, "elu", seed=7)
    path = os.path.join(OUT, "composed.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({os.path.getsize(path)} bytes), loss {float(out['loss']):.5f}; torch {torch.__version__}")


if __name__ == "__main__":
    main()
