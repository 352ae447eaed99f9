#!/usr/bin/env bash
# Sets up eegkit on a fresh machine: the Go 1.27 toolchain (fetched by the go
# command through the module proxy), the eegkit command (bin/eegkit) and, when
# data/ has no lab files, the default synthetic dataset. Safe to run again; it
# only does what is missing.
#
#   scripts/setup.sh            the Go package and command line
#   scripts/setup.sh --jupyter  also JupyterLab, GoNB, goimports, gopls and the kernel
#   scripts/setup.sh --browser  also Chromium and playwright-core for the browser test
#   scripts/setup.sh --xla      also XLA's CPU plugin (PyPI lammps-jax-pjrt-cpu, in .venv),
#                               bin/eegkit-xla, for GOMLX_BACKEND=xla:cpu or a GPU, and
#                               bin/train-xla.test, the parity tests for scripts/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

jupyter=0 browser=0 xla=0
for arg in "$@"; do
	case "$arg" in
	--jupyter) jupyter=1 ;;
	--browser) browser=1 ;;
	--xla) xla=1 ;;
	*) echo "setup: unknown option $arg (use --jupyter, --browser or --xla)" >&2; exit 2 ;;
	esac
done

if ! command -v go >/dev/null 2>&1; then
	echo "setup: the go command is not installed; install Go 1.21 or newer (https://go.dev/dl), then run this again" >&2
	exit 1
fi
echo "setup: $(go version)" # fetches go1.27.3 on first use
go build -o bin/eegkit ./eegkit/cmd/eegkit
echo "setup: built bin/eegkit"

have=0
for f in S4b_train S4b_test X11b_train X11b_test; do
	[ -f "data/$f.npz" ] && have=$((have + 1))
done
if [ "$have" -eq 0 ]; then
	bin/eegkit gen-data --out data --seed 1
elif [ "$have" -lt 4 ]; then
	echo "setup: data/ has only $have of the lab's four files; add the rest or remove them" >&2
	exit 1
fi
echo "setup: data/ is ready"

if [ "$jupyter" = 1 ]; then
	scripts/jupyter_setup.sh
fi
if [ "$browser" = 1 ]; then
	if [ ! -x /usr/bin/chromium ]; then
		if [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
		else
			sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
		fi
		echo "setup: installed $(/usr/bin/chromium --version)"
	fi
	(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
	echo "setup: installed playwright-core for the browser test"
fi
if [ "$xla" = 1 ]; then
	# XLA's CPU PJRT plugin from PyPI (Apache-2.0), linked where scripts/env.sh
	# points PJRT_PLUGIN_LIBRARY_PATH; GPU users install jax-cuda12-pjrt's
	# plugin instead (see docs/backends.md).
	plugin=.venv/lib/go-xla/pjrt_c_api_cpu_plugin.so
	if [ ! -e "$plugin" ]; then
		[ -x .venv/bin/pip ] || "${PYTHON:-python3}" -m venv .venv
		.venv/bin/pip install --quiet --disable-pip-version-check lammps-jax-pjrt-cpu==0.11.2
		so=$(.venv/bin/python -c 'import lammps_jax_pjrt_cpu, os; print(os.path.join(os.path.dirname(lammps_jax_pjrt_cpu.__file__), "pjrt_c_api_cpu_plugin.so"))')
		mkdir -p .venv/lib/go-xla
		ln -sf "$so" "$plugin"
		echo "setup: installed XLA's CPU plugin ($plugin)"
	fi
	. scripts/env.sh
	go build -tags xla -o bin/eegkit-xla ./eegkit/cmd/eegkit
	go test -c -tags xla -o bin/train-xla.test ./eegkit/train
	echo "setup: built bin/eegkit-xla (GOMLX_BACKEND=xla:cpu bin/eegkit-xla …) and bin/train-xla.test (for scripts/gpu_check.sh)"
fi
