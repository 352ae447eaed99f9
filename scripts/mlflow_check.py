"""Reads eegkit's runs back from an MLflow server with MLflow's own client.

Usage: python scripts/mlflow_check.py URI RUN_DIR SWEEP_DIR LAB_DIR BENCH_DIR. The run in
RUN_DIR (logged to experiment eegkit-check) must read back with run.json's
configuration as parameters, history.json's per-epoch values as metric
histories (epoch = step), the tags, the final test metrics and the run's
files as artifacts; each point of SWEEP_DIR (experiment eegkit-sweep) and
each of the lab's six runs in LAB_DIR (experiment eegkit-lab) must be there
too; and every row of BENCH_DIR's folds.csv (experiment eegkit-bench) as one
run whose parameters name it and whose metrics are its scores, once.
"""
import csv
import glob
import json
import math
import os
import sys

from mlflow.tracking import MlflowClient


def fail(msg):
    sys.exit("mlflow check: " + msg)


def check_run(client, run_dir, experiment):
    record = json.load(open(os.path.join(run_dir, "mlflow.json")))
    run = client.get_run(record["run_id"])
    exp = client.get_experiment(run.info.experiment_id)
    if exp.name != experiment:
        fail(f"{run_dir}: logged to experiment {exp.name}, want {experiment}")
    saved = json.load(open(os.path.join(run_dir, "run.json")))
    if run.info.status != "FINISHED":
        fail(f"{run_dir}: MLflow status {run.info.status}")
    # Parameters: every configuration field but the architecture.
    for key, value in saved["config"].items():
        if key == "arch":
            continue
        want = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        got = run.data.params.get(key)
        if got is None or (got != want and not (isinstance(value, (int, float)) and float(got) == float(value))):
            fail(f"{run_dir}: parameter {key} = {got!r}, run.json has {want!r}")
    # Per-epoch history, epoch as the step.
    history = saved["history"]
    keys = ["train_loss", "train_acc", "test_loss", "test_acc", "lr", "seconds"]
    if saved["config"].get("val_fraction", 0) > 0:
        keys += ["val_loss", "val_acc"]
    for key in keys:
        got = sorted((m.step, m.value) for m in client.get_metric_history(run.info.run_id, key))
        want = [(e["epoch"], e.get(key, 0.0)) for e in history]
        if len(got) != len(want) or any(gs != ws or not math.isclose(gv, wv, rel_tol=1e-12, abs_tol=1e-12) for (gs, gv), (ws, wv) in zip(got, want)):
            fail(f"{run_dir}: metric {key} history {got}, history.json has {want}")
    for name in ["accuracy", "kappa", "auc", "balanced_accuracy"]:
        got, want = run.data.metrics.get("final_test_" + name), saved["test"].get(name)
        if want is not None and (got is None or not math.isclose(got, want, rel_tol=1e-12)):
            fail(f"{run_dir}: final_test_{name} = {got}, run.json has {want}")
    tags = run.data.tags
    for key, want in [("eegkit.model", saved["config"]["model"]), ("eegkit.data_id", saved["data_id"]),
                      ("eegkit.protocol", saved["protocol"]), ("eegkit.version", saved["eegkit_version"])]:
        if tags.get(key) != want:
            fail(f"{run_dir}: tag {key} = {tags.get(key)!r}, want {want!r}")
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    for f in ["run.json", "history.json", "history.csv", "model.npz", "SHA256SUMS"]:
        if f not in artifacts:
            fail(f"{run_dir}: artifact {f} missing (have {sorted(artifacts)})")
    local = client.download_artifacts(run.info.run_id, "run.json")
    if open(local, "rb").read() != open(os.path.join(run_dir, "run.json"), "rb").read():
        fail(f"{run_dir}: the run.json artifact differs from the run's")
    return run, len(history)


def run_dirs(root):
    """The run directories under root (those holding a run.json)."""
    return sorted(os.path.dirname(p) for p in glob.glob(os.path.join(root, "**", "run.json"), recursive=True))


def check_bench(client, bench_dir):
    """Every fold row of a benchmark is one MLflow run with its scores; returns how many."""
    exp = client.get_experiment_by_name("eegkit-bench")
    if exp is None:
        fail("no experiment eegkit-bench")
    runs = client.search_runs([exp.experiment_id], max_results=1000)
    logged = {}
    for r in runs:
        p = r.data.params
        key = (p.get("pipeline"), p.get("subject"), p.get("session"), p.get("fold"))
        if key in logged:
            fail(f"benchmark fold {key} is logged twice")
        logged[key] = r.data.metrics
    with open(os.path.join(bench_dir, "folds.csv")) as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        m = logged.get((row["pipeline"], row["subject"], row["session"], row["fold"]))
        if m is None:
            fail(f"benchmark fold {row} is not in MLflow")
        for k in ("score", "accuracy", "kappa"):
            if not math.isclose(m[k], float(row[k]), rel_tol=1e-9, abs_tol=1e-12):
                fail(f"benchmark fold {row['subject']}/{row['session']}: MLflow {k} {m[k]}, folds.csv {row[k]}")
    if len(logged) != len(rows):
        fail(f"MLflow has {len(logged)} benchmark runs, folds.csv {len(rows)} rows")
    return len(rows)


def main(uri, run_dir, sweep_dir, lab_dir, bench_dir):
    client = MlflowClient(tracking_uri=uri)
    run, epochs = check_run(client, run_dir, "eegkit-check")
    n = len(client.search_runs([run.info.experiment_id]))
    if n != 1:
        fail(f"experiment eegkit-check has {n} runs; the second train should not have logged again")
    points = run_dirs(os.path.join(sweep_dir, "runs"))
    for d in points:
        check_run(client, d, "eegkit-sweep")
    lab = run_dirs(lab_dir)
    if len(lab) != 6:
        fail(f"the lab has {len(lab)} run directories, want 6")
    for d in lab:
        check_run(client, d, "eegkit-lab")
    folds = check_bench(client, bench_dir)
    print(f"mlflow check: OK: the run (params {len(run.data.params)}, {epochs} epochs × {len(run.data.metrics)} metrics, "
          f"tags, artifacts), {len(points)} sweep points, the lab's {len(lab)} runs and {folds} benchmark folds read back from {uri} "
          f"as run.json, history.json and folds.csv have them")


if __name__ == "__main__":
    main(*sys.argv[1:])
