#!/usr/bin/env python3
"""MOABB 1.7.2's statistics across subjects and datasets on committed score tables, for eegkit/stats.

scores.csv holds per-subject scores (MOABB's results columns: dataset, pipeline, subject, session, score) of
three pipelines on five datasets that take each of MOABB's branches:

  a_exact9      9 subjects: the exact paired permutation test (all 2^9 sign flips)
  b_random16    16 subjects: the permutation test with 10 000 random sign flips (numpy's draws)
  c_wilcoxon25  25 subjects, no ties: scipy's exact Wilcoxon signed-rank distribution
  d_ties30      30 subjects, scores on a 1/40 grid (ties and zero differences): the normal approximation
  e_large60     60 subjects: the normal approximation (more than 50)

Two sessions per subject, averaged by MOABB (collapse_session_scores) before the tests.
statistics.csv is moabb.analysis.meta_analysis.compute_dataset_statistics(scores) (dataset, pipe1, pipe2, p, smd,
nsub); combined.csv is find_significant_differences on the five datasets (pipe1, pipe2, p, smd). The datasets are
named in alphabetical order because find_significant_differences pairs the p-values, sorted by dataset name, with
subject counts in the datasets' order of appearance: MOABB's combination is right only when the two agree.

  /work/refvenv/bin/python scripts/stats_fixtures.py   (pip install moabb==1.7.2)
"""
import os

import moabb
import numpy as np
import pandas as pd
from moabb.analysis.meta_analysis import compute_dataset_statistics, find_significant_differences

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "stats", "testdata")


def main():
    rng = np.random.default_rng(26)
    rows = []
    # named in alphabetical order: find_significant_differences weights the p-values, which pivot_table sorts by
    # dataset name, with subject counts in the datasets' order of appearance, so the two orders must agree
    for name, n, grid in [("a_exact9", 9, None), ("b_random16", 16, None), ("c_wilcoxon25", 25, None),
                          ("d_ties30", 30, 40), ("e_large60", 60, None)]:
        base = rng.uniform(0.55, 0.9, n)
        effect = {"eegnet": 0.04, "csp": 0.0, "tslr": 0.01}
        for pipe, eff in effect.items():
            for session in ("0train", "1test"):
                s = np.clip(base + eff + rng.normal(0, 0.05, n), 0, 1)
                if grid:
                    s = np.round(s * grid) / grid
                for subj in range(n):
                    rows.append({"dataset": name, "pipeline": pipe, "subject": subj + 1, "session": session,
                                 "score": float(s[subj])})
    if True:  # make exact ties and zero differences in ties30: csp equals tslr on some subjects
        df = pd.DataFrame(rows)
        m = (df.dataset == "d_ties30") & (df.pipeline == "tslr") & (df.subject <= 8)
        df.loc[m, "score"] = df[(df.dataset == "d_ties30") & (df.pipeline == "csp") & (df.subject <= 8)]["score"].values
    df.to_csv(os.path.join(OUT, "scores.csv"), index=False, float_format="%.17g")
    stats = compute_dataset_statistics(df)
    stats[["dataset", "pipe1", "pipe2", "p", "smd", "nsub"]].to_csv(os.path.join(OUT, "statistics.csv"), index=False,
                                                                    float_format="%.17g")
    P, T = find_significant_differences(stats)
    comb = []
    for a in P.index:
        for b in P.columns:
            if a != b:
                comb.append({"pipe1": a, "pipe2": b, "p": P.loc[a, b], "smd": T.loc[a, b]})
    pd.DataFrame(comb).to_csv(os.path.join(OUT, "combined.csv"), index=False, float_format="%.17g")
    print(moabb.__version__)
    print(stats.head(12))


if __name__ == "__main__":
    main()
