#!/usr/bin/env bash
# eegkit vs PyTorch on this machine: the same workload (scripts/torch_bench.py and
# `eegkit bench`), back to back, for both models; prints both JSON lines and the
# ratios eegkit ÷ PyTorch (lower is better). PyTorch comes from Debian
# (apt-get install python3-torch, for /usr/bin/python3).
#   scripts/bench.sh [--epochs 3] [--batch 64] [--act elu]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
epochs=3 batch=64 act=elu
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	--act) act=$2; shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
	echo "bench: PyTorch is missing; install it with: apt-get install python3-torch" >&2
	exit 1
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "eegkit: $(go version | cut -d' ' -f3) GOEXPERIMENT=$GOEXPERIMENT backend ${GOMLX_BACKEND:-go}; pytorch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') with 2 threads"
for model in eegnet deepconvnet; do
	torch=$(/usr/bin/python3 scripts/torch_bench.py --model "$model" --act "$act" --batch "$batch" --epochs "$epochs" --threads 2)
	ours=$(bin/eegkit bench --model "$model" --act "$act" --batch "$batch" --epochs "$epochs")
	echo "pytorch $torch"
	echo "eegkit  $ours"
	/usr/bin/python3 - "$torch" "$ours" <<'PY'
import json, sys
t, o = json.loads(sys.argv[1]), json.loads(sys.argv[2])
r = lambda k: o[k] / t[k]
print(f"ratio   {o['model']}: train epoch {r('train_epoch_s'):.2f}, eval {r('eval_s'):.2f}, latency {r('latency_ms'):.2f}; "
      f"peak memory {o['peak_rss_mb']:.0f} MB (PyTorch {t['peak_rss_mb']:.0f} MB)")
PY
done
