// Package synthtest gives eegkit's tests the synthetic lab dataset (seed
// 1), generated once per test binary into a temporary directory, and small
// subsets of it for quick trainings.
package synthtest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
)

var (
	once sync.Once
	dir  string
	err  error
)

// Dir returns a directory holding the synthetic dataset (seed 1),
// generated on first use.
func Dir(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, err = os.MkdirTemp("", "eegkit-synth-")
		if err == nil {
			err = datasets.GenerateLab(dir, 1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Load loads the synthetic dataset.
func Load(t testing.TB) *eeg.Data {
	t.Helper()
	ld, err := datasets.LoadLab(Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	return ld
}

// Small is a few trials of both subjects and classes (120 training and 60
// test trials, evenly spaced), for quick trainings.
func Small(t testing.TB) *eeg.Data {
	ld := Load(t)
	pick := func(d *eeg.Dataset, n int) *eeg.Dataset {
		var idx []int
		for i := 0; i < d.Len() && len(idx) < n; i += d.Len() / n {
			idx = append(idx, i)
		}
		return d.Subset(idx)
	}
	return &eeg.Data{Train: pick(ld.Train, 120), Test: pick(ld.Test, 60), Source: ld.Source}
}

// Subset is the first n trials of d.
func Subset(d *eeg.Dataset, n int) *eeg.Dataset {
	return d.Subset(func() []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}())
}

// CancelAfter is a context whose Err turns to Canceled after n calls: Fit
// asks before every batch, so it stops at a chosen batch of an epoch.
func CancelAfter(n int) context.Context { return &cancelAfter{Context: context.Background(), n: n} }

type cancelAfter struct {
	context.Context
	n int
}

// Err is Canceled once it has been asked n times.
func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// Main runs a package's tests and removes the dataset afterwards; call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
