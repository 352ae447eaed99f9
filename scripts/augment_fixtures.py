#!/usr/bin/env python3
"""Parity fixtures for eegkit/augment, from braindecode 1.8.1's augmentation functions themselves.

Writes eegkit/augment/testdata/braindecode.npz: a batch x [3, 3, 128] (channels C3, Cz, C4), an
odd-length batch x_odd [3, 3, 127], labels y, and the outputs of braindecode.augmentation.functional's
operations on them with their random draws fixed (and saved next to them where the function draws
them itself from a numpy RandomState):
  time_reverse, sign_flip
  ft_surrogate (magnitude 0.8, shared phases; u [3, 1, 63]) and ft_surrogate_odd (channel_indep; u_odd [3, 3, 63])
  smooth_time_mask (mask_start, mask_len 30)
  symmetry_perm, channels_symmetry (ChannelsSymmetry's permutation of C3, Cz, C4)
  mixup (lam, idx_perm) -> mixup_x, mixup_y_b
  frequency_shift (delta_freq, sfreq 125)
  channels_dropout (p_drop 0.4; dropout_u the uniform draws)
  amplitude_scale (scale_s the draws, interval 0.5-2)

A one-off, not part of the tests (the fixtures are committed):
  python3 -m venv V && V/bin/pip install torch==2.15.0 braindecode==1.8.1 pyriemann==0.12
  V/bin/python scripts/augment_fixtures.py
"""
import os

import braindecode
import numpy as np
import torch
from braindecode.augmentation import ChannelsSymmetry
from braindecode.augmentation import functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "augment", "testdata")


def main():
    assert braindecode.__version__ == "1.8.1", braindecode.__version__
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(1202)
    x = torch.as_tensor(rng.normal(size=(3, 3, 128)), dtype=torch.float32)
    x_odd = torch.as_tensor(rng.normal(size=(3, 3, 127)), dtype=torch.float32)
    y = torch.as_tensor([0, 1, 1])
    out = {"x": x.numpy(), "x_odd": x_odd.numpy(), "y": y.numpy()}
    out["time_reverse"] = F.time_reverse(x, y)[0].numpy()
    out["sign_flip"] = F.sign_flip(x, y)[0].numpy()

    out["u"] = np.random.RandomState(7).random((3, 1, 128 // 2 - 1))
    out["ft_surrogate"] = F.ft_surrogate(x, y, 0.8, False, random_state=np.random.RandomState(7))[0].numpy()
    out["u_odd"] = np.random.RandomState(8).random((3, 3, (127 - 1) // 2))
    out["ft_surrogate_odd"] = F.ft_surrogate(x_odd, y, 1.0, True, random_state=np.random.RandomState(8))[0].numpy()

    out["mask_start"] = np.array([10.5, 40.25, 77.0])
    out["smooth_time_mask"] = F.smooth_time_mask(x, y, torch.as_tensor(out["mask_start"]), 30)[0].numpy()

    perm = ChannelsSymmetry(1.0, ["C3", "Cz", "C4"]).permutation
    out["symmetry_perm"] = np.array(perm)
    out["channels_symmetry"] = F.channels_permute(x, y, perm)[0].numpy()

    lam = torch.as_tensor([0.3, 0.8, 0.55], dtype=torch.float32)
    idx_perm = torch.as_tensor([2, 0, 1])
    xm, (ya, yb, _) = F.mixup(x, y, lam, idx_perm)
    out["lam"], out["idx_perm"], out["mixup_x"], out["mixup_y_b"] = lam.numpy(), idx_perm.numpy(), xm.numpy(), yb.numpy()

    out["delta_freq"] = np.array([1.5, -0.7, 0.3], dtype=np.float32)
    out["frequency_shift"] = F.frequency_shift(x, y, torch.as_tensor(out["delta_freq"]), 125.0)[0].numpy()

    out["dropout_u"] = np.random.RandomState(3).uniform(0, 1, size=(3, 3))
    out["channels_dropout"] = F.channels_dropout(x, y, 0.4, random_state=np.random.RandomState(3))[0].numpy()

    out["scale_s"] = np.random.RandomState(5).uniform(low=0.5, high=2, size=(3, 3, 1))
    out["amplitude_scale"] = F.amplitude_scale(x, y, (0.5, 2), random_state=np.random.RandomState(5))[0].numpy()

    np.savez(os.path.join(OUT, "braindecode.npz"), **{k: np.ascontiguousarray(v) for k, v in out.items()})
    print("wrote", os.path.join(OUT, "braindecode.npz"))


if __name__ == "__main__":
    main()
