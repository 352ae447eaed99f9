package train_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// signFlip negates each trial with probability P (braindecode's SignFlip).
type signFlip struct{ P float64 }

func (s signFlip) Name() string { return fmt.Sprintf("signflip:%g", s.P) }

func (s signFlip) Apply(x []float32, _ []int32, trial nn.Shape3, rng *rand.Rand) {
	n := trial.Size()
	for i := 0; i < len(x)/n; i++ {
		if rng.Float64() < s.P {
			for j := i * n; j < (i+1)*n; j++ {
				x[j] = -x[j]
			}
		}
	}
}

// TestBatchTransform: a per-batch transform changes training (and only the
// batches: the data stays as it was), a run interrupted and resumed ends
// with exactly the weights of an uninterrupted one (the augmentation stream
// is checkpointed), and the configuration must name the transform.
func TestBatchTransform(t *testing.T) {
	data := synthtest.Small(t)
	before := append([]float32(nil), data.Train.X...)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 3, Batch: 16, LR: 2e-3, Seed: 3}
	plain, err := train.Fit(context.Background(), cfg, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	flip := signFlip{P: 0.5}
	aug := cfg
	aug.Augment = flip.Name()
	ref, err := train.Fit(context.Background(), aug, data, train.FitOptions{Transform: flip})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(data.Train.X, before) {
		t.Fatal("the transform changed the dataset, not a copy of the batch")
	}
	a, _ := plain.Net.StateDict()
	b, _ := ref.Net.StateDict()
	if reflect.DeepEqual(a["classify.0.weight"].Data, b["classify.0.weight"].Data) {
		t.Error("the transform did not change training")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = train.Fit(ctx, aug, data, train.FitOptions{Transform: flip, CheckpointDir: dir, CheckpointEvery: 1, Progress: func(e train.EpochStats) {
		if e.Epoch == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	resumed, err := train.Fit(context.Background(), aug, data, train.FitOptions{Transform: flip, CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := resumed.Net.StateDict()
	for k := range b {
		if !reflect.DeepEqual(b[k].Data, c[k].Data) {
			t.Errorf("%s differs after resuming an augmented run", k)
		}
	}
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{Transform: flip}); err == nil || !strings.Contains(err.Error(), `the configuration's Augment is "" but the transform is "signflip:0.5"`) {
		t.Errorf("unnamed transform: %v", err)
	}
	for _, tc := range []struct{ augment, want string }{
		{"myflip", `unknown transform "myflip"`},
		{"signflip", `is not in canonical form: use "signflip:0.5"`},
	} {
		c := cfg
		c.Augment = tc.augment
		if _, err := train.Fit(context.Background(), c, data, train.FitOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Augment %q without a transform: %v, want an error saying %q", tc.augment, err, tc.want)
		}
	}
	// An augmentation of package augment, named in the configuration, with
	// Mixup's soft targets: Fit builds it, and a resumed run ends exactly
	// where an uninterrupted one does.
	spec := cfg
	spec.Augment = "mirror:0.5,timeshift:12:0.5,mixup:0.4"
	whole, err := train.Fit(context.Background(), spec, data, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	ctx, cancel = context.WithCancel(context.Background())
	if _, err := train.Fit(ctx, spec, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Progress: func(e train.EpochStats) {
		if e.Epoch == 2 {
			cancel()
		}
	}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	again, err := train.Fit(context.Background(), spec, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	w1, _ := whole.Net.StateDict()
	w2, _ := again.Net.StateDict()
	for k := range w1 {
		if !reflect.DeepEqual(w1[k].Data, w2[k].Data) {
			t.Errorf("%s differs after resuming a Mixup run", k)
		}
	}
	if reflect.DeepEqual(w1["classify.0.weight"].Data, a["classify.0.weight"].Data) {
		t.Error("the augmentation did not change training")
	}
	if experiments.RunID(aug, "d") == experiments.RunID(cfg, "d") {
		t.Error("an augmented run has the id of the plain one")
	}
}
