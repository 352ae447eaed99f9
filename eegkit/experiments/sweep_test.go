package experiments_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

func TestSweepGridAppendsAndResumes(t *testing.T) {
	ld := synthtest.Load(t)
	small := &eeg.Data{Train: synthtest.Subset(ld.Train, 64), Test: synthtest.Subset(ld.Test, 32), Source: ld.Source}
	base := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	csvPath := filepath.Join(t.TempDir(), "sweep.csv")
	trained := 0
	progress := func(cfg train.TrainConfig, e train.EpochStats) { trained++ }
	points, err := experiments.SweepGrid(context.Background(), base, []int{16, 32}, []float64{1e-3}, small, experiments.SweepOptions{CSV: csvPath, Workers: 2, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || trained != 2 {
		t.Fatalf("%d points, %d epochs trained", len(points), trained)
	}
	if points[0].TestAcc < points[1].TestAcc {
		t.Error("points are not sorted by test accuracy")
	}
	raw, _ := os.ReadFile(csvPath)
	if lines := strings.Split(strings.TrimSpace(string(raw)), "\n"); len(lines) != 3 {
		t.Fatalf("sweep.csv:\n%s", raw)
	}
	// A re-run with one new learning rate trains only the new points.
	trained = 0
	points, err = experiments.SweepGrid(context.Background(), base, []int{16, 32}, []float64{1e-3, 3e-3}, small, experiments.SweepOptions{CSV: csvPath, Workers: 1, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 4 || trained != 2 {
		t.Errorf("re-run: %d points, %d new trainings (want 4, 2)", len(points), trained)
	}
	back, err := experiments.ReadSweep(csvPath)
	if err != nil || len(back) != 4 {
		t.Fatalf("ReadSweep: %d points, %v", len(back), err)
	}
	// Points trained two at a time equal points trained alone.
	alone, err := experiments.SweepGrid(context.Background(), base, []int{16}, []float64{1e-3}, small, experiments.SweepOptions{CSV: filepath.Join(t.TempDir(), "alone.csv"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range points {
		if p.Config.Batch == 16 && p.Config.LR == 1e-3 && (p.TestAcc != alone[0].TestAcc || p.TrainAcc != alone[0].TrainAcc) {
			t.Errorf("parallel point %+v differs from the same point trained alone %+v", p, alone[0])
		}
	}
	table := experiments.SweepTable(points)
	if !strings.Contains(table, "| 1 | eegnet | relu |") {
		t.Errorf("table:\n%s", table)
	}
	if _, err := experiments.SweepHeatmap("t", points, []int{16, 32}, []float64{1e-3, 3e-3}); err != nil {
		t.Error(err)
	}
	if _, err := experiments.SweepGrid(context.Background(), base, []int{1}, []float64{1e-3}, small, experiments.SweepOptions{CSV: csvPath, Workers: 0}); err == nil {
		t.Error("batch size 1 accepted")
	}
	if err := os.WriteFile(csvPath, []byte("model,activation\nx,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := experiments.ReadSweep(csvPath); err == nil {
		t.Error("malformed CSV accepted")
	}
}

func TestGridConfigs(t *testing.T) {
	g := experiments.Grid{Base: train.TrainConfig{Epochs: 5, ValFraction: 0.2, Select: train.SelectValAcc}, Models: []string{"eegnet", "deepconvnet"},
		Activations: []string{"relu", "elu"}, Dropouts: []float64{-1, 0.1}, Seeds: []uint64{1, 2}}
	configs, err := g.Configs()
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != 2*2*2*2 {
		t.Fatalf("%d configurations, want 16", len(configs))
	}
	// Batch and learning rate come from each model's preset when not swept.
	for _, c := range configs {
		act, _ := nn.ParseActivation(c.Activation)
		p, _ := train.Preset(c.Model, act)
		if c.Batch != p.Batch || c.LR != p.LR || c.Epochs != 5 || c.ValFraction != 0.2 {
			t.Errorf("%s: not the preset's batch/lr or lost the base settings", c)
		}
	}
	if configs[0].Dropout != nil || configs[2].Dropout == nil || *configs[2].Dropout != 0.1 || configs[1].Seed != 2 {
		t.Errorf("dropout/seed axes: %s, %s, %s", configs[0], configs[1], configs[2])
	}
	if _, err := (experiments.Grid{Base: train.TrainConfig{Model: "eegnet", Activation: "elu"}, LRs: []float64{-1}}).Configs(); err == nil {
		t.Error("a negative learning rate was accepted")
	}
	if _, err := (experiments.Grid{Models: []string{"lenet"}, Activations: []string{"elu"}}).Configs(); err == nil {
		t.Error("an unknown model was accepted")
	}
}

func TestSweepSeedsTableAndHeatmap(t *testing.T) {
	data := synthtest.Small(t)
	g := experiments.Grid{Base: train.TrainConfig{Epochs: 2, ValFraction: 0.25, Select: train.SelectValAcc}, Models: []string{"eegnet"},
		Activations: []string{"relu"}, Batches: []int{16}, LRs: []float64{1e-3, 3e-3}, Seeds: []uint64{1, 2}}
	configs, err := g.Configs()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opt := experiments.SweepOptions{CSV: filepath.Join(dir, "sweep.csv"), RunsDir: filepath.Join(dir, "runs"), CheckpointEvery: 1}
	points, err := experiments.Sweep(context.Background(), configs, data, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 4 {
		t.Fatalf("%d points", len(points))
	}
	for i := 1; i < len(points); i++ {
		if points[i].ValAcc > points[i-1].ValAcc {
			t.Error("points are not sorted by validation accuracy")
		}
	}
	// Every point's model is kept, with no checkpoint left behind.
	runs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", train.RunFile))
	left, _ := filepath.Glob(filepath.Join(dir, "runs", "*", train.CheckpointFile))
	if len(runs) != 4 || len(left) != 0 {
		t.Errorf("%d saved runs, %d checkpoints left", len(runs), len(left))
	}
	back, err := experiments.ReadSweep(opt.CSV)
	if err != nil || len(back) != 4 {
		t.Fatalf("ReadSweep: %d points, %v", len(back), err)
	}
	groups := experiments.GroupSeeds(back)
	if len(groups) != 2 || len(groups[0].Seeds) != 2 {
		t.Fatalf("%d groups", len(groups))
	}
	for _, gr := range groups {
		var accs []float64
		for _, p := range back {
			if p.Config.LR == gr.Config.LR {
				accs = append(accs, p.TestAcc)
			}
		}
		if want := experiments.NewMeanStd(accs); gr.TestAcc != want {
			t.Errorf("lr %g: test accuracy %+v, want %+v", gr.Config.LR, gr.TestAcc, want)
		}
	}
	experiments.SortGroups(groups)
	table := experiments.ResultsTable(groups)
	if !strings.Contains(table, "| 1 | eegnet | relu | 16 |") || !strings.Contains(table, "val 0.25, val_acc") || !strings.Contains(table, " ± ") {
		t.Errorf("table:\n%s", table)
	}
	if _, err := experiments.ResultsHeatmap("t", groups); err != nil {
		t.Error(err)
	}
	// A rerun trains nothing.
	trained := 0
	opt.Progress = func(train.TrainConfig, train.EpochStats) { trained++ }
	if _, err := experiments.Sweep(context.Background(), configs, data, opt); err != nil || trained != 0 {
		t.Errorf("rerun trained %d epochs (%v)", trained, err)
	}
}

func TestMeanStd(t *testing.T) {
	cases := []struct {
		in   []float64
		want experiments.MeanStd
		pct  string
	}{
		{[]float64{0.8, 0.9}, experiments.MeanStd{Mean: 0.85, Std: math.Sqrt(0.005), N: 2}, "85.00 ± 7.07 %"},
		{[]float64{0.5}, experiments.MeanStd{Mean: 0.5, N: 1}, "50.00 %"},
		{[]float64{0.7, math.NaN(), 0.7}, experiments.MeanStd{Mean: 0.7, N: 2}, "70.00 ± 0.00 %"},
		{nil, experiments.MeanStd{Mean: math.NaN(), Std: math.NaN()}, "–"},
	}
	for _, tc := range cases {
		got := experiments.NewMeanStd(tc.in)
		same := func(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-12 }
		if got.N != tc.want.N || !same(got.Mean, tc.want.Mean) || !same(got.Std, tc.want.Std) || got.Percent() != tc.pct {
			t.Errorf("NewMeanStd(%v) = %+v %q, want %+v %q", tc.in, got, got.Percent(), tc.want, tc.pct)
		}
	}
}

// TestHeatmapAxesAscend: the two heat maps ordered the learning-rate axis
// differently (one as given, one by rank).
func TestHeatmapAxesAscend(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"0.001", "0.0005", "0.002"}, []string{"0.0005", "0.001", "0.002"}},
		{[]string{"64", "12", "32"}, []string{"12", "32", "64"}},
		{[]string{"relu", "elu", "leakyrelu"}, []string{"elu", "leakyrelu", "relu"}},
	} {
		got := append([]string(nil), c.in...)
		experiments.SortAxis(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("sortAxis(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
