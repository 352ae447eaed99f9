#!/usr/bin/env python3
"""Generate braindecode parity fixtures for eegkit's model zoo and general layers.

Writes eegkit/train/testdata/parity/<name>.npz, in the format of torch_fixtures.py
(x, y, init__*, eval_logits, train_logits, loss, grad__*, after__*), for

  shallowfbcspnet   braindecode.models.ShallowFBCSPNet(n_chans=2, n_outputs=2, n_times=750)
  eegnetv4          braindecode.models.EEGNet(n_chans=2, n_outputs=2, n_times=750)
  <zoo>_state_dict  the zoo model's state_dict as a user exports it
                    (np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()}))
                    and <zoo>_state_dict_logits.npz, its eval logits on the fixture's x, which
                    <zoo>_input.npz holds as predict's --input (signal [6,1,2,750])
  deep4net          braindecode.models.Deep4Net(n_chans=2, n_outputs=2, n_times=750)
  deep4net_2a       the same for BCI IV 2a's shape: n_chans=22, n_outputs=4, n_times=1000 (sfreq 250),
                    its x [6, 22, 1000] and y in 0..3; init__* and eval_logits only
  eegtcnet          braindecode.models.EEGTCNet(n_chans=2, n_outputs=2, n_times=750)
  eegtcnet_2a       as deep4net_2a
  fbcnet            braindecode.models.FBCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125)
  fbcnet_2a         as deep4net_2a
  eegnex, sccnet    braindecode.models.EEGNeX / SCCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125)
  eegnex_2a, sccnet_2a  as deep4net_2a
  general           a plain-PyTorch model of the general layer cases: stride > 1,
                    dilation, grouped and even-kernel padded convolutions, overlapping
                    padded max pooling, a full-height classifier convolution

braindecode's own initialisation is kept; BatchNorm weights, biases and running
statistics are randomised so that they matter. Dropout is p=0 in training mode
(its masks cannot match across frameworks). One torch.optim.Adam step, lr 1e-3,
weight decay 1e-2.

braindecode and torch 2 come from PyPI in a virtual environment (a one-off, about
5.5 GB because of torch's CUDA wheels; not part of the tests):

  python3 -m venv V && V/bin/pip install torch==2.15.0 braindecode==1.8.1
  V/bin/python scripts/braindecode_fixtures.py [NAME…]   (only the fixtures named; default all)
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
import braindecode  # noqa: E402
from braindecode.models import Deep4Net, EEGNet, EEGNeX, EEGTCNet, FBCNet, SCCNet, ShallowFBCSPNet  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import reference  # noqa: E402  (the same reference computation as the lab's fixtures)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "train", "testdata", "parity")


class General(nn.Module):
    """The general layer cases, laid out as eegkit's parity_test.go rebuilds them."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=(1, 7), stride=(1, 3), padding=(0, 2)),
            nn.Conv2d(4, 4, kernel_size=(1, 5), dilation=(1, 2), padding=(0, 4), groups=2, bias=False),
            nn.BatchNorm2d(4),
            nn.ELU(),
            nn.MaxPool2d(kernel_size=(1, 5), stride=(1, 2), padding=(0, 2)),
            nn.Conv2d(4, 6, kernel_size=(2, 4), padding=(0, 2)),  # even kernel, padded: one more step
            nn.AvgPool2d(kernel_size=(1, 6), stride=(1, 4), padding=(0, 3)),
            nn.Conv2d(6, 2, kernel_size=(1, 32)),
        )

    def forward(self, x):
        return self.layers(x).flatten(1)


def randomise_bn(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(3)


def fixture(model, x, y):
    randomise_bn(model)
    out = {"init__" + k: v.numpy().copy() for k, v in model.state_dict().items()}
    out["x"], out["y"] = x.numpy(), y.numpy()
    return reference(model, x, y, out)


def eval_only(name, model, x, y):
    """A fixture of a model's initial state and eval logits: the checks of a second input shape."""
    randomise_bn(model)
    out = {"init__" + k: v.numpy().copy() for k, v in model.state_dict().items()}
    out["x"], out["y"] = x.numpy(), y.numpy()
    model.eval()
    with torch.no_grad():
        out["eval_logits"] = model(x).numpy()
    path = os.path.join(OUT, f"{name}.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({os.path.getsize(path)} bytes): {sum(p.numel() for p in model.parameters())} parameters")


def main(names):
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    y = torch.tensor([0, 1, 1, 0, 1, 0], dtype=torch.int64)
    for seed, (name, build) in enumerate([("deep4net_2a", Deep4Net), ("eegtcnet_2a", EEGTCNet), ("fbcnet_2a", FBCNet), ("eegnex_2a", EEGNeX), ("sccnet_2a", SCCNet)]):
        if not names or name in names:
            torch.manual_seed(300 + seed)
            eval_only(name, build(n_chans=22, n_outputs=4, n_times=1000, sfreq=250),
                      (torch.randn(6, 22, 1000) * 5.0).float(), torch.tensor([0, 1, 2, 3, 1, 2]))
    for i, (name, build, shape) in enumerate([
        ("shallowfbcspnet", lambda: ShallowFBCSPNet(n_chans=2, n_outputs=2, n_times=750), (6, 2, 750)),
        ("eegnetv4", lambda: EEGNet(n_chans=2, n_outputs=2, n_times=750), (6, 2, 750)),
        ("general", General, (6, 1, 2, 750)),
        ("deep4net", lambda: Deep4Net(n_chans=2, n_outputs=2, n_times=750, sfreq=125), (6, 2, 750)),
        ("eegtcnet", lambda: EEGTCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125), (6, 2, 750)),
        ("fbcnet", lambda: FBCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125), (6, 2, 750)),
        ("eegnex", lambda: EEGNeX(n_chans=2, n_outputs=2, n_times=750, sfreq=125), (6, 2, 750)),
        ("sccnet", lambda: SCCNet(n_chans=2, n_outputs=2, n_times=750, sfreq=125), (6, 2, 750)),
    ]):
        if names and name not in names:
            continue
        torch.manual_seed(200 + i)
        model = build()
        x = (torch.randn(*shape) * 5.0).float()
        if name in ("shallowfbcspnet", "eegnetv4"):  # a state_dict exported as a user would: numpy arrays under braindecode's names
            sd_path = os.path.join(OUT, f"{name}_state_dict.npz")
            randomise_bn(model)
            np.savez(sd_path, **{k: v.numpy() for k, v in model.state_dict().items()})
            model.eval()
            with torch.no_grad():
                np.savez(os.path.join(OUT, f"{name}_state_dict_logits.npz"), logits=model(x).numpy())
            np.savez(os.path.join(OUT, f"{name}_input.npz"), signal=x.reshape(6, 1, 2, 750).numpy())
        out = fixture(model, x, y)
        path = os.path.join(OUT, f"{name}.npz")
        (np.savez_compressed if name in ("deep4net", "eegtcnet", "fbcnet", "eegnex", "sccnet") else np.savez)(path, **out)
        n = sum(p.numel() for p in model.parameters())
        print(f"wrote {path} ({os.path.getsize(path)} bytes): {n} parameters, loss {float(out['loss']):.5f}")
    print("torch", torch.__version__, "braindecode", braindecode.__version__, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
