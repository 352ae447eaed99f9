#!/usr/bin/env python3
"""The Markdown table of a benchmark: reads the JSON lines of `eegkit bench`
and scripts/torch_bench.py on standard input (other lines are skipped) and
prints, per model and batch, the median of each framework's times and
eegkit's time over the fastest PyTorch's (lower is better). On the CPUs it
adds eegkit's arithmetic rate next to the machine's peak; runs on a GPU
(torch_bench.py --device cuda; eegkit on XLA's CUDA plugin, --gpu) have no
such column. Used by scripts/bench.sh and scripts/gpu_check.sh.

  printf '%s\n' "${lines[@]}" | python3 scripts/bench_table.py [--gpu]
"""
import json
import statistics
import sys


def main():
    gpu = "--gpu" in sys.argv[1:]
    runs = []
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("{"):
            runs.append(json.loads(line))
    if not runs:
        sys.exit("bench_table: no benchmark lines on standard input")
    keys = lambda r: (r["model"], r["batch"])
    order, torches = [], []
    for r in runs:
        if keys(r) not in order:
            order.append(keys(r))
        fw = r.get("framework", "").replace(" braindecode", "")
        if fw and fw not in torches:
            torches.append(fw)

    def med(rs, k):
        return statistics.median(r[k] for r in rs) if rs else None

    def fmt(v, unit):
        if v is None:
            return "–"
        if unit == "s":
            return f"{v:.4f} s" if v < 0.1 else f"{v:.3f} s"
        return f"{v:.2f} ms"

    cols = [("train_epoch_s", "train epoch", "s"), ("eval_s", "eval", "s"), ("latency_ms", "latency", "ms")]
    head = "| model | batch |"
    for _, name, _ in cols:
        head += "".join(f" {name}, {t} |" for t in torches) + f" {name}, eegkit | ÷ best |"
    if not gpu:
        head += " eegkit GFLOP/s (train) |"
    print("\n" + head)
    print("|" + "---|" * (head.count("|") - 1))
    rounds = 0
    for model, batch in order:
        rs = [r for r in runs if keys(r) == (model, batch)]
        ours = [r for r in rs if "backend" in r]
        rounds = max(rounds, len(ours))
        row = f"| {model} | {batch} |"
        for k, _, unit in cols:
            best = None
            for t in torches:
                v = med([r for r in rs if r.get("framework", "").replace(" braindecode", "") == t], k)
                row += f" {fmt(v, unit)} |"
                if v is not None:
                    best = v if best is None else min(best, v)
            o = med(ours, k)
            row += f" {fmt(o, unit)} | {'–' if best is None or o is None else f'{o / best:.2f}'} |"
        if not gpu:
            if ours:
                peak, rate = ours[0]["peak_gflops"], med(ours, "train_gflops")
                row += f" {rate:.0f} of {peak:.0f} ({100 * rate / peak:.0f} %) |"
            else:
                row += " – |"
        print(row)
    print(f"\nmedians of {rounds} interleaved round(s); ÷ best is eegkit's time over the fastest PyTorch's (lower is better)")


if __name__ == "__main__":
    main()
