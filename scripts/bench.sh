#!/usr/bin/env bash
# eegkit vs PyTorch on this machine: the same workload (scripts/torch_bench.py and
# `eegkit bench`), back to back, for both models; prints every JSON line and the
# ratios eegkit ÷ PyTorch (lower is better) of the medians over --repeat
# interleaved rounds (each framework's time moves by ±10 % between runs here).
# PyTorch comes from Debian (apt-get install python3-torch, for /usr/bin/python3), or
# from --torch PYTHON (a virtual environment with torch and braindecode, which the
# zoo's models, shallowfbcspnet and eegnetv4, need: they are braindecode's modules).
#   scripts/bench.sh [--epochs 3] [--batch 64] [--act elu] [--repeat 3] [--model eegnet,deepconvnet] [--torch PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
epochs=3 batch=64 act=elu repeat=3 models=eegnet,deepconvnet py=/usr/bin/python3
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	--act) act=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--model) models=$2; shift 2 ;;
	--torch) py=$2; shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
if ! [[ "$repeat" =~ ^[1-9][0-9]*$ ]]; then
	echo "bench: --repeat must be a positive integer, got '$repeat'" >&2
	exit 2
fi
if ! "$py" -c "import torch" 2>/dev/null; then
	echo "bench: PyTorch is missing for $py; install it with: apt-get install python3-torch, or pass --torch V/bin/python" >&2
	exit 1
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "eegkit: $(go version | cut -d' ' -f3) GOEXPERIMENT=$GOEXPERIMENT backend ${GOMLX_BACKEND:-go}; pytorch: $("$py" -c 'import torch; print(torch.__version__)') with 2 threads"
for model in ${models//,/ }; do
	lines=()
	for _ in $(seq "$repeat"); do
		a=$act
		if [ "$model" = shallowfbcspnet ]; then a=; fi # its nonlinearity is fixed
		torch=$("$py" scripts/torch_bench.py --model "$model" --act "${a:-elu}" --batch "$batch" --epochs "$epochs" --threads 2)
		ours=$(bin/eegkit bench --model "$model" --act "$a" --batch "$batch" --epochs "$epochs")
		echo "pytorch $torch"
		echo "eegkit  $ours"
		lines+=("$torch" "$ours")
	done
	/usr/bin/python3 - "${lines[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[1:]]
t, o = runs[0::2], runs[1::2]
med = lambda rs, k: statistics.median(r[k] for r in rs)
r = lambda k: med(o, k) / med(t, k)
print(f"ratio   {o[0]['model']}: train epoch {r('train_epoch_s'):.2f}, eval {r('eval_s'):.2f}, latency {r('latency_ms'):.2f}; "
      f"peak memory {med(o, 'peak_rss_mb'):.0f} MB (PyTorch {med(t, 'peak_rss_mb'):.0f} MB)"
      f"  [medians of {len(o)}: eegkit {med(o, 'train_epoch_s'):.3f} s vs PyTorch {med(t, 'train_epoch_s'):.3f} s per epoch]")
PY
done
