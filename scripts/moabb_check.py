#!/usr/bin/env python3
"""Reads an eegkit benchmark's results.csv with MOABB's own analysis and compares it with eegkit's statistics.csv.

  /work/refvenv/bin/python scripts/moabb_check.py BENCH_DIR   (pip install moabb==1.7.2)

MOABB's compute_dataset_statistics on results.csv must give eegkit's p-values and effects for every pair on every
dataset (the random permutation test, 14 to 19 subjects, agrees within its Monte-Carlo error only); MOABB's
score_plot and meta_analysis_plot must draw from it.
"""
import sys

import matplotlib
import pandas as pd
from moabb.analysis import plotting
from moabb.analysis.meta_analysis import compute_dataset_statistics

matplotlib.use("Agg")


def main(bench):
    results = pd.read_csv(f"{bench}/results.csv")
    moabb = compute_dataset_statistics(results)
    ours = pd.read_csv(f"{bench}/statistics.csv")
    ours = ours[ours.dataset != "combined"]
    m = moabb.merge(ours, on=["dataset", "pipe1", "pipe2"], suffixes=("_moabb", "_eegkit"))
    if len(m) != len(ours):
        raise SystemExit(f"MOABB has {len(m)} of eegkit's {len(ours)} pairs")
    exact = m[~m.test.str.contains("random")]
    dp, dsmd = (exact.p_moabb - exact.p_eegkit).abs().max(), (m.smd_moabb - m.smd_eegkit).abs().max()
    if dp > 1e-12 or dsmd > 1e-12:
        raise SystemExit(f"MOABB's statistics differ from eegkit's: |Δp| {dp}, |Δsmd| {dsmd}")
    plotting.score_plot(results)
    pipes = list(results.pipeline.unique())
    if len(pipes) > 1:
        plotting.meta_analysis_plot(moabb, pipes[0], pipes[1])
    print(f"moabb check: OK: {len(m)} pairs on {results.dataset.nunique()} dataset(s), |Δp| {dp:.2g}, |Δsmd| {dsmd:.2g}; "
          "score_plot and meta_analysis_plot read results.csv")


if __name__ == "__main__":
    main(sys.argv[1])
