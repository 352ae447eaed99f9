package train

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
)

// TestResumeAdamCheckpointOfBefore resumes from a checkpoint as eegkit
// wrote them before there were other optimizers than Adam (its moments in
// AdamM and AdamV, no optimizer name) and ends with the weights of an
// uninterrupted run.
func TestResumeAdamCheckpointOfBefore(t *testing.T) {
	data := synthtest.Small(t)
	cfg := TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 3, Batch: 16, LR: 2e-3, Seed: 5}
	ref, err := Fit(context.Background(), cfg, data, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Fit(ctx, cfg, data, FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Progress: func(e EpochStats) {
		if e.Epoch == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	ck, err := ReadCheckpoint(dir)
	if err != nil || ck == nil {
		t.Fatalf("checkpoint: %v", err)
	}
	ck.AdamM, ck.AdamV, ck.Optimizer, ck.State = ck.State["exp_avg"], ck.State["exp_avg_sq"], "", nil
	if ck.AdamM == nil || ck.AdamV == nil {
		t.Fatal("the checkpoint holds no Adam moments by name")
	}
	if err := ck.write(dir); err != nil {
		t.Fatal(err)
	}
	resumed, err := Fit(context.Background(), cfg, data, FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ref.Net.StateDict()
	b, _ := resumed.Net.StateDict()
	if !reflect.DeepEqual(resumed.ResumedAt, []int{1}) || !reflect.DeepEqual(a, b) {
		t.Errorf("resumed at %v from the old checkpoint; same weights as the uninterrupted run: %v", resumed.ResumedAt, reflect.DeepEqual(a, b))
	}
}
