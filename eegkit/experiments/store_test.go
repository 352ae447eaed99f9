package experiments_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestStoreKeepsRunsSideBySide: a tweaked hyperparameter is another run; the
// first stays unchanged; the same configuration is reused; an interrupted
// run is listed as such and resumes; the report shows the newest run of each
// model and activation on the current data only.
func TestStoreKeepsRunsSideBySide(t *testing.T) {
	data := synthtest.Small(t)
	store := experiments.OpenStore(t.TempDir())
	a := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	b := a
	b.LR = 2e-3
	if _, reused, err := store.Train(context.Background(), a, data, nil); err != nil || reused {
		t.Fatalf("train A: reused %v, %v", reused, err)
	}
	before, _ := os.ReadFile(store.RunDir(a, data) + "/" + train.WeightsFile)
	if _, reused, err := store.Train(context.Background(), b, data, nil); err != nil || reused {
		t.Fatalf("train B: reused %v, %v", reused, err)
	}
	if after, _ := os.ReadFile(store.RunDir(a, data) + "/" + train.WeightsFile); string(after) != string(before) {
		t.Error("training B changed A's model")
	}
	if _, reused, err := store.Train(context.Background(), a, data, nil); err != nil || !reused {
		t.Errorf("A again: reused %v, %v", reused, err)
	}
	if store.RunDir(a, data) == store.RunDir(b, data) || experiments.RunID(a, data.ID()) == experiments.RunID(a, "sha256:other") {
		t.Error("run ids do not tell configurations or data apart")
	}
	// An interrupted run: listed as interrupted, resumed by the same configuration.
	c := a
	c.Epochs, c.Seed = 3, 2
	if _, _, err := store.Train(synthtest.CancelAfter(4+1), c, data, nil); err != context.Canceled {
		t.Fatalf("interrupting C: %v", err)
	}
	runs, err := store.List()
	if err != nil || len(runs) != 3 {
		t.Fatalf("List: %d runs, %v", len(runs), err)
	}
	status := map[string]string{}
	for _, r := range runs {
		status[r.Config.String()] = r.Status
		if !strings.HasPrefix(r.Name, "eegnet-elu-b32-lr") || len(r.ID) != 10 {
			t.Errorf("name %q id %q", r.Name, r.ID)
		}
	}
	if status[c.String()] != experiments.StatusInterrupted || status[a.String()] != experiments.StatusFinished {
		t.Errorf("statuses %v", status)
	}
	run, reused, err := store.Train(context.Background(), c, data, nil)
	if err != nil || reused || len(run.ResumedAt) != 1 || len(run.History) != 3 {
		t.Errorf("resuming C: %v, resumed at %v, %d epochs", err, run.ResumedAt, len(run.History))
	}
	// The report: the newest finished eegnet/elu run on this data (C), nothing from other data.
	latest, err := lab.Latest(store, data.ID())
	if err != nil || latest["eegnet"][nn.ELU] == nil || latest["eegnet"][nn.ELU].Config != c {
		t.Errorf("Latest: %v", err)
	}
	if other, _ := lab.Latest(store, "sha256:other"); len(other) != 0 {
		t.Errorf("runs of other data reported: %v", other)
	}
	// Find by id prefix, remove.
	id := experiments.RunID(b, data.ID())
	if r, err := store.Find(id[:6]); err != nil || r.Config != b {
		t.Errorf("Find: %v", err)
	}
	if _, err := store.Remove(id); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Find(id); err == nil {
		t.Error("removed run still found")
	}
	if _, err := store.Find("nope"); err == nil || !strings.Contains(err.Error(), "holds no run") {
		t.Errorf("Find nope: %v", err)
	}
	// By the start of a name: A and C are both eegnet-elu-b32-lr0.001-…, so that is
	// ambiguous; A's whole name is A, although C's starts with it.
	if _, err := store.Find("eegnet-elu"); err == nil || !strings.Contains(err.Error(), "matches 2 runs") {
		t.Errorf("Find eegnet-elu among A and C: %v", err)
	}
	if r, err := store.Find("eegnet-elu-b32-lr0.001-e3"); err != nil || r.Config != c {
		t.Errorf("Find by C's name's start: %v", err)
	}
	if r, err := store.Find(experiments.RunName(a)); err != nil || r.Config != a {
		t.Errorf("Find by A's whole name: %v", err)
	}
	if _, err := store.Find("eegnet-el"); err == nil {
		t.Error("a name cut inside a word was taken for a run's")
	}
	if plan := lab.TrainingPlan([]train.TrainConfig{a, a}, store); !strings.Contains(plan, "training 2 run(s) × 1 epochs (eegnet/elu, eegnet/elu), about") {
		t.Errorf("plan %q", plan)
	}
}

// TestEnsureRunsCountsTheRunsItTrains: a progress display hears "run k of n"
// for the runs that train, not for the ones reused.
func TestEnsureRunsCountsTheRunsItTrains(t *testing.T) {
	data := synthtest.Small(t)
	store := experiments.OpenStore(t.TempDir())
	a := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	b, c := a, a
	b.LR, c.LR = 2e-3, 3e-3
	if _, _, err := store.Train(context.Background(), b, data, nil); err != nil {
		t.Fatal(err)
	}
	var heard []string
	progress := func(cfg train.TrainConfig, k, n int) func(train.EpochStats) {
		heard = append(heard, fmt.Sprintf("%g %d/%d", cfg.LR, k, n))
		return nil
	}
	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
	if _, err := lab.AddRuns(context.Background(), store, data, lab.Runs{}, []train.TrainConfig{a, b, c}, lab.Options{Progress: progress, Log: logf}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"0.001 1/2", "0.003 2/2"}; !slices.Equal(heard, want) {
		t.Errorf("progress heard %v, want %v", heard, want)
	}
	if len(logged) != 4 || !strings.HasPrefix(logged[0], "training 2 run(s) × 1 epochs") || !strings.Contains(logged[2], "reusing the finished run") {
		t.Errorf("log %q", logged)
	}
}

// TestLoadWhatWasNotTrained: asking a store for a run it does not hold is a
// NotTrainedError naming the configuration, which says to train it first,
// once, with no command line of another configuration's.
func TestLoadWhatWasNotTrained(t *testing.T) {
	store := experiments.OpenStore(t.TempDir())
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	_, err := store.Load([]train.TrainConfig{cfg}, synthtest.Small(t))
	var nt *experiments.NotTrainedError
	if !errors.As(err, &nt) || nt.Config != cfg || !strings.Contains(err.Error(), "has not trained eegnet/elu") ||
		strings.Contains(err.Error(), "--out") || strings.Count(err.Error(), "train it first") != 1 {
		t.Errorf("loading a run that was not trained: %v", err)
	}
	// A run interrupted after its first epoch is not the configuration's run either.
	data := synthtest.Small(t)
	cut := cfg
	cut.Epochs = 3
	if _, _, err := store.Train(synthtest.CancelAfter(4+1), cut, data, nil); err != context.Canceled {
		t.Fatalf("interrupting: %v", err)
	}
	_, err = store.Load([]train.TrainConfig{cut}, data)
	if !errors.As(err, &nt) || nt.Epochs != 1 || !strings.Contains(err.Error(), "after 1 of its 3 epochs") {
		t.Errorf("loading an interrupted run: %v", err)
	}
}
