#!/usr/bin/env python3
"""Execute eegkit's notebooks headless with the GoNB kernel (nbclient).

Quick mode (the default, used by the tests): EEGKIT_EPOCHS (default 2)
overrides every epoch count and EEGKIT_RUNS points at a fresh directory, so
each notebook runs in minutes; executed copies go to --out and the committed
notebooks are left alone. Any cell error fails the run, and each notebook's
expected figures, tables and files are checked.

Full mode (--full): run the notebooks in place with the lab's settings and
save their outputs into them (what is committed).

  .venv/bin/python scripts/run_notebooks.py [--epochs 2] [--out DIR] [--full] [NAME ...]
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
# The kernel is this checkout's (scripts/jupyter_setup.sh registers it in .venv), as scripts/env.sh says.
_venv_jupyter = os.path.join(ROOT, ".venv", "share", "jupyter")
if _venv_jupyter not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in [_venv_jupyter, os.environ.get("JUPYTER_PATH", "")] if p)


def check_kernel():
    """The "eegkit" kernel Jupyter finds is this checkout's, running this checkout's GoNB."""
    import json
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec("eegkit")
    problems = []
    if not os.path.realpath(spec.resource_dir).startswith(os.path.realpath(ROOT) + os.sep):
        problems.append(f"Jupyter finds the eegkit kernel in {spec.resource_dir}, outside this checkout")
    if not os.path.realpath(spec.argv[0]).startswith(os.path.realpath(ROOT) + os.sep):
        problems.append(f"the eegkit kernel runs {spec.argv[0]}, not this checkout's GoNB")
    print(("ok   kernel: this checkout's (" + os.path.relpath(spec.resource_dir, ROOT) + ")"
           if not problems else "FAIL kernel: " + "; ".join(problems)), flush=True)
    return not problems

# What each notebook must produce: files (glob patterns relative to the runs directory) and text in its outputs.
EXPECT = {
    "01-data": (["figures/01_example_trials.png", "figures/01_example_trials.svg", "figures/01_spectra_S4b.png", "figures/01_spectra_X11b.svg"],
                ["| split | subject | trials |", "mu-band (8–13 Hz) power"],),
    "02-eegnet": (["figures/figure9_eegnet.png", "figures/figure9_eegnet.svg", "eegnet-relu-*/model.npz", "eegnet-leakyrelu-*/history.csv", "eegnet-elu-*/run.json"],
                  ["Total trainable parameters: 17874", "true \\ predicted"],),
    "03-deepconvnet": (["figures/figure10_deepconvnet.png", "deepconvnet-relu-*/model.npz", "deepconvnet-elu-*/SHA256SUMS"],
                       ["Total trainable parameters: 150977", "true \\ predicted"],),
    "04-report": (["figures/figure9_eegnet.svg", "figures/figure10_deepconvnet.svg"],
                  ["| | ReLU | Leaky ReLU | ELU |", "| model | activation | batch | lr |", "Highest accuracy", "| batch size |", "**Best run**"],),
    "05-sweep": (["sweep.csv", "figures/05_sweep_heatmap.png", "figures/05_sweep_heatmap.svg"],
                 ["| rank | model |"],),
    "06-models": (["figures/06_models.png", "figures/06_models_2.png", "figures/06_zoo.png", "figures/06_zoo.svg", "mine-elu-b64-*/run.json", "shallowfbcspnet-b64-*/model.npz",
                   "eegnetv4-elu-b64-*/model.npz", "deep4net-elu-b64-*/model.npz", "eegconformer-elu-b72-*/model.npz", "eegtcnet-elu-b64-*/model.npz",
                   "atcnet-elu-b64-*/model.npz", "fbcnet-b16-*/model.npz", "eegnex-elu-b64-*/model.npz", "sccnet-b64-*/model.npz"],
                  ["**Mine**", "| inception.0.0 |", "| res.downsample |", "| deep4net | braindecode's Deep4Net", "| eeginceptionmi |",
                   "| model | parameters |", "| mine/elu |", "| shallowfbcspnet | 7842 |", "| eegnetv4/elu | 1874 |",
                   "| atcnet | braindecode's ATCNet", "| fbcnet | 3746 |", "| eegnex | braindecode's EEGNeX", "| sccnet | 7712 |"],),
    "07-benchmark": (["benchmark/within-session/results.csv", "benchmark/cross-session/statistics.csv", "benchmark/cross-subject/folds.csv",
                      "benchmark/figures/07_within-session_scores.png", "benchmark/figures/07_cross-subject_significance.svg"],
                     ["### within-session", "### cross-subject", "| pipeline | mean ± std over subjects |", "The tests are MOABB's"],),
}


def figure_problems(nb):
    """Figures must be image/png + image/svg+xml bundles (shown in untrusted notebooks, GitHub, nbviewer), never SVG in HTML."""
    bundles, problems = 0, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data and "image/svg+xml" in data:
                bundles += 1
            html = data.get("text/html", "")
            if "<svg" in (html if isinstance(html, str) else "".join(html)):
                problems.append("an SVG inside text/html output")
    if bundles == 0:
        problems.append("no figure as an image/png + image/svg+xml bundle")
    return problems


# JupyterLab breaks a plain-text output line longer than the cell anywhere, mid-word (its CSS: word-break:
# break-all); the notebooks' own lines stay within this width, and their logs are HTML, which wraps between words.
MAX_LINE = 100


def long_lines(nb):
    """Plain-text output lines longer than MAX_LINE."""
    return [line for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "stream"
            for line in out.get("text", "").splitlines() if len(line) > MAX_LINE]


def outputs_text(nb):
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            for v in out.get("data", {}).values():
                parts.append(v if isinstance(v, str) else str(v))
    return "\n".join(parts)


def scrub_paths(nb):
    """Committed outputs carry no absolute paths of the machine they ran on: the repository's path becomes '.'."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if isinstance(out.get("text"), str):
                out["text"] = out["text"].replace(ROOT + "/", "").replace(ROOT, ".")


def run(path, out_path, runs_dir, timeout, env_epochs):
    nb = nbformat.read(path, as_version=4)
    if env_epochs:
        os.environ["EEGKIT_RUNS"] = runs_dir
    else:  # full mode: the notebooks' own settings (runs in ../runs/lab, relative paths in the outputs)
        os.environ.pop("EEGKIT_RUNS", None)
    if env_epochs:
        os.environ["EEGKIT_EPOCHS"] = str(env_epochs)
    else:
        os.environ.pop("EEGKIT_EPOCHS", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="eegkit", resources={"metadata": {"path": NOTEBOOKS}})
    start = time.time()
    try:
        client.execute()
    except CellExecutionError as e:
        nbformat.write(nb, out_path)
        msg = str(e).strip().splitlines()
        raise SystemExit(f"FAIL {os.path.basename(path)}: a cell failed:\n" + "\n".join(msg[-25:]))
    if env_epochs is None:  # full mode: what is committed
        scrub_paths(nb)
    nbformat.write(nb, out_path)
    return nb, time.time() - start


def store_runs(runs_dir):
    """The run store's runs: {directory name: sha256 of its model.npz}."""
    import hashlib
    out = {}
    for d in sorted(glob.glob(os.path.join(runs_dir, "*", "run.json"))):
        d = os.path.dirname(d)
        with open(os.path.join(d, "model.npz"), "rb") as f:
            out[os.path.basename(d)] = hashlib.sha256(f.read()).hexdigest()
    return out


def workflow(out, runs_dir, timeout, epochs):
    """Tweak, re-run, report, as a person does after the five notebooks ran: 02 again with ELU's learning
    rate changed trains one new run and leaves the first unchanged; 04 then reports the new run and trains
    nothing."""
    before = store_runs(runs_dir)
    nb02 = os.path.join(NOTEBOOKS, "02-eegnet.ipynb")
    nb = nbformat.read(nb02, as_version=4)
    elu = '{Model: "eegnet", Activation: "elu", Batch: 12, LR: 5e-4,'
    hp = [c for c in nb.cells if c.cell_type == "code" and elu in c.source]
    if len(hp) != 1:
        print(f"FAIL workflow: 02's hyperparameter cell has no value {elu!r} to tweak")
        return False
    hp[0].source = hp[0].source.replace(elu, elu.replace("LR: 5e-4", "LR: 2e-3"))  # a number edited in place
    tweaked = os.path.join(out, "02-eegnet-tweaked.ipynb")
    nbformat.write(nb, tweaked)
    run(tweaked, tweaked, runs_dir, timeout, epochs)
    after = store_runs(runs_dir)
    new = sorted(set(after) - set(before))
    changed = [d for d in before if after.get(d) != before[d]]
    problems = []
    if len(new) != 1 or not new[0].startswith("eegnet-elu-b12-lr0.002-"):
        problems.append(f"the tweak made runs {new}, want one eegnet-elu-b12-lr0.002-… run")
    if changed:
        problems.append(f"the tweak changed or removed {changed}")
    nb04, _ = run(os.path.join(NOTEBOOKS, "04-report.ipynb"), os.path.join(out, "04-report-after-tweak.ipynb"), runs_dir, timeout, epochs)
    text = outputs_text(nb04)
    if "training " in text and "run(s)" in text:
        problems.append("04 trained runs although 02 and 03 had made all six")
    if "| EEGNet | ELU | 12 | 0.002 |" not in text:
        problems.append("04 does not report the tweaked ELU run (lr 0.002)")
    if store_runs(runs_dir).keys() != after.keys():
        problems.append("04 changed the store")
    print(("ok   workflow: 02 tweaked (ELU lr 2e-3) made 1 new run, kept the first unchanged; 04 reported it, trained nothing"
           if not problems else "FAIL workflow: " + "; ".join(problems)), flush=True)
    return not problems


def eegnet_with_long_elu_run(lr):
    """02 with its ELU run edited in place to learning rate lr (a string, "3e-3") and 30 epochs, so that there is
    time to interrupt it; None when 02's hyperparameter cell has no such value to edit."""
    nb = nbformat.read(os.path.join(NOTEBOOKS, "02-eegnet.ipynb"), as_version=4)
    elu = '{Model: "eegnet", Activation: "elu", Batch: 12, LR: 5e-4, WeightDecay: 0, Epochs: epochs,'
    hp = [c for c in nb.cells if c.cell_type == "code" and elu in c.source]
    if len(hp) != 1:
        print(f"FAIL: 02's hyperparameter cell has no value {elu!r} to edit")
        return None
    hp[0].source = hp[0].source.replace(elu, elu.replace("LR: 5e-4", "LR: " + lr).replace("Epochs: epochs", "Epochs: 30"))
    return nb


def interrupt_and_resume(out, runs_dir, timeout):
    """Kernel → Interrupt during 02's training cell keeps the finished epochs; running the cell again resumes
    from them and finishes the run (a tweaked ELU run of 30 epochs, so that there is time to interrupt it)."""
    import asyncio
    import json
    nb = eegnet_with_long_elu_run("3e-3")
    if nb is None:
        return False
    train = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "store.Train(" in c.source][0]
    pattern = os.path.join(runs_dir, "eegnet-elu-b12-lr0.003-e30-*")
    client = NotebookClient(nb, timeout=timeout, kernel_name="eegkit", resources={"metadata": {"path": NOTEBOOKS}})
    problems = []

    async def go():
        async with client.async_setup_kernel():
            for i, cell in enumerate(nb.cells[:train]):
                if cell.cell_type == "code":
                    await client.async_execute_cell(cell, i)
            task = asyncio.ensure_future(client.async_execute_cell(nb.cells[train], train))
            deadline = time.time() + timeout
            while time.time() < deadline and not task.done():  # interrupt once 3 epochs are checkpointed
                dirs = glob.glob(pattern)
                if dirs and os.path.exists(os.path.join(dirs[0], "checkpoint.gob")) and progress_epoch(nb.cells[train]) >= 3:
                    await client.km.interrupt_kernel()
                    break
                await asyncio.sleep(0.2)
            try:
                await task
                problems.append("the training cell finished before it was interrupted")
            except CellExecutionError:
                pass
            first = outputs_text(nbformat.v4.new_notebook(cells=[nb.cells[train]]))
            if "interrupted: the finished epochs are saved" not in first:
                problems.append("the interrupted cell does not say that its finished epochs are saved")
            dirs = glob.glob(pattern)
            if not dirs or not os.path.exists(os.path.join(dirs[0], "checkpoint.gob")):
                problems.append("no checkpoint was left by the interrupted run")
            nb.cells[train].outputs = []
            await client.async_execute_cell(nb.cells[train], train)  # the same cell again
            return dirs

    dirs = asyncio.run(go())
    nbformat.write(nb, os.path.join(out, "02-eegnet-interrupted.ipynb"))
    if dirs:
        run = json.load(open(os.path.join(dirs[0], "run.json")))
        if not run.get("complete") or len(run["history"]) != 30 or not run.get("resumed"):
            problems.append(f"after the rerun the run has complete={run.get('complete')}, {len(run['history'])} epochs, resumed={run.get('resumed')}; want a complete 30-epoch run resumed once")
        elif "resumed after epoch" not in outputs_text(nbformat.v4.new_notebook(cells=[nb.cells[train]])):
            problems.append("the rerun does not say it resumed")
        else:
            resumed = run["resumed"]
    print((f"ok   interrupt: Kernel → Interrupt during 02's training kept {resumed[0]} epochs; the same cell run again resumed and finished 30"
           if not problems else "FAIL interrupt: " + "; ".join(problems)), flush=True)
    return not problems


def run_all_interrupted(out, runs_dir, timeout):
    """Run All on 02 (its ELU run made 30 epochs long), then Kernel → Interrupt during the training cell, as
    JupyterLab does it: every cell is queued in the kernel at once, so the cells after the interrupted one
    still run. The interrupted cell says its finished epochs are saved; each queued cell that needs the runs
    says, once and in a notebook's terms, to run the training cell first, with no command line and no trace."""
    import asyncio
    import queue
    import re
    nb = eegnet_with_long_elu_run("4e-3")
    if nb is None:
        return False
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    train = [i for i in code if "store.Train(" in nb.cells[i].source][0]
    client = NotebookClient(nb, timeout=timeout, kernel_name="eegkit", resources={"metadata": {"path": NOTEBOOKS}})
    texts = {i: "" for i in code}
    status = {}

    async def go():
        async with client.async_setup_kernel():
            kc = client.kc
            ids = {kc.execute(nb.cells[i].source, stop_on_error=True): i for i in code}  # Run All: all queued at once
            interrupted, deadline = False, time.time() + timeout
            while len(status) < len(ids) and time.time() < deadline:
                try:
                    msg = await kc.get_iopub_msg(timeout=0.2)
                    i = ids.get(msg["parent_header"].get("msg_id"))
                    c = msg["content"]
                    if i is not None:
                        texts[i] += c.get("text", "") + "".join(str(v) for v in c.get("data", {}).values()) + \
                            (c.get("ename", "") + ": " + c.get("evalue", "") + "\n" if msg["msg_type"] == "error" else "")
                except queue.Empty:
                    pass
                try:
                    while True:
                        reply = await kc.get_shell_msg(timeout=0.01)
                        i = ids.get(reply["parent_header"].get("msg_id"))
                        if i is not None:
                            status[i] = reply["content"]["status"]
                except queue.Empty:
                    pass
                found = re.findall(r"epoch (\d+)/30", texts[train])
                if not interrupted and found and int(found[-1]) >= 3:
                    await client.km.interrupt_kernel()
                    interrupted = True
            return interrupted

    interrupted = asyncio.run(go())
    problems = []
    if not interrupted:
        problems.append("the training cell was never interrupted")
    if "interrupted: the finished epochs are saved" not in texts[train]:
        problems.append("the interrupted cell does not say that its finished epochs are saved")
    after = [i for i in code if i > train]
    needing = [i for i in after if "Runs(" in nb.cells[i].source or "Load(" in nb.cells[i].source]
    if not needing:
        problems.append("no cell after the training cell loads the runs")
    for i in needing:
        t = texts[i]
        if t.count("run the training cell above first") != 1:
            problems.append(f"cell {i} says {t.count('run the training cell above first')} times to run the training cell first: {t[-300:]!r}")
        for bad in ("eegkit train", "--out", "panic:", "goroutine "):
            if bad in t:
                problems.append(f"cell {i} shows {bad!r}")
    with open(os.path.join(out, "02-eegnet-run-all-interrupted.txt"), "w") as f:
        for i in code:
            f.write(f"--- cell {i} ({status.get(i)})\n{texts[i]}\n")
    print((f"ok   run all: interrupted during 02's training; the {len(needing)} queued cells that need the runs each say once to run the training cell first"
           if not problems else "FAIL run all: " + "; ".join(problems)), flush=True)
    return not problems


def snippets(out, runs_dir, timeout, epochs):
    """Every Go code block of README.md and docs/*.md runs as written in a notebook cell: a fresh notebook
    of notebooks/ whose first cell is the one every notebook starts with, in quick mode."""
    import re
    first = nbformat.read(os.path.join(NOTEBOOKS, "01-data.ipynb"), as_version=4)
    setup = next(c.source for c in first.cells if c.cell_type == "code")
    docs = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    problems, ran = [], 0
    for doc in docs:
        name = os.path.relpath(doc, ROOT)
        for i, block in enumerate(re.findall(r"^```go\n(.*?)^```", open(doc).read(), re.S | re.M)):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(block)],
                                          metadata=first.metadata)
            path = os.path.join(out, f"snippet-{os.path.basename(doc)[:-3]}-{i + 1}.ipynb")
            nbformat.write(nb, path)
            try:
                run(path, path, runs_dir, timeout, epochs)
                ran += 1
            except SystemExit as e:
                problems.append(f"{name}'s Go block {i + 1}: {e}")
    if not ran and not problems:
        problems.append("no Go code block found in README.md or docs/")
    print((f"ok   snippets: the {ran} Go code blocks of README.md and docs/ ran as written in notebook cells"
           if not problems else "FAIL snippets: " + "; ".join(problems)), flush=True)
    return not problems


def progress_epoch(cell):
    """The epoch that a training cell's progress bar shows ("epoch 21/30"), 0 before the first."""
    import re
    found = re.findall(r"epoch (\d+)/30", outputs_text(nbformat.v4.new_notebook(cells=[cell])))
    return int(found[-1]) if found else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2, help="EEGKIT_EPOCHS in quick mode")
    ap.add_argument("--out", help="where executed copies go in quick mode (default: a temporary directory)")
    ap.add_argument("--runs", help="EEGKIT_RUNS in quick mode (default: OUT/runs); full mode uses the notebooks' runs/lab")
    ap.add_argument("--full", action="store_true", help="run in place with the lab's settings and keep the outputs")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    ap.add_argument("names", nargs="*", help="notebooks to run (default: all), e.g. 01-data")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(NOTEBOOKS, "[0-9][0-9]-*.ipynb")))
    if args.names:
        paths = [p for p in paths if os.path.basename(p)[:-6] in args.names or os.path.basename(p)[:2] in args.names]
    if not paths:
        raise SystemExit("no notebooks selected")
    out = os.path.abspath(args.out or tempfile.mkdtemp(prefix="eegkit-notebooks-"))
    os.makedirs(out, exist_ok=True)
    runs = os.path.join(ROOT, "runs", "lab") if args.full else os.path.abspath(args.runs or os.path.join(out, "runs"))
    if not args.full and not args.runs:
        shutil.rmtree(runs, ignore_errors=True)  # a fresh store: what the notebooks train is what is checked
    failures, results = 0, []
    if not check_kernel():
        raise SystemExit("the notebooks would run another checkout's kernel: run scripts/setup.sh --jupyter")
    results.append(("kernel", 0, True))
    for p in paths:
        name = os.path.basename(p)[:-6]
        target = p if args.full else os.path.join(out, name + ".ipynb")
        nb, secs = run(p, target, runs, args.timeout, None if args.full else args.epochs)
        files, texts = EXPECT.get(name, ([], []))
        text = outputs_text(nb)
        store = os.path.dirname(runs) if args.full and name == "07-benchmark" else runs  # in place, 07 writes runs/benchmark beside runs/lab
        missing = [f for f in files if not glob.glob(os.path.join(store, f))]
        absent = [t for t in texts if t not in text] + figure_problems(nb) + [
            f"a line of {len(l)} characters (wrapped mid-word): {l[:60]}…" for l in long_lines(nb)]
        ok = not missing and not absent
        failures += not ok
        results.append((name, secs, ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {secs:.1f} s" + (f"; missing files {missing}" if missing else "") +
              (f"; outputs lack {absent}" if absent else ""), flush=True)
    if not args.full and not args.names:
        ok = workflow(out, runs, args.timeout, args.epochs)
        failures += not ok
        results.append(("workflow", 0, ok))
        ok = interrupt_and_resume(out, runs, args.timeout)
        failures += not ok
        results.append(("interrupt", 0, ok))
        ok = run_all_interrupted(out, runs, args.timeout)
        failures += not ok
        results.append(("run all", 0, ok))
        ok = snippets(out, runs, args.timeout, args.epochs)
        failures += not ok
        results.append(("snippets", 0, ok))
    print(f"{len(results) - failures} passed, {failures} failed")
    if not args.out and not failures and not args.full:
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
