package experiments

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/train"
)

// Shard is one of N shares of a sweep's grid, for running a sweep as a job
// array on a cluster scheduler: shard K (0 ≤ K < N) takes the points whose
// index i in the grid's order (Grid.Configs) has i mod N = K. The same grid
// and N always give shard K the same points, the shares are disjoint, and
// together they are the grid. The zero Shard is the whole grid.
type Shard struct{ K, N int }

// ParseShard reads "K/N" (K counts from 0, as Slurm's array indices and
// Kubernetes' completion indices do).
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil {
		return Shard{}, fmt.Errorf("shard %q: want K/N, e.g. 0/4 for the first of 4 shares", s)
	}
	sh := Shard{K: k, N: n}
	return sh, sh.checkShare()
}

// Check says what is wrong with a shard that is not one of its N shares
// (the zero Shard, the whole grid, is right).
func (s Shard) Check() error {
	if s == (Shard{}) {
		return nil
	}
	return s.checkShare()
}

// checkShare is Check for a shard that was asked for (a flag's K/N or a
// scheduler's variables), where 0/0 is a mistake, not the whole grid.
func (s Shard) checkShare() error {
	if s.N < 1 || s.K < 0 || s.K >= s.N {
		return fmt.Errorf("shard %d/%d: want 0 <= K < N with N >= 1 (K counts from 0)", s.K, s.N)
	}
	return nil
}

// Whole says whether the shard is the whole grid (the zero Shard or 0/1).
func (s Shard) Whole() bool { return s.N <= 1 }

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, max(s.N, 1)) }

// Select returns the shard's points of configs, in their order.
func (s Shard) Select(configs []train.TrainConfig) []train.TrainConfig {
	if s.Whole() {
		return configs
	}
	var out []train.TrainConfig
	for i, c := range configs {
		if i%s.N == s.K {
			out = append(out, c)
		}
	}
	return out
}

// ShardFromEnv finds the shard a cluster scheduler gave this process:
// a Slurm job array's task (SLURM_ARRAY_TASK_ID, counted from
// SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, of
// SLURM_ARRAY_TASK_COUNT), or a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX with shards, the job's completions (Kubernetes does
// not tell a pod their number). It returns the shard and where it came
// from, in words; ok is false when neither scheduler set its variables.
func ShardFromEnv(getenv func(string) string, shards int) (s Shard, from string, ok bool, err error) {
	num := func(name string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
		if err != nil {
			return 0, fmt.Errorf("%s=%q is not a number", name, getenv(name))
		}
		return v, nil
	}
	if getenv("SLURM_ARRAY_TASK_ID") != "" {
		id, err1 := num("SLURM_ARRAY_TASK_ID")
		count, err2 := num("SLURM_ARRAY_TASK_COUNT")
		lo, step := 0, 1
		var err3, err4 error
		if getenv("SLURM_ARRAY_TASK_MIN") != "" {
			lo, err3 = num("SLURM_ARRAY_TASK_MIN")
		}
		if getenv("SLURM_ARRAY_TASK_STEP") != "" {
			step, err4 = num("SLURM_ARRAY_TASK_STEP")
		}
		for _, e := range []error{err1, err2, err3, err4} {
			if e != nil {
				return Shard{}, "", false, fmt.Errorf("Slurm job array: %v", e)
			}
		}
		step = max(step, 1)
		s = Shard{K: (id - lo) / step, N: count}
		from = fmt.Sprintf("Slurm job array: SLURM_ARRAY_TASK_ID=%d of SLURM_ARRAY_TASK_COUNT=%d", id, count)
		if lo != 0 || step != 1 {
			from += fmt.Sprintf(" (from %d in steps of %d)", lo, step)
		}
		if err := s.checkShare(); err != nil {
			return Shard{}, "", false, fmt.Errorf("%s: %w", from, err)
		}
		return s, from, true, nil
	}
	if getenv("JOB_COMPLETION_INDEX") != "" {
		idx, err := num("JOB_COMPLETION_INDEX")
		if err != nil {
			return Shard{}, "", false, fmt.Errorf("Kubernetes Indexed Job: %w", err)
		}
		if shards < 1 {
			return Shard{}, "", false, fmt.Errorf("Kubernetes Indexed Job (JOB_COMPLETION_INDEX=%d): give --shards N, the job's completions", idx)
		}
		s = Shard{K: idx, N: shards}
		from = fmt.Sprintf("Kubernetes Indexed Job: JOB_COMPLETION_INDEX=%d of --shards %d", idx, shards)
		if err := s.checkShare(); err != nil {
			return Shard{}, "", false, fmt.Errorf("%s: %w", from, err)
		}
		return s, from, true, nil
	}
	return Shard{}, "", false, nil
}
