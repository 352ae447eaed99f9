package train_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/train"
)

func TestSplitValidation(t *testing.T) {
	ld := synthtest.Load(t)
	train, val, err := ld.Train.SplitValidation(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len()+val.Len() != ld.Train.Len() {
		t.Fatalf("%d + %d trials, want %d", train.Len(), val.Len(), ld.Train.Len())
	}
	// Stratified: every subject × class loses round(0.2·n) trials.
	count := func(d *eeg.Dataset) map[[2]int]int {
		c := map[[2]int]int{}
		for i, y := range d.Y {
			c[[2]int{d.Subject[i], int(y)}]++
		}
		return c
	}
	all, held := count(ld.Train), count(val)
	for k, n := range all {
		if want := int(math.Round(0.2 * float64(n))); held[k] != want {
			t.Errorf("subject %d class %d: %d of %d held out, want %d", k[0], k[1], held[k], n, want)
		}
	}
	// The parts are disjoint: every trial of the original is in exactly one part.
	seen := map[string]int{}
	for _, d := range []*eeg.Dataset{train, val} {
		for i := range d.Len() {
			seen[string(f32bytes(d.Trial(i)))]++
		}
	}
	for i := range ld.Train.Len() {
		if n := seen[string(f32bytes(ld.Train.Trial(i)))]; n != 1 {
			t.Fatalf("trial %d appears %d times in the split", i, n)
		}
	}
	again, _, _ := ld.Train.SplitValidation(0.2, 7)
	other, _, _ := ld.Train.SplitValidation(0.2, 8)
	if !reflect.DeepEqual(again.Y, train.Y) || !reflect.DeepEqual(again.X[:datasets.LabShape().TrialSize()*5], train.X[:datasets.LabShape().TrialSize()*5]) {
		t.Error("the same seed gave a different split")
	}
	if reflect.DeepEqual(other.X[:datasets.LabShape().TrialSize()*20], train.X[:datasets.LabShape().TrialSize()*20]) {
		t.Error("another seed gave the same split")
	}
	for _, frac := range []float64{0, 1, -0.1, math.NaN()} {
		if _, _, err := ld.Train.SplitValidation(frac, 1); err == nil {
			t.Errorf("fraction %g accepted", frac)
		}
	}
	if _, _, err := synthtest.Subset(ld.Train, 2).SplitValidation(0.4, 1); err == nil {
		t.Error("a split leaving one training trial was accepted")
	}
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		u := math.Float32bits(x)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}

func TestEpochLR(t *testing.T) {
	// Values of torch.optim.lr_scheduler.StepLR(step_size=2, gamma=0.5) and
	// CosineAnnealingLR(T_max=4), stepped once per epoch.
	cases := []struct {
		cfg  train.TrainConfig
		want []float64
	}{
		{train.TrainConfig{LR: 1e-3, Epochs: 4}, []float64{1e-3, 1e-3, 1e-3, 1e-3}},
		{train.TrainConfig{LR: 1e-3, Epochs: 5, Schedule: train.ScheduleStep, StepEvery: 2, Gamma: 0.5}, []float64{1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4}},
		{train.TrainConfig{LR: 1e-3, Epochs: 3, Schedule: train.ScheduleStep, StepEvery: 1}, []float64{1e-3, 1e-4, 1e-5}},
		{train.TrainConfig{LR: 1e-3, Epochs: 4, Schedule: train.ScheduleCosine}, []float64{1e-3, 8.535533905932737e-4, 5e-4, 1.4644660940672628e-4}},
	}
	for _, tc := range cases {
		for e, want := range tc.want {
			if got := tc.cfg.EpochLR(e + 1); math.Abs(got-want) > 1e-15 {
				t.Errorf("%s epoch %d: lr %g, want %g", tc.cfg.Schedule, e+1, got, want)
			}
		}
	}
}

func TestValidateProtocol(t *testing.T) {
	base := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 3, Batch: 8, LR: 1e-3}
	cases := []struct {
		name string
		edit func(*train.TrainConfig)
		want string // "" when valid
	}{
		{"lab protocol", func(c *train.TrainConfig) {}, ""},
		{"validation protocol", func(c *train.TrainConfig) { c.ValFraction, c.Select, c.Patience = 0.2, train.SelectValAcc, 5 }, ""},
		{"cosine", func(c *train.TrainConfig) { c.Schedule = train.ScheduleCosine }, ""},
		{"too much validation", func(c *train.TrainConfig) { c.ValFraction = 0.9 }, "validation fraction"},
		{"select without validation", func(c *train.TrainConfig) { c.Select = train.SelectValLoss }, "needs a validation split"},
		{"unknown selection", func(c *train.TrainConfig) { c.ValFraction, c.Select = 0.2, "test_acc" }, "unknown model selection"},
		{"patience without score", func(c *train.TrainConfig) { c.ValFraction, c.Patience = 0.2, 3 }, "needs a validation score"},
		{"negative patience", func(c *train.TrainConfig) { c.Patience = -1 }, "patience"},
		{"unknown schedule", func(c *train.TrainConfig) { c.Schedule = "linear" }, "unknown learning-rate schedule"},
		{"step without interval", func(c *train.TrainConfig) { c.Schedule = train.ScheduleStep }, "step_every"},
		{"bad gamma", func(c *train.TrainConfig) { c.Schedule, c.StepEvery, c.Gamma = train.ScheduleStep, 2, 3 }, "gamma"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.edit(&c)
			err := c.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFitResumesToTheSameWeights interrupts a run (as a kill would: only the
// checkpoint on disk survives), resumes it in a new Fit and checks that it
// ends with exactly the weights and history of an uninterrupted run: with
// Adam and a cosine schedule, and with SGD's Nesterov momentum (its state
// checkpointed by name), a warm-up, gradient clipping and label smoothing.
func TestFitResumesToTheSameWeights(t *testing.T) {
	data := synthtest.Small(t)
	for _, cfg := range []train.TrainConfig{
		{Model: "eegnet", Activation: "elu", Epochs: 4, Batch: 16, LR: 2e-3, Seed: 3,
			ValFraction: 0.25, Select: train.SelectValAcc, Schedule: train.ScheduleCosine},
		{Model: "eegnet", Activation: "elu", Epochs: 4, Batch: 16, LR: 1e-2, Seed: 3, Optimizer: train.OptimizerSGD, Momentum: 0.9,
			Nesterov: true, WeightDecay: 1e-3, Warmup: 1, Schedule: train.ScheduleCosine, Clip: 1, LabelSmoothing: 0.1},
	} {
		t.Run(cfg.Optim().Name(), func(t *testing.T) { checkResume(t, data, cfg) })
	}
}

func checkResume(t *testing.T, data *eeg.Data, cfg train.TrainConfig) {
	ref, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = train.Fit(ctx, cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Progress: func(e train.EpochStats) {
		if e.Epoch == 2 {
			cancel() // stops in the first mini-batch of epoch 3
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	resumed, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resumed.ResumedAt, []int{2}) {
		t.Errorf("resumed at %v, want [2]", resumed.ResumedAt)
	}
	a, _ := ref.Net.StateDict()
	b, _ := resumed.Net.StateDict()
	for k := range a {
		if !reflect.DeepEqual(a[k].Data, b[k].Data) {
			t.Errorf("%s differs after resuming", k)
		}
	}
	for i := range ref.History {
		x, y := ref.History[i], resumed.History[i]
		x.Seconds, y.Seconds = 0, 0
		if x != y {
			t.Errorf("epoch %d: %+v, resumed %+v", i+1, x, y)
		}
	}
	if ref.BestEpoch != resumed.BestEpoch || ref.Test.Accuracy != resumed.Test.Accuracy {
		t.Errorf("kept epoch %d (test %.4f), resumed %d (%.4f)", ref.BestEpoch, ref.Test.Accuracy, resumed.BestEpoch, resumed.Test.Accuracy)
	}
	// Saving the finished run removes its checkpoint.
	if err := resumed.Save(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, train.CheckpointFile)); !os.IsNotExist(err) {
		t.Errorf("checkpoint left after saving the finished run: %v", err)
	}
}

func TestFitCheckpointErrors(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	dir := t.TempDir()
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1}); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.LR = 5e-4
	if _, err := train.Fit(context.Background(), other, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1}); err == nil ||
		!strings.Contains(err.Error(), "checkpoint of another run") {
		t.Errorf("checkpoint of another configuration: %v", err)
	}
	_, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Device: train.Device{Parts: train.DefaultParts + 1}})
	if err == nil || !strings.Contains(err.Error(), "EEGKIT_PARTS") {
		t.Errorf("checkpoint of another batch split: %v", err)
	}
	path := filepath.Join(dir, train.CheckpointFile)
	raw, _ := os.ReadFile(path)
	if err := os.WriteFile(path, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1}); err == nil ||
		!strings.Contains(err.Error(), "is damaged") {
		t.Errorf("truncated checkpoint: %v", err)
	}
	// Every single-bit flip, anywhere in the file, is refused (the probe
	// resumed 7 of 12 silently before checkpoints carried a checksum).
	for i := range 24 {
		flipped := append([]byte(nil), raw...)
		bit := (i*7919 + 13) % (8 * len(raw))
		if i < 4 {
			bit = i * 13 // the magic and the checksum themselves
		}
		flipped[bit/8] ^= 1 << (bit % 8)
		if err := os.WriteFile(path, flipped, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := train.ReadCheckpoint(dir); err == nil {
			t.Errorf("a checkpoint with bit %d flipped is accepted", bit)
		}
	}
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointEvery: -1}); err == nil {
		t.Error("negative checkpoint interval accepted")
	}
}

// TestFitSelectsAndStopsEarly checks that the validation protocol keeps the
// best validation epoch's weights and stops after Patience epochs without
// improvement.
func TestFitSelectsAndStopsEarly(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 30, Batch: 16, LR: 1e-2, Seed: 1,
		ValFraction: 0.25, Select: train.SelectValLoss, Patience: 2}
	run, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(run.History)
	if n == cfg.Epochs || n-run.BestEpoch != cfg.Patience {
		t.Fatalf("ran %d epochs, kept epoch %d; want an early stop %d epochs after the best", n, run.BestEpoch, cfg.Patience)
	}
	best := run.Kept()
	for _, e := range run.History {
		if e.ValLoss < best.ValLoss {
			t.Errorf("epoch %d has a lower validation loss (%g) than the kept epoch %d (%g)", e.Epoch, e.ValLoss, best.Epoch, best.ValLoss)
		}
	}
	// The kept weights are the best epoch's: their evaluation repeats that epoch's numbers.
	if run.Val.Loss != best.ValLoss || run.Test.Accuracy != best.TestAcc {
		t.Errorf("kept model: val loss %g test %g; epoch %d had %g and %g", run.Val.Loss, run.Test.Accuracy, best.Epoch, best.ValLoss, best.TestAcc)
	}
	if !strings.Contains(run.Protocol, "validation protocol") || !strings.Contains(run.Protocol, "never used to choose") {
		t.Errorf("protocol: %q", run.Protocol)
	}
}

// TestFitFinalTestOnly checks that FinalTestOnly leaves the training and
// the chosen model as they were and only skips the epochs' test
// evaluations.
func TestFitFinalTestOnly(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 4, Batch: 16, LR: 1e-2, Seed: 1,
		ValFraction: 0.25, Select: train.SelectValLoss}
	every, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	final, err := train.Fit(context.Background(), cfg, data, train.FitOptions{FinalTestOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range final.History {
		if e.TestLoss != 0 || e.TestAcc != 0 {
			t.Errorf("epoch %d was tested (loss %g, accuracy %g)", e.Epoch, e.TestLoss, e.TestAcc)
		}
		if e.ValLoss != every.History[i].ValLoss || e.TrainLoss != every.History[i].TrainLoss {
			t.Errorf("epoch %d trained otherwise: val loss %g, train loss %g; with every epoch tested %g, %g",
				e.Epoch, e.ValLoss, e.TrainLoss, every.History[i].ValLoss, every.History[i].TrainLoss)
		}
	}
	if final.BestEpoch != every.BestEpoch || !reflect.DeepEqual(final.Test, every.Test) {
		t.Errorf("kept epoch %d, test %+v; with every epoch tested %d, %+v", final.BestEpoch, final.Test, every.BestEpoch, every.Test)
	}
}
