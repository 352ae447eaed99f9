package eegkit

// Tests that reproduce the defects a fault-and-bad-input probe found: each
// failed (hung, crashed, or lost or accepted data silently) before its fix.

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// withTrialValue returns a copy of ds whose trial i holds v everywhere.
func withTrialValue(ds *eeg.Dataset, i int, v float32) *eeg.Dataset {
	c := ds.Subset(allIndices(ds.Len()))
	c.X = append([]float32(nil), c.X...)
	for j := range datasets.LabShape().TrialSize() {
		c.X[i*datasets.LabShape().TrialSize()+j] = v
	}
	return c
}

func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// TestNonFiniteOutputsAreErrors: a test trial of 3e38 made train hang after
// epoch 1, and predict call every trial "left hand" on NaN logits.
func TestNonFiniteOutputsAreErrors(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 2, Batch: 32, LR: 1e-3, Seed: 1}
	bad := &eeg.Data{Train: data.Train, Test: withTrialValue(data.Test, 3, 3e38), Source: "probe"}
	done := make(chan error, 1)
	go func() { _, err := train.Fit(context.Background(), cfg, bad, train.FitOptions{}); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "test set") || !strings.Contains(err.Error(), "trial 3") {
			t.Errorf("got %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("Fit hangs on a test trial of 3e38")
	}
	m, _ := models.New("eegnet", nn.ELU)
	net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, train.Device{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := net.Predict(withTrialValue(data.Test, 0, 3e38)); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("Predict: %v", err)
	}
}

// TestDivergenceKeepsTheLastGoodEpoch: a diverging run used to leave NaN
// weights and a NaN checkpoint that blocked every rerun.
func TestDivergenceKeepsTheLastGoodEpoch(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 3, Batch: 32, LR: 1e-3, Seed: 1}
	bad := &eeg.Data{Train: withTrialValue(data.Train, 5, 3e38), Test: data.Test, Source: "probe"}
	dir := t.TempDir()
	run, err := train.Fit(context.Background(), cfg, bad, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err == nil || !strings.Contains(err.Error(), "training diverged at epoch 1") {
		t.Fatalf("got %v", err)
	}
	if err := run.Net.CheckFinite(); err != nil {
		t.Errorf("the network was left with %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, train.CheckpointFile)); !os.IsNotExist(err) {
		t.Errorf("a checkpoint of the diverged run was written: %v", err)
	}
}

// TestInterruptKeepsFinishedEpochWeights: Ctrl-C saved weights from partway
// through the next epoch while run.json listed the finished epochs only.
func TestInterruptKeepsFinishedEpochWeights(t *testing.T) {
	data := synthtest.Small(t) // 120 trials: 4 batches of 32 an epoch
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	one, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := one.Net.StateDict()
	cfg.Epochs = 3
	run, err := train.Fit(synthtest.CancelAfter(4+2), cfg, data, train.FitOptions{})
	if err != context.Canceled || len(run.History) != 1 {
		t.Fatalf("err %v, %d epochs", err, len(run.History))
	}
	got, _ := run.Net.StateDict()
	if !reflect.DeepEqual(got, want) {
		t.Error("the interrupted run holds other weights than its finished epoch's")
	}
	dir := t.TempDir()
	if err := run.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := train.LoadRun(dir)
	if err != nil || back.Complete {
		t.Fatalf("LoadRun: complete %v, %v", back != nil && back.Complete, err)
	}
	m, err := back.Net.Evaluate(data.Test)
	if err != nil || m.Loss != run.History[0].TestLoss {
		t.Errorf("the saved model's test loss %g, the recorded epoch's %g (%v)", m.Loss, run.History[0].TestLoss, err)
	}
}

// TestLastBatchOfOneTrial: with trials % batch == 1 the last trial of every
// epoch was dropped; PyTorch trains on it (TestParityBatchOfOne).
func TestLastBatchOfOneTrial(t *testing.T) {
	data := synthtest.Small(t)
	trainSet := data.Train.Subset(allIndices(33))
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 2, Batch: 16, LR: 1e-3, Seed: 1}
	run, err := train.Fit(context.Background(), cfg, &eeg.Data{Train: trainSet, Test: data.Test}, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Net.Steps != 2*3 {
		t.Errorf("%d steps for 2 epochs of 33 trials in batches of 16, want 6 (16 + 16 + 1)", run.Net.Steps)
	}
	for _, e := range run.History {
		if n := e.TrainAcc * 33; math.Abs(n-math.Round(n)) > 1e-9 {
			t.Errorf("epoch %d: train accuracy %g is not a count of 33 trials", e.Epoch, e.TrainAcc)
		}
	}
}

// TestEmptyTestSetIsRefused: a test set without trials trained and reported 0 %.
func TestEmptyTestSetIsRefused(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 16, LR: 1e-3, Seed: 1}
	if _, err := train.Fit(context.Background(), cfg, &eeg.Data{Train: data.Train, Test: &eeg.Dataset{}}, train.FitOptions{}); err == nil ||
		!strings.Contains(err.Error(), "test set is empty") {
		t.Errorf("got %v", err)
	}
}

// TestDataIdentityIsContent: data identity was one constant string for any
// user data, so runs, sweeps and checkpoints of A were taken for B.
func TestDataIdentityIsContent(t *testing.T) {
	a := synthtest.Small(t)
	swapped := a.Train.Subset(allIndices(a.Train.Len()))
	swapped.Y = append([]int32(nil), swapped.Y...)
	for i := range swapped.Y {
		swapped.Y[i] = 1 - swapped.Y[i]
	}
	b := &eeg.Data{Train: swapped, Test: a.Test, Source: a.Source}
	same := &eeg.Data{Train: a.Train.Subset(allIndices(a.Train.Len())), Test: a.Test, Source: "another name"}
	if a.ID() == b.ID() || a.ID() != same.ID() || !strings.HasPrefix(a.ID(), "sha256:") {
		t.Fatalf("ids: A %s, B (labels swapped) %s, A copied %s", a.ID(), b.ID(), same.ID())
	}
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	dir := t.TempDir()
	if _, reused, err := experiments.TrainInDir(context.Background(), cfg, a, dir, true, train.FitOptions{}); err != nil || reused {
		t.Fatalf("first run: reused %v, %v", reused, err)
	}
	if _, reused, err := experiments.TrainInDir(context.Background(), cfg, same, dir, true, train.FitOptions{}); err != nil || !reused {
		t.Errorf("the same data is not reused: %v %v", reused, err)
	}
	run, reused, err := experiments.TrainInDir(context.Background(), cfg, b, dir, true, train.FitOptions{})
	if err != nil || reused || run.DataID != b.ID() {
		t.Errorf("data B reused A's run: reused %v, %v", reused, err)
	}
	// A checkpoint made on A does not resume on B.
	ckDir := t.TempDir()
	cfg.Epochs = 2
	if _, err := train.Fit(synthtest.CancelAfter(4+1), cfg, a, train.FitOptions{CheckpointDir: ckDir, CheckpointEvery: 1}); err != context.Canceled {
		t.Fatal(err)
	}
	if _, err := train.Fit(context.Background(), cfg, b, train.FitOptions{CheckpointDir: ckDir, CheckpointEvery: 1}); err == nil ||
		!strings.Contains(err.Error(), "checkpoint of another run") {
		t.Errorf("a checkpoint of A resumed on B: %v", err)
	}
}

// TestRunDir covers what a run directory refuses, reuses and cleans.
func TestRunDir(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	other := cfg
	other.LR = 2e-3
	dir := t.TempDir()
	fitIn := func(c train.TrainConfig, replace bool) (*train.RunDir, error) {
		rd, err := train.OpenRunDir(dir, c, data.ID(), replace)
		if err != nil || rd.Finished != nil {
			return rd, err
		}
		defer rd.Close()
		run, err := train.Fit(context.Background(), c, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
		if err != nil {
			return rd, err
		}
		return rd, run.Save(dir)
	}
	if _, err := fitIn(cfg, false); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, train.WeightsFile))
	rd, err := train.OpenRunDir(dir, cfg, data.ID(), false)
	if err != nil || rd.Finished == nil {
		t.Fatalf("the same finished run is not reused: %v", err)
	}
	// While one process holds the directory, another is refused, naming its pid.
	if _, err := train.OpenRunDir(dir, cfg, data.ID(), false); err == nil || !strings.Contains(err.Error(), "in use by another eegkit process (pid") {
		t.Errorf("a second writer: %v", err)
	}
	rd.Close()
	if _, err := fitIn(other, false); err == nil || !strings.Contains(err.Error(), "holds a finished run of another configuration") {
		t.Errorf("another configuration replaced the finished run: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, train.WeightsFile)); string(after) != string(before) {
		t.Error("the refused run changed model.npz")
	}
	if _, err := fitIn(other, true); err != nil {
		t.Fatalf("--replace: %v", err)
	}
	if r, err := train.LoadRun(dir); err != nil || r.Config.LR != other.LR {
		t.Errorf("after replace: %v", err)
	}
	// Orphans of a killed atomic write are removed when the directory is opened.
	orphan := filepath.Join(dir, safefile.TempPrefix+"123")
	if err := os.WriteFile(orphan, make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	rd, err = train.OpenRunDir(dir, other, data.ID(), false)
	if err != nil {
		t.Fatal(err)
	}
	rd.Close()
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan temporary file left: %v", err)
	}
	// A damaged saved file is found by its checksum.
	raw, _ := os.ReadFile(filepath.Join(dir, train.WeightsFile))
	raw[len(raw)/2] ^= 4
	os.WriteFile(filepath.Join(dir, train.WeightsFile), raw, 0o644)
	if _, err := train.LoadRun(dir); err == nil || !strings.Contains(err.Error(), "does not match its checksum") {
		t.Errorf("damaged model.npz: %v", err)
	}
	if _, err := train.OpenRunDir(dir, other, data.ID(), false); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("damaged run reopened: %v", err)
	}
	// An output directory that cannot be written is found before training.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := train.OpenRunDir(filepath.Join(file, "run"), cfg, data.ID(), false); err == nil || !strings.Contains(err.Error(), "cannot create the output directory") {
		t.Errorf("unwritable --out: %v", err)
	}
}

// TestNegativeRunningVarIsRefused: imported weights with a negative
// BatchNorm variance were accepted and made every prediction "left hand".
func TestNegativeRunningVarIsRefused(t *testing.T) {
	m, _ := models.New("eegnet", nn.ELU)
	sd := nn.InitWeights(m, 1)
	for name, w := range sd {
		if strings.HasSuffix(name, "running_var") {
			w.Data[0] = -0.5
			break
		}
	}
	if err := sd.Check(m); err == nil || !strings.Contains(err.Error(), "variance cannot be negative") {
		t.Errorf("got %v", err)
	}
}

// TestSweepRepeatsAndTornRows: a grid with repeated values trained one
// point several times, and a torn last CSV row made every rerun fail.
func TestSweepRepeatsAndTornRows(t *testing.T) {
	g := experiments.Grid{Base: train.TrainConfig{Epochs: 1, Seed: 1}, Models: []string{"eegnet"}, Activations: []string{"relu", "ReLU"}, Batches: []int{32, 32}, LRs: []float64{1e-3}}
	cs, err := g.Configs()
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d points, %v", len(cs), err)
	}
	data := synthtest.Small(t)
	dir := t.TempDir()
	opt := experiments.SweepOptions{CSV: filepath.Join(dir, "sweep.csv"), RunsDir: filepath.Join(dir, "runs"), CheckpointEvery: 1}
	if _, err := experiments.Sweep(context.Background(), append(cs, cs...), data, opt); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(opt.CSV)
	if n := strings.Count(string(raw), "\n"); n != 2 {
		t.Fatalf("the CSV has %d lines, want a header and one row:\n%s", n, raw)
	}
	// A torn last row (a write cut short) is dropped and its point done again.
	torn := string(raw) + string(raw[strings.Index(string(raw), "\n")+1:][:40])
	os.WriteFile(opt.CSV, []byte(torn), 0o644)
	var logged []string
	opt.Log = func(s string) { logged = append(logged, s) }
	points, err := experiments.Sweep(context.Background(), cs, data, opt)
	if err != nil || len(points) != 1 || len(logged) != 1 || !strings.Contains(logged[0], "torn last row") {
		t.Fatalf("after a torn row: %d points, %v, log %q", len(points), err, logged)
	}
	// The same data in another sweep is recognised; another data is not.
	back, _ := experiments.ReadSweep(opt.CSV)
	if len(back) != 1 || back[0].DataID != data.ID() {
		t.Errorf("CSV rows %+v", back)
	}
	// Two sweeps on one directory at once: the second is refused.
	lock, err := train.LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	if _, err := experiments.Sweep(context.Background(), cs, data, opt); err == nil || !strings.Contains(err.Error(), "in use by another eegkit process") {
		t.Errorf("concurrent sweep: %v", err)
	}
}
