#!/usr/bin/env bash
# The honest-protocol experiments: the lab's six presets × 3 seeds under the
# lab protocol (fixed epochs, final-epoch test accuracy) and under the
# validation protocol (20 % stratified hold-out, best validation-loss epoch,
# early stopping), each with the classical baselines, then the same presets on
# PhysioNet EEGMMIDB subject S001's real EEG. Results (sweep.csv, results.md,
# heat maps, models) go to runs/experiments/. Interrupted sweeps resume.
#   scripts/experiments.sh [--epochs 60] [--patience 15] [--seeds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
epochs=60 patience=15 seeds=3
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs=$2; shift 2 ;;
	--patience) patience=$2; shift 2 ;;
	--seeds) seeds=$2; shift 2 ;;
	*) echo "experiments: unknown option $1" >&2; exit 2 ;;
	esac
done
grid=(--model eegnet,deepconvnet --act relu,leakyrelu,elu --seeds "$seeds" --baseline)
out=runs/experiments
bin/eegkit sweep "${grid[@]}" --epochs "$epochs" --data data --out "$out/lab-protocol"
bin/eegkit sweep "${grid[@]}" --epochs "$epochs" --val 0.2 --select val_loss --patience "$patience" \
	--data data --out "$out/validation-protocol"
bin/eegkit sweep "${grid[@]}" --epochs 300 --workers 1 --data data/eegmmidb --out "$out/eegmmidb-s001"
