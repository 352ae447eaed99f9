#!/usr/bin/env bash
# Set up, then run every check: formatting, go vet and the tests of ./eegkit/...
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
unformatted=$(gofmt -l eegkit)
if [ -n "$unformatted" ]; then
	echo "test: gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
go test -count=1 -timeout 20m ./eegkit/... "$@"
