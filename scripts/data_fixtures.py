#!/usr/bin/env python3
"""Write numpy-made lab files for eegkit's data-loading tests.

eegkit/datasets/testdata/lab/ gets the four lab files with 4 trials each:
  S4b_*   uncompressed np.savez, signal float64 (4, 750, 2) with NaNs, label float64 in {1, 2}
  X11b_*  np.savez_compressed, signal float64, label int64
and expected.json with what the lab's loader computes from them (numpy's
nanmean of each split, labels after "- 1", a few transposed values).

Run with Debian's numpy:  /usr/bin/python3 scripts/data_fixtures.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "datasets", "testdata", "lab")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    expected = {}
    for split in ("train", "test"):
        s4 = rng.normal(0, 8, size=(4, 750, 2))
        s4[1, 100:130, :] = np.nan
        s4[3, 5, 1] = np.nan
        x11 = rng.normal(0, 4, size=(4, 750, 2))
        l4 = np.array([1.0, 2.0, 2.0, 1.0])
        l11 = np.array([2, 1, 1, 2], dtype=np.int64)
        np.savez(os.path.join(OUT, f"S4b_{split}.npz"), signal=s4, label=l4)
        np.savez_compressed(os.path.join(OUT, f"X11b_{split}.npz"), signal=x11, label=l11)
        # The lab's loader.
        data = np.concatenate((s4, x11), axis=0)
        label = np.concatenate((l4, l11), axis=0) - 1
        data = np.transpose(np.expand_dims(data, axis=1), (0, 1, 3, 2))
        mean = np.nanmean(data)
        nans = int(np.isnan(data).sum())
        data[np.where(np.isnan(data))] = mean
        expected[split] = {
            "nanmean": float(mean),
            "nans": nans,
            "labels": [int(v) for v in label],
            # (trial, channel, sample) -> value
            "values": [[i, c, t, float(data[i, 0, c, t])] for i, c, t in [(0, 0, 0), (1, 1, 110), (3, 1, 5), (6, 0, 749), (7, 1, 3)]],
        }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
