package bench_test

import (
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/cmd/eegkit/internal/bench"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestProfileLayers: the profile has a row per layer in the model's order,
// one row for a pair that runs composed, and times its step; bad arguments
// are errors. (What the times are is for the reader: scripts/bench.sh.)
func TestProfileLayers(t *testing.T) {
	for _, tc := range []struct {
		model string
		rows  int
		first string
	}{
		{"eegnet", 13, "firstConv.0"},
		{"deepconvnet", 21, "firstConv.0+1"}, // 22 layers, the first two composed
	} {
		p, err := bench.ProfileLayers(train.Device{}, tc.model, nn.ELU, 8, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Layers) != tc.rows || p.Layers[0].Name != tc.first || p.Step <= 0 {
			t.Errorf("%s: %d rows, first %q, step %g ms", tc.model, len(p.Layers), p.Layers[0].Name, p.Step)
		}
		if tab := p.Table(); !strings.Contains(tab, "| "+tc.first+" |") || !strings.Contains(tab, "| rest |") {
			t.Errorf("%s table:\n%s", tc.model, tab)
		}
	}
	if _, err := bench.ProfileLayers(train.Device{}, "eegnet", nn.ELU, 1, 2); err == nil {
		t.Error("a batch of 1 was accepted")
	}
}

// TestBenchmarkArithmetic: the benchmark reports the model's multiply-adds
// and the rates they make over its times.
func TestBenchmarkArithmetic(t *testing.T) {
	r, err := bench.Benchmark(train.Device{}, "eegnet", nn.ELU, 64, 1, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.ForwardMMACs < 4.1 || r.ForwardMMACs > 4.2 || r.BackwardMMACs < 7 || r.BackwardMMACs > 7.1 {
		t.Errorf("EEGNet: %.3f M forward, %.3f M backward multiply-adds per trial", r.ForwardMMACs, r.BackwardMMACs)
	}
	if want := 2 * (r.ForwardMMACs + r.BackwardMMACs) * 1e6 * bench.BenchTrials / r.TrainEpoch / 1e9; r.TrainGFLOPS != want {
		t.Errorf("train GFLOP/s %g, want %g", r.TrainGFLOPS, want)
	}
}
