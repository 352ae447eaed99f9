package experiments_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/train"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want experiments.Shard
		err  string
	}{
		{"0/4", experiments.Shard{K: 0, N: 4}, ""},
		{" 3/4 ", experiments.Shard{K: 3, N: 4}, ""},
		{"0/1", experiments.Shard{K: 0, N: 1}, ""},
		{"4/4", experiments.Shard{}, "want 0 <= K < N"},
		{"-1/4", experiments.Shard{}, "want 0 <= K < N"},
		{"1/0", experiments.Shard{}, "want 0 <= K < N"},
		{"0/0", experiments.Shard{}, "want 0 <= K < N with N >= 1"},
		{"1", experiments.Shard{}, "want K/N"},
		{"a/b", experiments.Shard{}, "want K/N"},
	} {
		got, err := experiments.ParseShard(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseShard(%q) = %v, %v; want an error with %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, c := range []struct {
		name   string
		env    map[string]string
		shards int
		want   experiments.Shard
		ok     bool
		err    string
	}{
		{"none", nil, 0, experiments.Shard{}, false, ""},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"}, 0, experiments.Shard{K: 1, N: 3}, true, ""},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, 0, experiments.Shard{K: 3, N: 4}, true, ""},
		{"slurm step", map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"}, 0, experiments.Shard{K: 3, N: 4}, true, ""},
		{"slurm 0 of 0", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "0"}, 0, experiments.Shard{}, false, "want 0 <= K < N with N >= 1"},
		{"slurm no count", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 0, experiments.Shard{}, false, "SLURM_ARRAY_TASK_COUNT"},
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "2"}, 3, experiments.Shard{K: 2, N: 3}, true, ""},
		{"kubernetes without shards", map[string]string{"JOB_COMPLETION_INDEX": "2"}, 0, experiments.Shard{}, false, "give --shards N"},
		{"kubernetes index too big", map[string]string{"JOB_COMPLETION_INDEX": "3"}, 3, experiments.Shard{}, false, "want 0 <= K < N"},
	} {
		got, from, ok, err := experiments.ShardFromEnv(func(k string) string { return c.env[k] }, c.shards)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want one with %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || ok != c.ok || got != c.want || ok != (from != "") {
			t.Errorf("%s: %v %q %v %v, want %v %v", c.name, got, from, ok, err, c.want, c.ok)
		}
	}
}

// TestShardsPartitionTheGrid: for every N the shards are disjoint, cover
// the grid, keep its order, and give the same points each time.
func TestShardsPartitionTheGrid(t *testing.T) {
	configs, err := experiments.Grid{Base: train.TrainConfig{Epochs: 1}, Models: []string{"eegnet", "deepconvnet"}, Activations: []string{"relu", "elu"},
		LRs: []float64{1e-3, 2e-3, 5e-4}, Seeds: []uint64{1, 2}}.Configs()
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= len(configs)+1; n++ {
		seen := map[string]int{}
		for k := range n {
			sh := experiments.Shard{K: k, N: n}
			a, b := sh.Select(configs), sh.Select(configs)
			if len(a) != len(b) {
				t.Fatalf("shard %v is not deterministic", sh)
			}
			last := -1
			for i, c := range a {
				if c.String() != b[i].String() {
					t.Fatalf("shard %v is not deterministic", sh)
				}
				idx := indexOf(configs, c)
				if idx <= last {
					t.Errorf("shard %v does not keep the grid's order", sh)
				}
				last = idx
				seen[c.String()]++
			}
			if d := len(a) - len(configs)/n; d < 0 || d > 1 {
				t.Errorf("shard %v has %d of %d points: unbalanced", sh, len(a), len(configs))
			}
		}
		if len(seen) != len(configs) {
			t.Errorf("N=%d: the shards cover %d of %d points", n, len(seen), len(configs))
		}
		for c, times := range seen {
			if times != 1 {
				t.Errorf("N=%d: %s is in %d shards", n, c, times)
			}
		}
	}
}

func indexOf(cs []train.TrainConfig, c train.TrainConfig) int {
	for i, d := range cs {
		if d.String() == c.String() {
			return i
		}
	}
	return -1
}

// TestShardedSweepMerges: two shards writing one points directory, merged,
// give the points of a single-machine sweep of the same grid, point for
// point; a failed point is recorded, reported, and trained by a rerun.
func TestShardedSweepMerges(t *testing.T) {
	data := synthtest.Small(t)
	configs, err := experiments.Grid{Base: train.TrainConfig{Epochs: 1}, Models: []string{"eegnet"}, Activations: []string{"relu", "elu"},
		Batches: []int{16}, LRs: []float64{1e-3, 3e-3}}.Configs()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	localDir := t.TempDir()
	local, err := experiments.Sweep(ctx, configs, data, experiments.SweepOptions{CSV: filepath.Join(localDir, "sweep.csv"), RunsDir: filepath.Join(localDir, "runs"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A point of shard 1 (the grid's second, relu lr 3e-3) fails while
	// another process holds its run directory.
	busy, _ := filepath.Glob(filepath.Join(localDir, "runs", "eegnet_relu_b16_lr0.003_*"))
	if len(busy) != 1 {
		t.Fatalf("run directories %v", busy)
	}

	dir := t.TempDir()
	plan := &experiments.SweepPlan{Points: configs, Data: data.Source, DataID: data.ID(), Protocol: configs[0].Protocol(), Seeds: 1}
	if _, err := experiments.WritePlan(dir, plan, false); err != nil {
		t.Fatal(err)
	}
	points, runs := filepath.Join(dir, experiments.PointsDir), filepath.Join(dir, "runs")
	lock, err := train.LockDir(filepath.Join(runs, filepath.Base(busy[0])))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiments.Sweep(ctx, configs, data, experiments.SweepOptions{Points: points, RunsDir: runs, Shard: experiments.Shard{K: 1, N: 2}, Workers: 1})
	lock.Unlock()
	if err == nil || !strings.Contains(err.Error(), "1 of 2 points failed") {
		t.Fatalf("shard 1/2 with a point in use: %v", err)
	}
	m, err := experiments.MergeSweep(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Points) != 1 || len(m.Missing) != 3 || len(m.Failed) != 1 || !strings.Contains(m.Failed[0].Error, "in use by another eegkit process") {
		t.Fatalf("after shard 1 with a failure: %d points, %d missing, failed %+v", len(m.Points), len(m.Missing), m.Failed)
	}
	if f, ok := m.FailureOf(configs[1]); !ok || f.Error != m.Failed[0].Error {
		t.Errorf("FailureOf the failed point: %+v, %v", f, ok)
	}
	if _, ok := m.FailureOf(configs[0]); ok {
		t.Error("FailureOf a point that only is missing says it failed")
	}
	for k := range 2 { // shard 1 again trains only its failed point
		trained := map[string]bool{}
		opt := experiments.SweepOptions{Points: points, RunsDir: runs, Shard: experiments.Shard{K: k, N: 2}, Workers: 1,
			Progress: func(c train.TrainConfig, _ train.EpochStats) { trained[c.String()] = true }}
		if _, err := experiments.Sweep(ctx, configs, data, opt); err != nil {
			t.Fatal(err)
		}
		if k == 1 && len(trained) != 1 {
			t.Errorf("the rerun of shard 1 trained %d points, want only the failed one", len(trained))
		}
	}
	if m, err = experiments.MergeSweep(dir); err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) != 0 || len(m.Failed) != 0 || len(m.Points) != len(configs) {
		t.Fatalf("merged: %d points, %d missing, %d failed", len(m.Points), len(m.Missing), len(m.Failed))
	}
	if left, _ := filepath.Glob(filepath.Join(points, "*.failed")); len(left) != 0 {
		t.Errorf("the failure records of points that finished since are left: %v", left)
	}
	for i, p := range m.Points {
		if p.Config.String() != configs[i].String() {
			t.Errorf("merged point %d is %s, want the plan's order (%s)", i, p.Config, configs[i])
		}
		var q *experiments.SweepPoint
		for j := range local {
			if local[j].Config.String() == p.Config.String() {
				q = &local[j]
			}
		}
		if q == nil || q.TrainAcc != p.TrainAcc || q.TestAcc != p.TestAcc || q.BestEpoch != p.BestEpoch || q.Test["kappa"] != p.Test["kappa"] {
			t.Errorf("%s: sharded %+v, local %+v", p.Config, p, q)
		}
	}
	if err := m.WriteCSV(dir); err != nil {
		t.Fatal(err)
	}
	back, err := experiments.ReadSweep(filepath.Join(dir, "sweep.csv"))
	if err != nil || len(back) != len(configs) {
		t.Fatalf("merged sweep.csv: %d points, %v", len(back), err)
	}

	// A shard reading the same data from elsewhere (another mount) agrees with the plan.
	moved := *plan
	moved.Extra = []byte(`{"data":{"dir":"/mnt/elsewhere/data"}}`)
	if old, err := experiments.WritePlan(dir, &moved, false); err != nil || old != nil {
		t.Errorf("the same grid and data read from elsewhere: %v, %v", old, err)
	}
	// Shards of another grid are refused; a single-machine sweep may replace the plan.
	other := &experiments.SweepPlan{Points: configs[:2], Data: data.Source, DataID: data.ID()}
	if _, err := experiments.WritePlan(dir, other, false); err == nil || !strings.Contains(err.Error(), "holds the plan of another sweep") {
		t.Errorf("another grid's shard: %v", err)
	}
	if old, err := experiments.WritePlan(dir, other, true); err != nil || old == nil || len(old.Points) != len(configs) {
		t.Errorf("replacing the plan: old %v, %v", old, err)
	}
	if m, err = experiments.MergeSweep(dir); err != nil || len(m.Points) != 2 || len(m.Others) != 2 {
		t.Errorf("after the grid shrank: %d points, %d others (kept), %v", len(m.Points), len(m.Others), err)
	}
	// The report, as the command line and a notebook make it: the table, its note, the heat map, the files.
	report, err := m.Report()
	if err != nil || !strings.Contains(report.Markdown, "| rank |") || !strings.Contains(report.Markdown, "Ranked by mean validation accuracy") || report.Heatmap == nil {
		t.Errorf("report: %v\n%s", err, report.Markdown)
	}
	files, err := m.WriteReport(dir, report)
	if err != nil || len(files) != 4 {
		t.Errorf("report files %v, %v", files, err)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := experiments.MergeSweep(t.TempDir()); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "not a sweep directory") {
		t.Errorf("merging a directory without a plan: %v", err)
	}
	// A stray file in points/ is a clear error, not a silent skip.
	raw, _ := json.Marshal(map[string]int{"x": 1})
	os.WriteFile(filepath.Join(points, "stray.csv"), raw, 0o644)
	if _, err := experiments.MergeSweep(dir); err == nil || !strings.Contains(err.Error(), "stray.csv") {
		t.Errorf("a stray CSV in points/: %v", err)
	}
}

// TestDamagedPoint: a point file whose values are outside their ranges (an
// accuracy of 7.5, a negative time) is reported as damaged, naming the
// value, rather than reported as a result.
func TestDamagedPoint(t *testing.T) {
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 12, LR: 1e-3, Seed: 1}
	good := experiments.SweepPoint{Config: cfg, TrainAcc: 0.8, ValAcc: math.NaN(), TestAcc: 0.75, Test: map[string]float64{},
		BestEpoch: 1, BestTest: 0.75, Trials: 10, Seconds: 2, Data: "synthetic", DataID: "abc", Completed: time.Unix(0, 0).UTC()}
	for _, c := range []struct {
		name   string
		change func(*experiments.SweepPoint)
		err    string
	}{
		{"in range", func(*experiments.SweepPoint) {}, ""},
		{"accuracy 7.5", func(p *experiments.SweepPoint) { p.TestAcc, p.Test = 7.5, map[string]float64{"accuracy": 7.5} }, "test_acc is 7.5, outside [0, 1]"},
		{"negative train accuracy", func(p *experiments.SweepPoint) { p.TrainAcc = -0.1 }, "train_acc is -0.1"},
		{"negative time", func(p *experiments.SweepPoint) { p.Seconds = -3 }, "seconds -3 is negative"},
	} {
		dir := t.TempDir()
		p := good
		c.change(&p)
		if err := experiments.WritePoint(dir, p); err != nil {
			t.Fatal(err)
		}
		points, _, err := experiments.ReadPoints(dir)
		if c.err == "" {
			if err != nil || len(points) != 1 {
				t.Errorf("%s: %d points, %v", c.name, len(points), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: %d points, error %v; want one saying the point is damaged: %q", c.name, len(points), err, c.err)
		}
	}
}
