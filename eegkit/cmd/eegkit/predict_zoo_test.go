package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/npz"
)

// TestPredictBuildsForTheInput: braindecode's Deep4Net weights for BCI IV
// 2a (22 channels × 1000 samples, 4 classes) predict trials of that shape:
// predict builds the model for the input's channels × samples and the
// classes the weights hold, and its logits are braindecode's.
func TestPredictBuildsForTheInput(t *testing.T) {
	fx, err := fixtures.Load("deep4net_2a")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var weights []npz.Entry
	for name, w := range fx.Init {
		weights = append(weights, npz.Entry{Name: name, Shape: w.Shape, Data: w.Data})
	}
	sd, input, out := filepath.Join(dir, "deep4net_2a.npz"), filepath.Join(dir, "trials.npz"), filepath.Join(dir, "pred.npz")
	if err := npz.Write(sd, weights); err != nil {
		t.Fatal(err)
	}
	if err := npz.Write(input, []npz.Entry{{Name: "signal", Shape: []int{fx.NumTrial, 1, 22, 1000}, Data: fx.X}}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("predict", "--model", "deep4net", "--weights", sd, "--input", input, "--out", out)
	if code != 0 || !strings.Contains(stdout, "6 trials: ") || !strings.Contains(stdout, "class 3") {
		t.Fatalf("predict: exit %d\n%s%s", code, stdout, stderr)
	}
	p, err := eeg.ReadPredictions(out)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, row := range p.Logits {
		if len(row) != 4 {
			t.Fatalf("trial %d has %d logits, want 4", i, len(row))
		}
		for k, v := range row {
			worst = math.Max(worst, math.Abs(float64(v)-fx.Eval[i*4+k]))
		}
	}
	if worst > 1e-4 {
		t.Errorf("logits differ from braindecode's by %g", worst)
	}
	// weights of another model say so in one line
	code, _, stderr = runCLI("predict", "--model", "eegnetv4", "--weights", sd, "--input", input, "--out", out)
	if code == 0 || !strings.Contains(stderr, "are these weights of EEGNetV4?") && !strings.Contains(stderr, "missing") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("eegnetv4 with Deep4Net's weights: exit %d, %q", code, stderr)
	}
}
