#!/usr/bin/env python3
"""MAT-file fixtures for eegkit/mat, written by scipy.io.savemat (level 5), as the BCI competitions' true labels come.

  labels.mat             classlabel (288×1 uint8, values 1–4, as A0xE.mat), a 2×3 double matrix m, a string and a
                         cell (skipped by the reader); uncompressed.
  labels_compressed.mat  the same, zlib-compressed per variable (MATLAB's default since v7).
  expected.json          the arrays' shapes and values, column-major.

  /work/refvenv/bin/python scripts/mat_fixtures.py   (pip install scipy)
"""
import json
import os

import numpy as np
from scipy.io import savemat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "mat", "testdata")


def main():
    rng = np.random.default_rng(4)
    data = {"classlabel": rng.integers(1, 5, (288, 1)).astype(np.uint8), "m": np.array([[1.5, -2, 3], [4, 5e10, -6.25]]),
            "note": "true labels", "cells": np.array([[1, "x"]], dtype=object)}
    savemat(os.path.join(OUT, "labels.mat"), data)
    savemat(os.path.join(OUT, "labels_compressed.mat"), data, do_compression=True)
    want = {k: {"dims": list(data[k].shape), "data": [float(v) for v in data[k].flatten(order="F")]} for k in ("classlabel", "m")}
    with open(os.path.join(OUT, "expected.json"), "w") as fh:
        json.dump(want, fh)
        fh.write("\n")


if __name__ == "__main__":
    main()
