#!/usr/bin/env bash
# The main job: set up, then reproduce the lab on data/ (the genuine files if
# you put them there, else the synthetic default): six runs of 300 epochs,
# Table 1 and Figures 9 and 10 in runs/lab/. Extra flags go to `eegkit lab`,
# e.g. scripts/lab.sh --epochs 20. Finished runs are reused when run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec bin/eegkit lab --data data --out runs/lab "$@"
