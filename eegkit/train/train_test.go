package train_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestTrainingLearnsSyntheticData trains each model for a few epochs on the
// synthetic data and checks that it classifies the test session well above chance.
func TestTrainingLearnsSyntheticData(t *testing.T) {
	ld := synthtest.Load(t)
	for _, tc := range []struct {
		model  string
		act    nn.Activation
		epochs int
		lr     float64
		minAcc float64
	}{
		{"eegnet", nn.ELU, 4, 1e-3, 0.70},
		{"deepconvnet", nn.LeakyReLU, 5, 1e-3, 0.70},
	} {
		cfg := train.TrainConfig{Model: tc.model, Activation: tc.act.Name(), Epochs: tc.epochs, Batch: 64, LR: tc.lr, Seed: 2}
		run, err := train.Train(context.Background(), cfg, ld, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(run.History) != tc.epochs {
			t.Fatalf("%d epochs of history", len(run.History))
		}
		first, last := run.History[0], run.Final()
		t.Logf("%s: train loss %.3f -> %.3f, test accuracy %.1f%% -> %.1f%% (per subject %v)", cfg, first.TrainLoss, last.TrainLoss,
			100*first.TestAcc, 100*last.TestAcc, run.Test.PerSubject)
		if last.TestAcc < tc.minAcc {
			t.Errorf("%s: test accuracy %.3f after %d epochs, want >= %.2f", cfg, last.TestAcc, tc.epochs, tc.minAcc)
		}
		if last.TrainLoss >= first.TrainLoss {
			t.Errorf("%s: training loss did not fall: %.4f -> %.4f", cfg, first.TrainLoss, last.TrainLoss)
		}
		if run.Test.Trials != ld.Test.Len() || run.Test.Confusion[0][0]+run.Test.Confusion[0][1]+run.Test.Confusion[1][0]+run.Test.Confusion[1][1] != ld.Test.Len() {
			t.Errorf("test metrics cover %d trials", run.Test.Trials)
		}
	}
}

// TestTrainingIsDeterministic trains twice with the same seed (shuffling,
// dropout, initial weights) and expects identical weights, then once with
// another seed and expects different ones.
func TestTrainingIsDeterministic(t *testing.T) {
	ld := synthtest.Load(t)
	small := &eeg.Data{Train: synthtest.Subset(ld.Train, 200), Test: synthtest.Subset(ld.Test, 50), Source: ld.Source}
	train := func(seed uint64) nn.StateDict {
		cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 2, Batch: 32, LR: 1e-3, Seed: seed}
		run, err := train.Train(context.Background(), cfg, small, nil)
		if err != nil {
			t.Fatal(err)
		}
		sd, err := run.Net.StateDict()
		if err != nil {
			t.Fatal(err)
		}
		return sd
	}
	a, b, c := train(5), train(5), train(6)
	same, differ := true, false
	for name := range a {
		same = same && maxAbsDiff(a[name].Data, b[name].Data) == 0
		differ = differ || maxAbsDiff(a[name].Data, c[name].Data) > 0
	}
	if !same {
		t.Error("two runs with the same seed ended with different weights")
	}
	if !differ {
		t.Error("runs with different seeds ended with the same weights")
	}
}

func TestTrainStopsOnCancel(t *testing.T) {
	ld := synthtest.Load(t)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 50, Batch: 64, LR: 1e-3, Seed: 1}
	small := &eeg.Data{Train: synthtest.Subset(ld.Train, 128), Test: synthtest.Subset(ld.Test, 16)}
	run, err := train.Train(ctx, cfg, small, func(e train.EpochStats) {
		if e.Epoch == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if run == nil || len(run.History) != 2 {
		t.Fatalf("the run so far was not returned: %+v", run)
	}
}

func TestTrainConfigValidate(t *testing.T) {
	ok, _ := train.Preset("eegnet", nn.ELU)
	neg := -0.1
	for _, tc := range []struct {
		name string
		edit func(*train.TrainConfig)
	}{
		{"zero epochs", func(c *train.TrainConfig) { c.Epochs = 0 }},
		{"batch 1", func(c *train.TrainConfig) { c.Batch = 1 }},
		{"negative lr", func(c *train.TrainConfig) { c.LR = -1 }},
		{"NaN lr", func(c *train.TrainConfig) { c.LR = math.NaN() }},
		{"negative weight decay", func(c *train.TrainConfig) { c.WeightDecay = -1 }},
		{"negative dropout", func(c *train.TrainConfig) { c.Dropout = &neg }},
		{"unknown model", func(c *train.TrainConfig) { c.Model = "vgg" }},
		{"unknown activation", func(c *train.TrainConfig) { c.Activation = "tanh" }},
		{"beta2 of 1", func(c *train.TrainConfig) { c.Beta2 = 1 }},
		{"unknown optimizer", func(c *train.TrainConfig) { c.Optimizer = "rmsprop" }},
		{"momentum with adam", func(c *train.TrainConfig) { c.Momentum = 0.9 }},
		{"momentum of 1", func(c *train.TrainConfig) { c.Optimizer, c.Momentum = "sgd", 1 }},
		{"nesterov without momentum", func(c *train.TrainConfig) { c.Optimizer, c.Nesterov = "sgd", true }},
		{"beta1 with sgd", func(c *train.TrainConfig) { c.Optimizer, c.Beta1 = "sgd", 0.8 }},
		{"label smoothing of 1", func(c *train.TrainConfig) { c.LabelSmoothing = 1 }},
		{"negative clip", func(c *train.TrainConfig) { c.Clip = -1 }},
		{"warm-up of every epoch", func(c *train.TrainConfig) { c.Warmup = c.Epochs }},
	} {
		c := ok
		tc.edit(&c)
		if err := c.Validate(); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want a one-line error", tc.name, err)
		}
	}
	for _, c := range []train.TrainConfig{
		{Optimizer: "adamw", WeightDecay: 0.01, Warmup: 10, Schedule: train.ScheduleCosine, Clip: 1, LabelSmoothing: 0.1},
		{Optimizer: "sgd", Momentum: 0.9, Nesterov: true},
	} {
		c.Model, c.Activation, c.Epochs, c.Batch, c.LR, c.Seed = "eegnet", "elu", 300, 64, 1e-3, 1
		if err := c.Validate(); err != nil {
			t.Errorf("%s rejected: %v", c, err)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("preset rejected: %v", err)
	}
}

func TestPresets(t *testing.T) {
	for _, tc := range []struct {
		model string
		act   nn.Activation
		batch int
		lr    float64
	}{
		{"eegnet", nn.ReLU, 64, 1e-3}, {"eegnet", nn.LeakyReLU, 12, 4e-4}, {"eegnet", nn.ELU, 12, 5e-4},
		{"deepconvnet", nn.ReLU, 64, 1e-3}, {"deepconvnet", nn.LeakyReLU, 64, 3e-4}, {"deepconvnet", nn.ELU, 64, 3e-4},
	} {
		c, err := train.Preset(tc.model, tc.act)
		if err != nil || c.Batch != tc.batch || c.LR != tc.lr || c.Epochs != 300 {
			t.Errorf("Preset(%s, %s) = %+v, %v", tc.model, tc.act.Name(), c, err)
		}
	}
}
