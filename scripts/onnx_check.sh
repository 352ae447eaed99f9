#!/usr/bin/env bash
# Checks eegkit's ONNX export in onnxruntime: exports every parity-fixture
# model (the lab's six, ShallowFBCSPNet, EEGNet-v4 and the general layer
# cases, with the fixtures' weights) and runs each in onnxruntime on the
# fixture's trials; the logits must be within 1e-5 of eegkit's
# (scripts/onnx_check.py). onnx and onnxruntime come from PyPI into .venv,
# pinned in scripts/requirements-check.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/check_venv.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go run ./eegkit/onnx/internal/onnxcheck -out "$out" >/dev/null
.venv/bin/python scripts/onnx_check.py "$out"
