#!/usr/bin/env bash
# The GPU check in one command, for a machine with an NVIDIA GPU, a jax CUDA
# PJRT plugin (PyPI jax-cuda13-pjrt or jax-cuda12-pjrt) and eegkit's two
# prebuilt binaries; it needs no Go toolchain there. It runs, on XLA through
# that plugin:
#   1. the parity tests against the committed PyTorch and braindecode
#      fixtures (eval logits, gradients, one Adam step, running statistics),
#      and the determinism and resume tests;
#   2. the lab (six runs) and the zoo's models for --train-epochs epochs each,
#      with the time per epoch and the whole lab's time at 300 epochs
#      estimated from it;
#   3. `eegkit bench` for every model at batch 64 and 12, next to
#      scripts/torch_bench.py --device cuda where a PyTorch with CUDA is
#      installed (braindecode's models where braindecode is), and the table
#      of ratios (scripts/bench_table.py).
# It exits non-zero if a parity test fails.
#
#   scripts/gpu_check.sh [--plugin PATH] [--bin bin/eegkit-xla] [--tests bin/train-xla.test]
#                        [--python python3] [--epochs 3] [--train-epochs 5] [--batch 64,12]
#                        [--model eegnet,deepconvnet,shallowfbcspnet,eegnetv4] [--run REGEXP] [--lab]
#
# --plugin is the PJRT plugin's .so; by default the CUDA plugin of the jax in
# --python (jax_plugins/xla_cuda*/xla_cuda_plugin.so), else a
# pjrt_c_api_cuda_plugin.so on $PJRT_PLUGIN_LIBRARY_PATH. The binaries are
# built by `scripts/setup.sh --xla` on a machine with Go (copy bin/ across);
# where they are missing and Go is there, this script builds them. --run
# narrows the tests; --lab also trains the whole lab at 300 epochs and times
# it. With --plugin pointing at XLA's CPU plugin it runs end to end on the
# CPUs (the test command does that, with small numbers).
set -uo pipefail
cd "$(dirname "$0")/.."
plugin="" bin=bin/eegkit-xla tests=bin/train-xla.test py=python3
epochs=3 train_epochs=5 batches=64,12 models=eegnet,deepconvnet,shallowfbcspnet,eegnetv4 lab=0
run='^(TestParityWithPyTorch|TestParityBatchOfOne|TestParityInOnePart|TestZooParityWithBraindecode|TestTrainingIsDeterministic|TestFitResumesToTheSameWeights)$'
while [ $# -gt 0 ]; do
	case "$1" in
	--plugin) plugin=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--python) py=$2; shift 2 ;;
	--epochs) epochs=$2; shift 2 ;;
	--train-epochs) train_epochs=$2; shift 2 ;;
	--batch) batches=$2; shift 2 ;;
	--model) models=$2; shift 2 ;;
	--run) run=$2; shift 2 ;;
	--lab) lab=1; shift ;;
	*) echo "gpu_check: unknown option $1 (see the comment at the top of scripts/gpu_check.sh)" >&2; exit 2 ;;
	esac
done
for v in "$epochs" "$train_epochs"; do
	if ! [[ "$v" =~ ^[1-9][0-9]*$ ]]; then
		echo "gpu_check: --epochs and --train-epochs must be positive integers, got '$v'" >&2
		exit 2
	fi
done
have_py=0 pyx=python3 # pyx: a Python for this script's own tables
command -v "$py" >/dev/null 2>&1 && have_py=1 pyx=$py

if [ -z "$plugin" ] && [ "$have_py" = 1 ]; then
	plugin=$("$py" - <<'PY' 2>/dev/null
import glob, os, site, sys
dirs = [p for p in sys.path if p.endswith("-packages")] + site.getsitepackages()
for d in dirs:
    for so in sorted(glob.glob(os.path.join(d, "jax_plugins", "xla_cuda*", "xla_cuda_plugin.so")), reverse=True):
        print(so)
        sys.exit()
PY
)
fi
if [ -z "$plugin" ]; then
	IFS=: read -ra dirs <<<"${PJRT_PLUGIN_LIBRARY_PATH:-}"
	for d in "${dirs[@]}" "$HOME/.local/lib/go-xla" /usr/local/lib/go-xla; do
		if [ -n "$d" ] && [ -f "$d/pjrt_c_api_cuda_plugin.so" ]; then plugin=$d/pjrt_c_api_cuda_plugin.so; break; fi
	done
fi
if [ -z "$plugin" ] || [ ! -f "$plugin" ]; then
	echo "gpu_check: no CUDA PJRT plugin found${plugin:+ at $plugin}: pip install jax-cuda13-pjrt (or jax-cuda12-pjrt) for $py, or give --plugin PATH/xla_cuda_plugin.so" >&2
	exit 1
fi
plugin=$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")
if [ ! -x "$bin" ] || [ ! -x "$tests" ]; then
	if command -v go >/dev/null 2>&1; then
		scripts/setup.sh --xla >/dev/null || exit 1
		bin=bin/eegkit-xla tests=bin/train-xla.test
	else
		echo "gpu_check: $bin or $tests is missing and there is no Go here: run scripts/setup.sh --xla on a machine with Go and copy its bin/ here (or pass --bin and --tests)" >&2
		exit 1
	fi
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tests=$(cd "$(dirname "$tests")" && pwd)/$(basename "$tests")
export GOMLX_BACKEND="xla:$plugin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "gpu_check: $(date -u +%Y-%m-%dT%H:%MZ), GOMLX_BACKEND=$GOMLX_BACKEND"
if command -v nvidia-smi >/dev/null 2>&1; then
	nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu_check: GPU: /'
fi
echo "gpu_check: $("$bin" --version), $(nproc) CPU cores"
torch=0
if [ "$have_py" = 1 ] && "$py" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
	torch=1
	echo "gpu_check: PyTorch: $("$py" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)')"
elif grep -qi cuda <<<"$plugin"; then
	echo "gpu_check: no PyTorch with CUDA in $py: eegkit's times only"
fi

echo
echo "== 1. parity and determinism on this backend (eegkit/train's tests)"
t0=$(now)
(cd eegkit/train && "$tests" -test.run "$run" -test.v -test.count=1 >"$tmp/parity.log" 2>&1)
parity=$?
grep -E '^(--- |ok|PASS|FAIL)|max abs diff|grad .*Adam step' "$tmp/parity.log" | sed 's/^    //'
[ "$parity" = 0 ] || { echo "gpu_check: a parity test FAILED; the log:"; tail -40 "$tmp/parity.log"; }
echo "parity: $(since "$t0") s"

echo
echo "== 2. training: the lab's six runs and the zoo's models asked for, $train_epochs epoch(s) each (the synthetic data)"
"$bin" gen-data --out "$tmp/data" --seed 1 >/dev/null || exit 1
t0=$(now)
"$bin" lab --epochs "$train_epochs" --data "$tmp/data" --out "$tmp/lab" >"$tmp/lab.log" 2>&1 || { tail -20 "$tmp/lab.log"; exit 1; }
echo "lab, $train_epochs epochs: $(since "$t0") s"
for m in shallowfbcspnet eegnetv4; do
	case ",$models," in *",$m,"*) ;; *) continue ;; esac
	"$bin" train --model "$m" --epochs "$train_epochs" --data "$tmp/data" --out "$tmp/lab/$m" >"$tmp/$m.log" 2>&1 || { tail -20 "$tmp/$m.log"; exit 1; }
done
"$pyx" - "$tmp/lab" <<'PY'
import glob, json, os, statistics, sys
rows, lab = [], 0.0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "run.json"))):
    r = json.load(open(f))
    c, h = r["config"], r["history"]
    secs = [e["seconds"] for e in h]
    steady = statistics.median(secs[1:]) if len(secs) > 1 else None  # epoch 1 compiles the graphs
    name = c["model"] + ("/" + c["activation"] if c.get("activation") else "")
    if lab is not None and os.path.basename(os.path.dirname(f)) not in ("shallowfbcspnet", "eegnetv4"):
        lab = None if steady is None else lab + 300 * steady
    rest = "–" if steady is None else f"{steady:.3f} s"
    rows.append(f"| {name} | {c['batch']} | {secs[0]:.2f} s | {rest} | {h[-1]['train_acc']:.3f} | {h[-1]['test_acc']:.3f} |")
print("| run | batch | epoch 1 (compiles) | epoch (median of the rest) | train acc | test acc |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))
if lab is None:
    print("\nthe whole lab at 300 epochs: not estimated (it takes --train-epochs 2 or more)")
else:
    print(f"\nthe whole lab at 300 epochs (six runs, test evaluation every epoch), estimated: {lab:.0f} s")
PY
if [ "$lab" = 1 ]; then
	t0=$(now)
	"$bin" lab --epochs 300 --data "$tmp/data" --out "$tmp/lab300" >"$tmp/lab300.log" 2>&1 || { tail -20 "$tmp/lab300.log"; exit 1; }
	echo "the whole lab at 300 epochs, measured: $(since "$t0") s"
	cat "$tmp/lab300/table1.md"
fi

echo
echo "== 3. speed: eegkit bench next to PyTorch on the same device ($epochs epoch(s), warm-up excluded)"
lines=()
for model in ${models//,/ }; do
	for batch in ${batches//,/ }; do
		if [ "$torch" = 1 ]; then
			run_torch=1
			case "$model" in shallowfbcspnet | eegnetv4) "$py" -c "import braindecode" 2>/dev/null || run_torch=0 ;; esac
			if [ "$run_torch" = 1 ]; then
				line=$("$py" scripts/torch_bench.py --device cuda --model "$model" --batch "$batch" --epochs "$epochs" --latency-runs 100 2>/dev/null | tail -1)
				echo "$line"
				lines+=("$line")
			fi
		fi
		act=elu
		[ "$model" = shallowfbcspnet ] && act=
		line=$("$bin" bench --model "$model" --act "$act" --batch "$batch" --epochs "$epochs" --latency-runs 100 2>"$tmp/bench.err" | tail -1)
		[ -n "$line" ] || { cat "$tmp/bench.err"; exit 1; }
		echo "$line"
		lines+=("$line")
	done
done
gpu=
grep -qi cuda <<<"$plugin" && gpu=--gpu
printf '%s\n' "${lines[@]}" | "$pyx" scripts/bench_table.py $gpu
exit "$parity"
