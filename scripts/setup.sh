#!/usr/bin/env bash
# Sets up eegkit on a fresh machine: the Go 1.27 toolchain, the Go modules,
# the eegkit command (bin/eegkit) and, when data/ has no lab files, the
# default synthetic dataset. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

if ! command -v go >/dev/null 2>&1; then
	echo "setup: the go command is not installed; install Go 1.21 or newer (https://go.dev/dl), then run this again" >&2
	exit 1
fi
echo "setup: $(go version)"   # fetches go1.27.3 on first use
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
