#!/usr/bin/env bash
# Fault injection against the real eegkit command (bin/eegkit, built by
# scripts/setup.sh): kill -9 at random moments during train and sweep (each
# must resume to the result of an uninterrupted run, byte for byte), single-bit
# flips in checkpoints (each refused), concurrent writers on one directory
# (one wins, the other is refused, nothing is mixed), and a full disk (a small
# tmpfs: a clean one-line error). scripts/test.sh runs the quick form.
#
#   scripts/faults.sh            quick: one run of each target killed 3 times, 5 bit flips
#   scripts/faults.sh --full     3 runs of each killed 10 times, 20 bit flips
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

runs=1 kills=3 flips=5 epochs=3 sweep_epochs=2
case "${1:-}" in
--full) runs=3 kills=10 flips=20 epochs=10 sweep_epochs=5 ;;
"") ;;
*) echo "faults: unknown option $1 (use --full)" >&2; exit 2 ;;
esac

bin=$PWD/bin/eegkit
[ -x "$bin" ] || { echo "faults: $bin is missing; run scripts/setup.sh first" >&2; exit 1; }
work=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
ok() { echo "faults: ok   $*"; passed=$((passed + 1)); }
bad() { echo "faults: FAIL $*"; failed=$((failed + 1)); }
# one_line FILE: the command's error output is one line, with no Go panic trace.
one_line() { [ "$(grep -c . "$1")" -le 1 ] && ! grep -q "goroutine \|panic:" "$1"; }
# held_by DIR PID: wait (at most 60 s) until process PID holds DIR's lock,
# which it writes its pid into, so that a second writer is started only then
# (a fixed sleep raced with the first process's start on a loaded machine).
held_by() {
	for _ in $(seq 600); do
		grep -qx "$2" "$1/.lock" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

"$bin" gen-data --out "$work/data" --seed 3 >/dev/null
train=(train --model eegnet --act elu --epochs "$epochs" --batch 64 --checkpoint-every 1 --data "$work/data")

# kill_randomly MAX OUT ARGS…: runs `eegkit ARGS… --out OUT` and kills it with -9
# after a random 0.3…MAX s, $kills times or until a start ends by itself;
# sets $killed to the number of kills.
kill_randomly() {
	local max=$1 out=$2 pid
	shift 2
	killed=0
	for _ in $(seq "$kills"); do
		"$bin" "$@" --out "$out" >"$work/log" 2>&1 &
		pid=$!
		sleep "$(awk -v s="$RANDOM" -v m="$max" 'BEGIN { srand(s); printf "%.2f", 0.3 + (m - 0.3) * rand() }')"
		if kill -9 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null || true
			killed=$((killed + 1))
		else
			wait "$pid" || bad "$1 into $out: a resumed start failed: $(tail -1 "$work/log")"
			return
		fi
	done
}

# 1. kill -9 during train, at random moments, until the run finishes.
"$bin" "${train[@]}" --out "$work/ref" >/dev/null 2>&1
for k in $(seq "$runs"); do
	out="$work/killed-$k"
	kill_randomly 2.8 "$out" "${train[@]}"
	"$bin" "${train[@]}" --out "$out" >"$work/log" 2>&1 || bad "train kill $k: $(tail -1 "$work/log")"
	if cmp -s "$work/ref/model.npz" "$out/model.npz"; then
		ok "train killed with -9 $killed times and resumed ends with the uninterrupted run's weights"
	else
		bad "train kill $k: model.npz differs from the uninterrupted run's"
	fi
	if ls -A "$out" | grep -q '^\.tmp-'; then bad "train kill $k: orphan temporary files: $(ls -A "$out")"; fi
done

# 2. kill -9 during a 4-point sweep; the rerun completes it with the same rows.
sweep=(sweep --model eegnet --act relu,elu --batch 64 --lr 1e-3,2e-3 --epochs "$sweep_epochs" --checkpoint-every 1 --data "$work/data")
"$bin" "${sweep[@]}" --out "$work/sweep-ref" >/dev/null 2>&1
rows() { cut -d, -f1-14 "$1/sweep.csv" | sort; }
for k in $(seq "$runs"); do
	out="$work/sweep-$k"
	kill_randomly 3.3 "$out" "${sweep[@]}"
	"$bin" "${sweep[@]}" --out "$out" >"$work/log" 2>&1 || bad "sweep kill $k: $(tail -1 "$work/log")"
	if [ "$(rows "$work/sweep-ref")" = "$(rows "$out")" ]; then
		ok "sweep killed with -9 $killed times and resumed ends with the uninterrupted sweep's rows"
	else
		bad "sweep kill $k: rows differ"
		diff <(rows "$work/sweep-ref") <(rows "$out") || true
	fi
done

# 3. single-bit flips in a checkpoint: every one refused, none resumed.
"$bin" "${train[@]}" --epochs 2 --out "$work/ck" >/dev/null 2>&1 &
pid=$!
while [ ! -f "$work/ck/checkpoint.gob" ]; do sleep 0.1; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
cp "$work/ck/checkpoint.gob" "$work/checkpoint.orig"
size=$(stat -c %s "$work/checkpoint.orig")
for f in $(seq "$flips"); do
	cp "$work/checkpoint.orig" "$work/ck/checkpoint.gob"
	bit=$(((RANDOM * 32768 + RANDOM) % (size * 8)))
	python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[$bit//8]^=1<<($bit%8); open(p,'wb').write(b)" "$work/ck/checkpoint.gob"
	if "$bin" "${train[@]}" --epochs 2 --out "$work/ck" >"$work/log" 2>"$work/err"; then
		bad "bit $bit flipped: the damaged checkpoint was resumed"
	elif grep -q "damaged\|not an eegkit checkpoint" "$work/err" && one_line "$work/err"; then
		ok "bit $bit of $((size * 8)) flipped: refused ($(cut -c1-60 "$work/err")…)"
	else
		bad "bit $bit flipped: $(cat "$work/err")"
	fi
done

# 4. two writers with different configurations on one directory at once.
"$bin" "${train[@]}" --epochs 3 --out "$work/both" >"$work/a.log" 2>"$work/a.err" &
a=$!
held_by "$work/both" "$a" || bad "concurrent writers: the first writer (pid $a) never held the directory's lock: $(cat "$work/a.err")"
"$bin" "${train[@]}" --epochs 3 --lr 2e-3 --out "$work/both" >"$work/b.log" 2>"$work/b.err" &
b=$!
ra=0 rb=0
wait "$a" || ra=$?
wait "$b" || rb=$?
if [ "$ra" = 0 ] && [ "$rb" = 1 ] && grep -q "in use by another eegkit process (pid $a)" "$work/b.err" &&
	grep -q '"lr": 0.0005' "$work/both/run.json"; then
	ok "concurrent writers: the second is refused naming pid $a; the first run is intact"
else
	bad "concurrent writers: exits $ra/$rb: $(cat "$work/b.err")"
fi
"$bin" "${sweep[@]}" --out "$work/sweep-two" >/dev/null 2>&1 &
s=$!
held_by "$work/sweep-two" "$s" || bad "two sweeps: the first (pid $s) never held the directory's lock"
if "$bin" "${sweep[@]}" --lr 1e-3 --out "$work/sweep-two" >/dev/null 2>"$work/err"; then
	bad "two sweeps ran on one directory at once"
elif grep -q "in use by another eegkit process" "$work/err"; then ok "a second sweep on one directory is refused"; else bad "second sweep: $(cat "$work/err")"; fi
wait "$s" || true

# 5. a full disk: training into a 400 kB tmpfs fails with one clean line.
mnt="$work/tmpfs"
mkdir -p "$mnt"
if mount -t tmpfs -o size=400k tmpfs "$mnt" 2>"$work/err"; then
	if "$bin" "${train[@]}" --epochs 2 --out "$mnt/run" >"$work/log" 2>"$work/err"; then
		bad "training into a full disk reported success"
	elif tail -1 "$work/err" | grep -q "no space left" && ! grep -q "goroutine \|panic:" "$work/err" && ! ls -A "$mnt/run" | grep -q '^\.tmp-'; then
		ok "full disk: $(tail -1 "$work/err")"
	else
		bad "full disk: $(cat "$work/err"); left: $(ls -A "$mnt/run")"
	fi
else
	echo "faults: NOT RUN full-disk check: cannot mount a tmpfs here ($(cat "$work/err")); it needs root"
fi

echo "faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
