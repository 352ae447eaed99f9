#!/usr/bin/env python3
"""Parity fixtures for eegkit/riemann and the Riemannian baselines, from pyriemann 0.12 itself.

Writes eegkit/riemann/testdata/<name>.npz for two small problems (2 classes of
3 channels, 3 classes of 4 channels; 120 samples per trial, classes that
differ in their spatial covariance):
  x_train [N, C, T], y_train [N], x_test, y_test      the trials
  cov_<est>_train / _test [N, C, C]                  pyriemann.utils.covariance.covariances(X, est), est in scm, lwf, oas
  mean_train [C, C]                                  pyriemann mean_riemann of cov_oas_train
  tangent_train / _test [N, C(C+1)/2]                TangentSpace(metric="riemann").fit(cov_oas_train).transform(...)
  mdm_means [K, C, C], mdm_pred [N_test]             MDM(metric="riemann") on cov_oas
  tslr_pred [N_test]                                 make_pipeline(TangentSpace(metric="riemann"), LogisticRegression()) on cov_oas
  cov_oas_more [600, C, C], y_more                   600 more test trials (covariances only), for the agreement rate
  tslr_pred_more, tslr_pred_more_converged           that pipeline's predictions of them, with scikit-learn's default
                                                     tolerance (tol=1e-4) and solved to convergence (tol=1e-12)

A one-off, not part of the tests (the fixtures are committed):
  python3 -m venv V && V/bin/pip install torch==2.15.0 braindecode==1.8.1 pyriemann==0.12
  V/bin/python scripts/riemann_fixtures.py
"""
import os

import numpy as np
import pyriemann
from pyriemann.classification import MDM
from pyriemann.tangentspace import TangentSpace
from pyriemann.geometry.covariance import covariances
from pyriemann.geometry.mean import mean_riemann
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "riemann", "testdata")


def problem(rng, n_classes, n_chans, n_train, n_test, n_times=120):
    base = rng.normal(size=(n_chans, n_chans)) + 2 * np.eye(n_chans)
    mixing = [base + 0.06 * rng.normal(size=(n_chans, n_chans)) for _ in range(n_classes)]

    def trials(n):
        y = np.arange(n) % n_classes
        x = np.stack([mixing[k] @ rng.normal(size=(n_chans, n_times)) + 1.0 * rng.normal(size=(n_chans, n_times)) + rng.normal(size=(n_chans, 1)) for k in y])
        return x, y

    return trials(n_train) + trials(n_test) + trials(600)


def main():
    assert pyriemann.__version__ == "0.12", pyriemann.__version__
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261202)
    for name, k, c in [("two_class", 2, 3), ("three_class", 3, 4)]:
        xtr, ytr, xte, yte, xmore, ymore = problem(rng, k, c, 48, 36)
        out = {"x_train": xtr, "y_train": ytr, "x_test": xte, "y_test": yte}
        for est in ["scm", "lwf", "oas"]:
            out[f"cov_{est}_train"] = covariances(xtr, estimator=est)
            out[f"cov_{est}_test"] = covariances(xte, estimator=est)
        ctr, cte = out["cov_oas_train"], out["cov_oas_test"]
        out["mean_train"] = mean_riemann(ctr)
        ts = TangentSpace(metric="riemann").fit(ctr)
        out["tangent_train"], out["tangent_test"] = ts.transform(ctr), ts.transform(cte)
        mdm = MDM(metric="riemann").fit(ctr, ytr)
        out["mdm_means"], out["mdm_pred"] = np.stack(mdm.covmeans_), mdm.predict(cte)
        tslr = make_pipeline(TangentSpace(metric="riemann"), LogisticRegression()).fit(ctr, ytr)
        out["tslr_pred"] = tslr.predict(cte)
        out["cov_oas_more"], out["y_more"] = covariances(xmore, estimator="oas"), ymore
        out["tslr_pred_more"] = tslr.predict(out["cov_oas_more"])
        converged = make_pipeline(TangentSpace(metric="riemann"), LogisticRegression(tol=1e-12, max_iter=100000)).fit(ctr, ytr)
        out["tslr_pred_more_converged"] = converged.predict(out["cov_oas_more"])
        np.savez(os.path.join(OUT, name + ".npz"), **{k: np.ascontiguousarray(v) for k, v in out.items()})
        print(name, "MDM test accuracy", (out["mdm_pred"] == yte).mean(), "TS+LR", (out["tslr_pred"] == yte).mean())


if __name__ == "__main__":
    main()
