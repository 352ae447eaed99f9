package eegkit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/train"
)

func TestRunSaveLoadRoundTrip(t *testing.T) {
	ld := synthtest.Load(t)
	small := &eeg.Data{Train: synthtest.Subset(ld.Train, 96), Test: synthtest.Subset(ld.Test, 40), Source: ld.Source}
	cfg := train.TrainConfig{Model: "deepconvnet", Activation: "elu", Epochs: 2, Batch: 32, LR: 1e-3, Seed: 3}
	run, err := train.Train(context.Background(), cfg, small, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := run.Save(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{train.WeightsFile, train.RunFile, train.HistoryCSVFile, train.HistoryJSONFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, train.HistoryCSVFile))
	if lines := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "epoch,lr,train_loss,train_acc,val_loss,val_acc,test_loss") || !strings.Contains(lines[1], ",,") {
		t.Errorf("history.csv:\n%s", csv)
	}
	back, err := train.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Config != cfg || len(back.History) != 2 || back.Data != ld.Source {
		t.Errorf("loaded %+v", back)
	}
	a, err := run.Net.Evaluate(small.Test)
	if err != nil {
		t.Fatal(err)
	}
	b, err := back.Net.Evaluate(small.Test)
	if err != nil {
		t.Fatal(err)
	}
	if a.Loss != b.Loss || a.Accuracy != b.Accuracy {
		t.Errorf("reloaded model scores %+v, original %+v", b, a)
	}
}

func TestLoadRunErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := train.LoadRun(dir); err == nil || !strings.Contains(err.Error(), "run.json is missing") {
		t.Errorf("empty dir: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, train.RunFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := train.LoadRun(dir); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt run.json: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, train.RunFile), []byte(`{"config":{"model":"eegnet","activation":"elu","epochs":1,"batch":8,"lr":0.001}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := train.LoadRun(dir); err == nil || !strings.Contains(err.Error(), "model.npz") {
		t.Errorf("missing weights: %v", err)
	}
}

func TestTable1(t *testing.T) {
	table, best := lab.Table1(map[string]map[string]float64{
		"EEGNet":      {"ReLU": 0.853, "LeakyReLU": 0.830, "ELU": 0.833},
		"DeepConvNet": {"ReLU": 0.752, "LeakyReLU": 0.767, "ELU": 0.759},
	})
	if best != "EEGNet/ReLU" || !strings.Contains(table, "**85.30%**") || !strings.Contains(table, "| DeepConvNet | 75.20% | 76.70% | 75.90% |") {
		t.Errorf("best %s, table:\n%s", best, table)
	}
}

func TestAccuracyFigure(t *testing.T) {
	h := []train.EpochStats{{Epoch: 1, TrainAcc: 0.5, TestAcc: 0.55}, {Epoch: 2, TrainAcc: 0.7, TestAcc: 0.65}}
	p, err := plot.AccuracyFigure("EEGNet", map[nn.Activation][]train.EpochStats{nn.ReLU: h, nn.ELU: h})
	if err != nil {
		t.Fatal(err)
	}
	paths, err := plot.SavePlot(p, filepath.Join(t.TempDir(), "fig"))
	if err != nil {
		t.Fatal(err)
	}
	png, _ := os.ReadFile(paths[0])
	svg, _ := os.ReadFile(paths[1])
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		t.Errorf("%s is not a PNG (%d bytes)", paths[0], len(png))
	}
	for _, want := range []string{"<svg", "relu_train", "elu_test", "Activation function comparison (EEGNet)"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if _, err := plot.AccuracyFigure("EEGNet", nil); err == nil {
		t.Error("empty figure accepted")
	}
}
