#!/usr/bin/env bash
# Set up, then run every check: formatting, a tidy go.mod, go vet, the Go
# tests of ./eegkit/..., the parity and short-training tests again on XLA's
# CPU plugin, the GPU check (scripts/gpu_check.sh) on that plugin, fault
# injection against bin/eegkit (scripts/faults.sh, quick form), a sweep as a
# Slurm job array (scripts/slurm_test.sh), the ONNX exports in onnxruntime
# (scripts/onnx_check.sh), --mlflow against a real MLflow server
# (scripts/mlflow_check.sh), every notebook headless on the GoNB kernel
# (quick mode, EEGKIT_EPOCHS=2), and the real-browser test of JupyterLab.
# Extra arguments go to go test (e.g. -run Parity).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --jupyter --browser --xla
. scripts/env.sh

unformatted=$(gofmt -l eegkit)
if [ -n "$unformatted" ]; then
	echo "test: gofmt would change: $unformatted" >&2
	exit 1
fi
if ! tidy=$(go mod tidy -diff 2>&1); then
	echo "test: go.mod and go.sum are not tidy (run go mod tidy):" >&2
	echo "$tidy" | grep -v '^go: downloading' >&2
	exit 1
fi
go vet ./...
go test -count=1 -timeout 20m ./eegkit/... "$@"

echo "test: the backend, parity and short-training tests again on XLA's CPU plugin (-tags xla, GOMLX_BACKEND=xla:cpu)"
go vet -tags xla ./eegkit/nn/
GOMLX_BACKEND=xla:cpu go test -tags xla -count=1 -timeout 10m -run 'Backend|Parity|FitAnyShape|TrainAModelOfYourOwn' ./eegkit/nn/ ./eegkit/train/

echo "test: the GPU check end to end on XLA's CPU plugin, small (scripts/gpu_check.sh)"
scripts/gpu_check.sh --plugin .venv/lib/go-xla/pjrt_c_api_cpu_plugin.so --train-epochs 1 --epochs 1 --batch 12 \
	--model eegnet --run '^TestParityWithPyTorch$/^eegnet/elu$'

echo "test: fault injection (quick: kill -9, bit flips, concurrent writers, full disk)"
scripts/faults.sh

echo "test: a sweep as a Slurm job array on a single-node Slurm (scripts/slurm_test.sh)"
scripts/slurm_test.sh

echo "test: the ONNX export of every model in onnxruntime (scripts/onnx_check.sh)"
scripts/onnx_check.sh

echo "test: --mlflow against a real MLflow tracking server (scripts/mlflow_check.sh)"
scripts/mlflow_check.sh

echo "test: notebooks (headless, GoNB kernel, EEGKIT_EPOCHS=2)"
.venv/bin/python scripts/run_notebooks.py --epochs 2 --out runs/artifacts/notebooks

echo "test: JupyterLab in headless Chromium (a GoNB cell; a committed notebook opened untrusted)"
ARTIFACTS=runs/artifacts node --test tests/browser/notebook.test.mjs tests/browser/untrusted.test.mjs tests/browser/tweak.test.mjs
