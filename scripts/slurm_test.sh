#!/usr/bin/env bash
# Runs a sweep on a real Slurm: starts a single-node cluster (munge,
# slurmctld, slurmd from Debian's slurm-wlm, as root, state and spool in a
# scratch folder), submits a 4-point sweep as a 2-task job array
# (deploy/slurm/sweep.sbatch) with sbatch --wait, merges it with
# `eegkit sweep report`, and checks that the merged table equals a local run
# of the same grid, point for point. It stops the daemons it started, by
# pid, whatever happens. Needs root (it installs slurm-wlm and munge when
# missing) and bin/eegkit (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ "$(id -u)" != 0 ]; then
	if sudo -n true 2>/dev/null; then
		exec sudo -n --preserve-env=PATH "$0" "$@"
	fi
	echo "slurm test: needs root (it starts munged, slurmctld and slurmd as root); run it as root or with passwordless sudo" >&2
	exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
[ -x bin/eegkit ] || scripts/setup.sh >/dev/null

s=$(mktemp -d /tmp/eegkit-slurm.XXXXXX)
pids=()
stop() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
}
fail() {
	echo "slurm test: $*" >&2
	for f in "$s"/log/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
	exit 1
}
trap stop EXIT
mkdir -p "$s"/{munge,state,spool,log,job}

# munge: a key of our own and a socket in the scratch folder.
dd if=/dev/urandom bs=1 count=1024 of="$s/munge/munge.key" 2>/dev/null
chmod 400 "$s/munge/munge.key"
sock="$s/munge/munge.socket"
munged --force --key-file="$s/munge/munge.key" --socket="$sock" --pid-file="$s/munge/munged.pid" \
	--log-file="$s/log/munged.log" --seed-file="$s/munge/munged.seed"
pids+=("$(cat "$s/munge/munged.pid")")

mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo) # MB, half the machine
cat >"$s/slurm.conf" <<CONF
ClusterName=eegkit-test
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=$((16817 + RANDOM % 1000))
SlurmdPort=$((17818 + RANDOM % 1000))
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=localhost CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$s/slurm.conf"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 100); do [ -s "$s/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$s/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do [ -s "$s/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$s/slurmd.pid")")
for _ in $(seq 100); do
	sinfo -h -o %T 2>/dev/null | grep -q idle && break
	sleep 0.2
done
sinfo -h -o %T | grep -q idle || fail "the node did not come up ($(sinfo -h -o '%T %E' 2>&1))"
echo "slurm test: single-node Slurm up ($(sinfo -V)), daemons ${pids[*]}"

# The same 4-point grid as a 2-task array job, and on this machine.
grid=(--model eegnet --act relu,elu --batch 64 --lr 1e-3,2e-3 --epochs 2 --val 0.2)
start=$(date +%s)
SWEEP="$s/sweep" sbatch --wait --quiet --array=0-1 --mem=2G --chdir="$root" --output="$s/job/%A_%a.out" \
	deploy/slurm/sweep.sbatch "${grid[@]}" || fail "the array job failed: $(cat "$s"/job/*.out)"
echo "slurm test: array job done in $(($(date +%s) - start)) s"
for f in "$s"/job/*.out; do grep -h "^sweep: shard" "$f"; done
bin/eegkit sweep report "$s/sweep" >"$s/report.txt" || fail "sweep report: $(cat "$s/report.txt")"
bin/eegkit sweep --out "$s/local" "${grid[@]}" >/dev/null 2>&1 || fail "the local sweep failed"

rows() { cut -d, -f1-15 "$1" | sort; }
diff <(rows "$s/local/sweep.csv") <(rows "$s/sweep/sweep.csv") || fail "the merged sweep.csv differs from the local run's"
diff "$s/local/results.md" "$s/sweep/results.md" || fail "the merged results.md differs from the local run's"
n=$(($(wc -l <"$s/sweep/sweep.csv") - 1))
[ "$n" = 4 ] || fail "the merged sweep has $n points, want 4"
cat "$s/sweep/results.md"
echo "slurm test: OK: 4 points in 2 array tasks merged equal the local run point for point (sweep.csv columns 1-15 and results.md)"

# A benchmark of 3 synthetic subjects as a 2-task array, and on this machine.
bin/eegkit gen-data --out "$s/subjects" --subjects 3 --sessions 2 --trials 20 >/dev/null || fail "gen-data --subjects failed"
bench=(--evaluation cross-session --pipelines csp,eegnet:elu --epochs 1 --seeds 2)
start=$(date +%s)
BENCH="$s/bench" DATA="$s/subjects" sbatch --wait --quiet --array=0-1 --mem=2G --chdir="$root" --output="$s/job/bench_%A_%a.out" \
	deploy/slurm/benchmark.sbatch "${bench[@]}" || fail "the benchmark array job failed: $(cat "$s"/job/bench_*.out)"
echo "slurm test: benchmark array job done in $(($(date +%s) - start)) s"
for f in "$s"/job/bench_*.out; do grep -h "^benchmark: shard" "$f"; done
bin/eegkit benchmark report "$s/bench" >"$s/bench_report.txt" || fail "benchmark report: $(cat "$s/bench_report.txt")"
bin/eegkit benchmark --out "$s/bench_local" --data "$s/subjects" "${bench[@]}" >/dev/null 2>&1 || fail "the local benchmark failed"
# every column but the training time
cols() { cut -d, -f1,3- "$1" | sort; }
diff <(cols "$s/bench_local/results.csv") <(cols "$s/bench/results.csv") || fail "the merged results.csv differs from the local run's"
diff "$s/bench_local/statistics.csv" "$s/bench/statistics.csv" || fail "the merged statistics.csv differs from the local run's"
n=$(($(wc -l <"$s/bench/folds.csv") - 1))
[ "$n" = 18 ] || fail "the merged benchmark has $n fold rows, want 18 (6 of CSP, 12 of EEGNet's two seeds)"
grep -A3 "^| pipeline" "$s/bench_report.txt"
echo "slurm test: OK: a benchmark's 18 folds in 2 array tasks merged equal the local run (results.csv but the time, statistics.csv)"
rm -rf "$s"
