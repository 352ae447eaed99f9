#!/usr/bin/env bash
# Installs the Python packages the check scripts use (onnx, onnxruntime,
# mlflow; pinned in scripts/requirements-check.txt) into .venv when they
# are missing or the pins changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements-check
if [ ! -f "$stamp" ] || ! cmp -s scripts/requirements-check.txt "$stamp"; then
	[ -x .venv/bin/pip ] || "${PYTHON:-python3}" -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-check.txt
	cp scripts/requirements-check.txt "$stamp"
	echo "check venv: installed $(tr '\n' ' ' <scripts/requirements-check.txt)in .venv"
fi
