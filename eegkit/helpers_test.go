package eegkit

import (
	"os"
	"sync"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
)

var (
	synthOnce sync.Once
	synthDir  string
	synthErr  error
)

// synthData returns a directory holding the synthetic dataset (seed 1),
// generated once per test binary.
func synthData(t testing.TB) string {
	t.Helper()
	synthOnce.Do(func() {
		synthDir, synthErr = os.MkdirTemp("", "eegkit-synth-")
		if synthErr == nil {
			synthErr = datasets.GenerateLab(synthDir, 1)
		}
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthDir
}

func loadSynth(t testing.TB) *eeg.Data {
	t.Helper()
	ld, err := datasets.LoadLab(synthData(t))
	if err != nil {
		t.Fatal(err)
	}
	return ld
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthDir != "" {
		os.RemoveAll(synthDir)
	}
	os.Exit(code)
}

func nan() float64 { var z float64; return z / z }
