#!/usr/bin/env bash
# Checks --mlflow against a real MLflow tracking server: starts `mlflow
# server` (PyPI mlflow in .venv, pinned in scripts/requirements-check.txt)
# on a loopback port with a SQLite store and proxied artifacts in a scratch
# folder, trains a short run, a 2-point sweep, a 1-epoch lab and a 3-subject benchmark (twice) with --mlflow, and reads
# them back with MLflow's own Python client (scripts/mlflow_check.py): the
# same parameters and per-epoch history as run.json, the tags, the final
# metrics and the artifacts, every benchmark fold once with its scores; a second train logs nothing new. It stops the
# server it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/check_venv.sh
[ -x bin/eegkit ] || scripts/setup.sh >/dev/null
s=$(mktemp -d /tmp/eegkit-mlflow.XXXXXX)
port=$((15000 + RANDOM % 5000))
uri="http://127.0.0.1:$port"
setsid .venv/bin/mlflow server --host 127.0.0.1 --port "$port" --workers 1 \
	--backend-store-uri "sqlite:///$s/mlflow.db" --artifacts-destination "$s/artifacts" >"$s/server.log" 2>&1 &
server=$!
stop() {
	kill -- -"$server" 2>/dev/null || true # the server and its workers (their own process group)
	for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
	kill -9 -- -"$server" 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$s"
}
trap stop EXIT
for _ in $(seq 300); do
	curl -sf "$uri/health" >/dev/null 2>&1 && break
	kill -0 "$server" 2>/dev/null || { cat "$s/server.log" >&2; echo "mlflow check: the server did not start" >&2; exit 1; }
	sleep 0.2
done
curl -sf "$uri/health" >/dev/null || { tail -20 "$s/server.log" >&2; echo "mlflow check: the server did not answer on $uri" >&2; exit 1; }
echo "mlflow check: MLflow $(.venv/bin/mlflow --version | awk '{print $NF}') server on $uri (pid $server)"

bin/eegkit train --model eegnet --act elu --epochs 3 --val 0.2 --mlflow "$uri" --mlflow-experiment eegkit-check --out "$s/run" >"$s/train.txt"
grep "logged .* to MLflow" "$s/train.txt"
bin/eegkit train --model eegnet --act elu --epochs 3 --val 0.2 --mlflow "$uri" --mlflow-experiment eegkit-check --out "$s/run" >"$s/again.txt"
grep -q "is already logged to MLflow" "$s/again.txt" || { cat "$s/again.txt" >&2; echo "mlflow check: a second train logged again" >&2; exit 1; }
MLFLOW_TRACKING_URI="$uri" MLFLOW_EXPERIMENT_NAME=eegkit-sweep bin/eegkit sweep --model eegnet --act relu --lr 1e-3,2e-3 --epochs 2 --out "$s/sweep" >"$s/sweep.txt"
[ "$(grep -c "logged .* to MLflow" "$s/sweep.txt")" = 2 ] || { cat "$s/sweep.txt" >&2; echo "mlflow check: the sweep did not log its 2 points" >&2; exit 1; }
bin/eegkit lab --epochs 1 --mlflow "$uri" --mlflow-experiment eegkit-lab --out "$s/lab" >"$s/lab.txt"
[ "$(grep -c "logged .* to MLflow" "$s/lab.txt")" = 6 ] || { cat "$s/lab.txt" >&2; echo "mlflow check: the lab did not log its 6 runs" >&2; exit 1; }
bin/eegkit gen-data --out "$s/subjects" --subjects 3 --trials 20 >/dev/null
for _ in 1 2; do # the second run logs nothing again
	bin/eegkit benchmark --evaluation cross-session --pipelines csp,tslr --data "$s/subjects" --mlflow "$uri" \
		--mlflow-experiment eegkit-bench --out "$s/bench" >"$s/bench.txt" 2>&1 || { cat "$s/bench.txt" >&2; exit 1; }
done
MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false .venv/bin/python scripts/mlflow_check.py "$uri" "$s/run" "$s/sweep" "$s/lab" "$s/bench"
