#!/usr/bin/env bash
# eegkit against every PyTorch at hand on this machine: the same workload
# (scripts/torch_bench.py and `eegkit bench`: a training epoch over 1080
# trials, evaluation of 1080 trials, single-trial latency), for every model
# at batch 64 and 12, in --repeat interleaved rounds (this machine's speed
# moves by 10–30 % between runs, so rounds alternate the frameworks). It
# prints every JSON line, then a Markdown table of the medians with each
# eegkit time's ratio to the best PyTorch (lower is better), and eegkit's
# arithmetic rate next to the machine's peak.
#
# PyTorch: Debian's (apt-get install python3-torch, for /usr/bin/python3)
# when it is installed, and every --torch PYTHON (e.g. a virtual environment
# with torch 2 and braindecode: python3 -m venv V && V/bin/pip install
# torch==2.15.0 braindecode==1.8.1). The zoo's models (shallowfbcspnet,
# eegnetv4) are braindecode's modules, so only a Python with braindecode
# runs them.
#   scripts/bench.sh [--epochs 3] [--repeat 2] [--batch 64,12] [--act elu]
#                    [--model eegnet,deepconvnet,shallowfbcspnet,eegnetv4] [--torch PYTHON]…
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
epochs=3 repeat=2 batches=64,12 act=elu models=eegnet,deepconvnet,shallowfbcspnet,eegnetv4
pythons=()
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs=$2; shift 2 ;;
	--batch) batches=$2; shift 2 ;;
	--act) act=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--model) models=$2; shift 2 ;;
	--torch) pythons+=("$2"); shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
for v in "$repeat" "$epochs"; do
	if ! [[ "$v" =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: --repeat and --epochs must be positive integers, got '$v'" >&2
		exit 2
	fi
done
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
	pythons=(/usr/bin/python3 "${pythons[@]}")
fi
for py in "${pythons[@]}"; do
	if ! "$py" -c "import torch" 2>/dev/null; then
		echo "bench: --torch $py has no torch; install it there (pip install torch==2.15.0 braindecode==1.8.1)" >&2
		exit 1
	fi
done
if [ ${#pythons[@]} = 0 ]; then
	echo "bench: no PyTorch: apt-get install python3-torch (for /usr/bin/python3), or pass --torch V/bin/python" >&2
	exit 1
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') at $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') MHz, $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "eegkit $(bin/eegkit --version | cut -d' ' -f2-) GOEXPERIMENT=$GOEXPERIMENT backend ${GOMLX_BACKEND:-go}"
for py in "${pythons[@]}"; do
	echo "pytorch: $py: $("$py" -c 'import torch; b = torch.backends; print("torch", torch.__version__, "MKL" if b.mkl.is_available() else "no MKL", "oneDNN" if b.mkldnn.is_available() else "no oneDNN")' 2>/dev/null), 2 threads"
done
lines=()
for model in ${models//,/ }; do
	a=$act
	if [ "$model" = shallowfbcspnet ]; then a=; fi # its nonlinearity is fixed
	for batch in ${batches//,/ }; do
		for _ in $(seq "$repeat"); do
			for py in "${pythons[@]}"; do
				case "$model" in shallowfbcspnet | eegnetv4) "$py" -c "import braindecode" 2>/dev/null || continue ;; esac
				line=$("$py" scripts/torch_bench.py --model "$model" --act "${a:-elu}" --batch "$batch" --epochs "$epochs" --threads 2)
				echo "$line"
				lines+=("$line")
			done
			line=$(bin/eegkit bench --model "$model" --act "$a" --batch "$batch" --epochs "$epochs")
			echo "$line"
			lines+=("$line")
		done
	done
done
/usr/bin/python3 - "${lines[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[1:]]
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
    return "–" if v is None else (f"{v:.3f} s" if unit == "s" else f"{v:.2f} ms")
cols = [("train_epoch_s", "train epoch", "s"), ("eval_s", "eval", "s"), ("latency_ms", "latency", "ms")]
head = "| model | batch |"
for _, name, _ in cols:
    head += "".join(f" {name}, {t} |" for t in torches) + f" {name}, eegkit | ÷ best |"
print("\n" + head + " eegkit GFLOP/s (train) |")
print("|" + "---|" * (head.count("|") - 1 + 1))
for model, batch in order:
    rs = [r for r in runs if keys(r) == (model, batch)]
    ours = [r for r in rs if "backend" in r]
    row = f"| {model} | {batch} |"
    for k, _, unit in cols:
        best = None
        for t in torches:
            v = med([r for r in rs if r.get("framework", "").replace(" braindecode", "") == t], k)
            row += f" {fmt(v, unit)} |"
            if v is not None:
                best = v if best is None else min(best, v)
        o = med(ours, k)
        row += f" {fmt(o, unit)} | {'–' if best is None else f'{o / best:.2f}'} |"
    peak = ours[0]["peak_gflops"]
    row += f" {med(ours, 'train_gflops'):.0f} of {peak:.0f} ({100 * med(ours, 'train_gflops') / peak:.0f} %) |"
    print(row)
print(f"\nmedians of {len(ours)} interleaved rounds; ÷ best is eegkit's time over the fastest PyTorch's (lower is better)")
PY
