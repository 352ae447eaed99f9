package eegkit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/models"
)

// TestPreprocessedData: preprocessing through the front door filters the
// lab's trials (a band-pass leaves every trial's mean near 0, where the
// raw trials' means are not) and says so in the data's Source; a recording
// reads through it too.
func TestPreprocessedData(t *testing.T) {
	raw, err := LoadData("datasets/testdata/lab")
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadPreprocessed("datasets/testdata/lab", "bandpass:8-30")
	if err != nil || !strings.Contains(d.Source, "preprocessed bandpass:8-30") || d.ID() == raw.ID() {
		t.Fatalf("LoadPreprocessed: %v (%s)", err, d.Source)
	}
	mean := func(x []float32) float64 {
		s := 0.0
		for _, v := range x {
			s += float64(v)
		}
		return s / float64(len(x))
	}
	if m := mean(d.Train.Trial(0)[:d.Train.Times]); m*m > 1 || m == mean(raw.Train.Trial(0)[:raw.Train.Times]) {
		t.Errorf("the band-passed first trial's C3 mean is %g (raw %g)", m, mean(raw.Train.Trial(0)[:raw.Train.Times]))
	}
	if _, err := LoadPreprocessed("datasets/testdata/lab", "bandpass"); err == nil || !strings.Contains(err.Error(), "LOW-HIGH") {
		t.Errorf("a bad spec: %v", err)
	}
	rec, err := ReadRecording("gdf/testdata/gdf1_int16.gdf")
	if err != nil || rec.Format != "GDF 1.25" || len(rec.Channels) != 3 || rec.Events[2].Name != "left hand" {
		t.Errorf("ReadRecording: %+v, %v", rec, err)
	}
}

// TestFrontDoor: the calls a notebook makes reach the packages behind them.
func TestFrontDoor(t *testing.T) {
	data, err := LoadData("datasets/testdata/lab")
	if err != nil || data.Train.Len() == 0 {
		t.Fatalf("LoadData: %v", err)
	}
	m, err := EEGNetWith(models.DefaultEEGNetOptions(ELU))
	if err != nil || m.NumParams() != 17874 || m.Input != LabInput {
		t.Fatalf("EEGNetWith: %v", err)
	}
	if _, err := NewModel("resnet", ReLU); err == nil {
		t.Error("NewModel accepted an unknown model")
	}
	runs, err := OpenStore(t.TempDir()).Latest(data.ID())
	if err != nil || len(runs) != 0 {
		t.Errorf("an empty store has runs %v (%v)", runs, err)
	}
	if _, err := LoadData(t.TempDir() + "/missing"); err == nil {
		t.Error("LoadData of a missing directory succeeded")
	}
	cfg, err := Preset("eegnetv4", NoActivation)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = 1
	run, reused, err := OpenStore(t.TempDir()).Train(context.Background(), cfg, data, nil)
	if err != nil || reused {
		t.Fatalf("Train: reused %v, %v", reused, err)
	}
	aug, err := Augment("timeshift:0.1s,mirror", data.Train)
	if err != nil || aug.Name() != "timeshift:13:0.5,mirror:0.5" {
		t.Fatalf("Augment: %q, %v", aug.Name(), err)
	}
	onnxPath := filepath.Join(t.TempDir(), "model.onnx")
	if err := ExportONNX(run, onnxPath); err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(onnxPath); err != nil || !strings.Contains(string(raw), "EEGNetV4") {
		t.Errorf("ExportONNX wrote %d bytes without the model's name (%v)", len(raw), err)
	}
	c, err := Compare(run, run, data.Test)
	if err != nil || c.Significant() || c.OnlyA != 0 || !strings.Contains(c.Verdict(), "are not significantly different") {
		t.Errorf("a run against itself: %v, %q", err, c.Verdict())
	}
}

// TestMissingRunInNotebookTerms: a notebook cell that needs runs its
// training cell has not made yet (a Run All interrupted during training)
// says so in a notebook's terms, once, with no command line.
func TestMissingRunInNotebookTerms(t *testing.T) {
	data, err := LoadData("datasets/testdata/lab")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Preset("eegnet", ELU)
	if err != nil {
		t.Fatal(err)
	}
	store := OpenStore(t.TempDir())
	for name, load := range map[string]func() error{
		"Runs": func() error { _, err := store.Runs([]TrainConfig{cfg}, data); return err },
		"Load": func() error { _, err := store.Load([]TrainConfig{cfg}, data); return err },
	} {
		err := load()
		if err == nil || strings.Count(err.Error(), "run the training cell above first") != 1 ||
			!strings.Contains(err.Error(), "eegnet/elu") || strings.Contains(err.Error(), "eegkit ") {
			t.Errorf("%s of a run not trained: %v", name, err)
		}
	}
}
