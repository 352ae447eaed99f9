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
#   scripts/bench.sh [--epochs 3] [--repeat 2] [--batch 64,12] [--act elu] [--trials 1080]
#                    [--model eegnet,deepconvnet,shallowfbcspnet,eegnetv4,deep4net,…] [--torch PYTHON]…
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
. scripts/env.sh
epochs=3 repeat=2 batches=64,12 act=elu trials=1080 models=eegnet,deepconvnet,shallowfbcspnet,eegnetv4
pythons=()
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs=$2; shift 2 ;;
	--batch) batches=$2; shift 2 ;;
	--act) act=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--model) models=$2; shift 2 ;;
	--torch) pythons+=("$2"); shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
for v in "$repeat" "$epochs" "$trials"; do
	if ! [[ "$v" =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: --repeat, --epochs and --trials must be positive integers, got '$v'" >&2
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
	case "$model" in eegnet | deepconvnet | eegnetv4) ;; *) a= ;; esac # the other zoo models run their own nonlinearity, as braindecode's
	for batch in ${batches//,/ }; do
		for _ in $(seq "$repeat"); do
			for py in "${pythons[@]}"; do
				case "$model" in eegnet | deepconvnet) ;; *) "$py" -c "import braindecode" 2>/dev/null || continue ;; esac
				line=$("$py" scripts/torch_bench.py --model "$model" --act "${a:-elu}" --batch "$batch" --epochs "$epochs" --trials "$trials" --threads 2)
				echo "$line"
				lines+=("$line")
			done
			line=$(bin/eegkit bench --model "$model" --act "$a" --batch "$batch" --epochs "$epochs" --trials "$trials")
			echo "$line"
			lines+=("$line")
		done
	done
done
printf '%s\n' "${lines[@]}" | /usr/bin/python3 scripts/bench_table.py
