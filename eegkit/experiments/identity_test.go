package experiments_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// everyField is a configuration with every field of TrainConfig set.
func everyField() train.TrainConfig {
	p := 0.5
	return train.TrainConfig{Model: "eegnetv4", Activation: "elu", Epochs: 40, Batch: 32, LR: 1e-3, WeightDecay: 1e-4, Dropout: &p, Seed: 3,
		Beta1: 0.8, Beta2: 0.99, Eps: 1e-7, ValFraction: 0.2, Select: "val_acc", Patience: 5, Schedule: "step", StepEvery: 10, Gamma: 0.5,
		Augment: "noise:0.1:0.5", Crop: 500, CropStride: 125, Input: &train.Input{Chans: 17, Times: 960, Classes: 2}}
}

// TestRunIDsAreStable pins the run ids of the lab's six presets, the zoo's
// presets and a configuration with every field set, on the synthetic data
// (seed 1), as eegkit 4b70699 computed them: a run store holding these runs
// finds them again. A change that moves one retrains every user's runs.
func TestRunIDsAreStable(t *testing.T) {
	data := synthtest.Load(t)
	if id := data.ID(); id != "sha256:f8faa1f022af8bd995f3aa755b24f0df9a418edeed5d75bf9c512cf69cc5ecd6" {
		t.Fatalf("the synthetic data's id is %s: the data changed, so every id below does", id)
	}
	every := everyField()
	for _, c := range []struct {
		model string
		act   nn.Activation
		cfg   *train.TrainConfig // instead of the preset
		want  string
	}{
		{"eegnet", nn.ReLU, nil, "1aa792a141"},
		{"eegnet", nn.LeakyReLU, nil, "2c831966cb"},
		{"eegnet", nn.ELU, nil, "1197884cfc"},
		{"deepconvnet", nn.ReLU, nil, "7961c385d5"},
		{"deepconvnet", nn.LeakyReLU, nil, "9696ec2e9e"},
		{"deepconvnet", nn.ELU, nil, "5dd27646ad"},
		{"shallowfbcspnet", nn.NoActivation, nil, "abfee6993c"},
		{"eegnetv4", nn.ELU, nil, "fd7b9bdb7a"},
		{"every field", 0, &every, "d976876cd7"},
	} {
		cfg := c.cfg
		if cfg == nil {
			preset, err := train.Preset(c.model, c.act)
			if err != nil {
				t.Fatal(err)
			}
			preset = preset.ForData(data)
			cfg = &preset
		}
		if got := experiments.RunID(*cfg, data.ID()); got != c.want {
			t.Errorf("%s %s: run id %s, want %s (key %s)", c.model, c.act.Name(), got, c.want, cfg.IdentityKey())
		}
	}
}

// TestSweepPointDirsAreStable pins the names of sweep points' run
// directories, as eegkit dd0fafd made them: a sweep finds the points it
// trained before.
func TestSweepPointDirsAreStable(t *testing.T) {
	data := synthtest.Load(t)
	every := everyField()
	for _, c := range []struct {
		model string
		act   nn.Activation
		cfg   *train.TrainConfig
		want  string
	}{
		{"eegnet", nn.ELU, nil, "eegnet_elu_b12_lr0.0005_s1_44632a76"},
		{"deepconvnet", nn.ReLU, nil, "deepconvnet_relu_b64_lr0.001_s1_e49a4a72"},
		{"shallowfbcspnet", nn.NoActivation, nil, "shallowfbcspnet_b64_lr0.000625_s1_5d9452d1"},
		{"every field", 0, &every, "eegnetv4_elu_b32_lr0.001_s3_edf29383"},
	} {
		cfg := c.cfg
		if cfg == nil {
			preset, err := train.Preset(c.model, c.act)
			if err != nil {
				t.Fatal(err)
			}
			cfg = &preset
		}
		if got := experiments.PointRunDir("", *cfg, data); got != c.want {
			t.Errorf("%s %s: point directory %s, want %s", c.model, c.act.Name(), got, c.want)
		}
	}
}

// TestOldStoreIsReused: a run store written by eegkit 4b70699 (committed in
// testdata: a finished run, and one interrupted after its first epoch) is
// found: the finished run is reused as it is, the interrupted one resumes
// and finishes.
func TestOldStoreIsReused(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "store-4b70699"))); err != nil {
		t.Fatal(err)
	}
	data := synthtest.Small(t)
	store := experiments.OpenStore(dir)
	runs, err := store.List()
	if err != nil || len(runs) != 2 {
		t.Fatalf("the old store lists %d runs, %v", len(runs), err)
	}
	done := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 2, Batch: 32, LR: 1e-3, Seed: 1}
	weights := filepath.Join(store.RunDir(done, data), train.WeightsFile)
	before, err := os.ReadFile(weights)
	if err != nil {
		t.Fatalf("the finished run is not where this eegkit looks for it: %v", err)
	}
	run, reused, err := store.Train(context.Background(), done, data, nil)
	if err != nil || !reused || len(run.History) != 2 {
		t.Fatalf("the finished run: reused %v, %v", reused, err)
	}
	if after, _ := os.ReadFile(weights); string(after) != string(before) {
		t.Error("reusing the finished run rewrote its weights")
	}
	cut := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 3, Batch: 32, LR: 1e-3, Seed: 2}
	run, reused, err = store.Train(context.Background(), cut, data, nil)
	if err != nil || reused || !run.Complete || len(run.History) != 3 || len(run.ResumedAt) != 1 || run.ResumedAt[0] != 1 {
		t.Fatalf("the interrupted run: reused %v, complete %v, %d epochs, resumed at %v, %v", reused, run != nil && run.Complete, len(run.History), run.ResumedAt, err)
	}
}
