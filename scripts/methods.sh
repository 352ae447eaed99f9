#!/usr/bin/env bash
# Deep models with and without augmentation against the classical and Riemannian baselines, under the
# validation protocol with 3 seeds, on the synthetic data and on EEGMMIDB S001 (docs/experiments.md's "Beyond the
# lab's accuracy" tables): runs/methods/{synthetic,eegmmidb-s001}/results.md. About 18 minutes here.
# Resumable: a rerun reuses the finished points.
#   scripts/methods.sh [--epochs 100]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
epochs=100
if [ "${1:-}" = --epochs ]; then epochs=$2; fi
aug="none;ftsurrogate:0.5;smoothtimemask:0.5s:0.5;mirror:0.5"
for d in "data/eegmmidb eegmmidb-s001" "data synthetic"; do
	set -- $d
	bin/eegkit sweep --model eegnet,eegnetv4,shallowfbcspnet --epochs "$epochs" --val 0.2 --select val_loss --patience 20 \
		--seeds 3 --augment "$aug" --baseline --data "$1" --out "runs/methods/$2"
done
