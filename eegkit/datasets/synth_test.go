package datasets

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSyntheticDataIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := GenerateLab(a, 9); err != nil {
		t.Fatal(err)
	}
	if err := GenerateLab(b, 9); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(LabFiles("train"), LabFiles("test")...) {
		da, err := digestFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		db, _ := digestFile(filepath.Join(b, f))
		if da != db {
			t.Errorf("%s differs between two runs with seed 9", f)
		}
	}
	if src := DescribeSource(a); !strings.Contains(src, "synthetic") || !strings.Contains(src, "seed 9") {
		t.Errorf("source %q", src)
	}
	// Editing a file makes the manifest disagree.
	if err := os.WriteFile(filepath.Join(a, "S4b_test.npz"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if src := DescribeSource(a); !strings.Contains(src, "modified") {
		t.Errorf("source of edited data %q", src)
	}
}

// TestSyntheticDataStatistics checks the generated data against the
// statistics measured on the genuine files' first 87 trials.
func TestSyntheticDataStatistics(t *testing.T) {
	dir := t.TempDir()
	if err := GenerateLab(dir, 1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file             string
		std              float64
		nanTrials        [2]float64 // allowed fraction range
		clip             float64
		mu               float64
		lowShare, muBand [2]float64
	}{
		{"S4b_train.npz", 8.6, [2]float64{0.08, 0.18}, 50, 9.5, [2]float64{0.45, 0.75}, [2]float64{0.15, 0.4}},
		{"X11b_train.npz", 4.3, [2]float64{0, 0}, 0, 11, [2]float64{0.35, 0.6}, [2]float64{0.15, 0.4}},
	} {
		sig, labels, err := readLabFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		n := len(labels)
		left := 0
		for _, l := range labels {
			if l == 1 {
				left++
			}
		}
		if n != 540 || left != 270 {
			t.Errorf("%s: %d trials, %d left", tc.file, n, left)
		}
		nanTrials, maxAbs, stdSum := 0, 0.0, 0.0
		var spec [376]float64
		for i := 0; i < n; i++ {
			hasNaN := false
			for c := 0; c < LabShape().NChans(); c++ {
				x := make([]float64, 0, LabShape().Times)
				for s := 0; s < LabShape().Times; s++ {
					v := sig[(i*LabShape().Times+s)*LabShape().NChans()+c]
					if math.IsNaN(v) {
						hasNaN = true
						continue
					}
					maxAbs = math.Max(maxAbs, math.Abs(v))
					x = append(x, v)
				}
				stdSum += stdDev(x)
				if len(x) == LabShape().Times && i < 120 {
					p := powerSpectrum(x)
					for k := range spec {
						spec[k] += p[k]
					}
				}
			}
			if hasNaN {
				nanTrials++
			}
		}
		std := stdSum / float64(n*LabShape().NChans())
		if math.Abs(std-tc.std)/tc.std > 0.15 {
			t.Errorf("%s: mean per-trial std %.2f µV, want about %.1f", tc.file, std, tc.std)
		}
		if f := float64(nanTrials) / float64(n); f < tc.nanTrials[0] || f > tc.nanTrials[1] {
			t.Errorf("%s: %.3f of trials have NaN, want %v", tc.file, f, tc.nanTrials)
		}
		if tc.clip > 0 && maxAbs > tc.clip {
			t.Errorf("%s: max |x| %.2f beyond the ±%v clip", tc.file, maxAbs, tc.clip)
		}
		hz := func(k int) float64 { return float64(k) * LabShape().Rate / float64(LabShape().Times) }
		total, low, mu, peakK := 0.0, 0.0, 0.0, 0
		for k := 1; k < len(spec); k++ {
			total += spec[k]
			if hz(k) < 4 {
				low += spec[k]
			}
			if hz(k) >= 8 && hz(k) <= 13 {
				mu += spec[k]
			}
			if hz(k) > 6 && spec[k] > spec[peakK] {
				peakK = k
			}
		}
		if s := low / total; s < tc.lowShare[0] || s > tc.lowShare[1] {
			t.Errorf("%s: %.2f of power below 4 Hz, want %v", tc.file, s, tc.lowShare)
		}
		if s := mu / total; s < tc.muBand[0] || s > tc.muBand[1] {
			t.Errorf("%s: %.2f of power in 8-13 Hz, want %v", tc.file, s, tc.muBand)
		}
		if math.Abs(hz(peakK)-tc.mu) > 0.6 {
			t.Errorf("%s: spectral peak above 6 Hz at %.2f Hz, want %.1f", tc.file, hz(peakK), tc.mu)
		}
	}
}

func stdDev(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)))
}

// powerSpectrum is |DFT|² of the demeaned signal at bins 0..n/2 (direct DFT; test-only).
func powerSpectrum(x []float64) []float64 {
	n := len(x)
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(n)
	out := make([]float64, n/2+1)
	for k := range out {
		var re, im float64
		for t, v := range x {
			a := 2 * math.Pi * float64(k*t) / float64(n)
			re += (v - m) * math.Cos(a)
			im -= (v - m) * math.Sin(a)
		}
		out[k] = re*re + im*im
	}
	return out
}

// TestGenerateLabTrials: a small synthetic dataset has the lab's shape and
// format with n trials per file, both classes equally, says so in its
// source, and is refused for an odd or too small n.
func TestGenerateLabTrials(t *testing.T) {
	dir := t.TempDir()
	if err := GenerateLabTrials(dir, 1, 20); err != nil {
		t.Fatal(err)
	}
	ld, err := LoadLab(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ld.Train.Len() != 40 || ld.Test.Len() != 40 || !ld.Train.Shape.Equal(LabShape()) {
		t.Errorf("%d train and %d test trials of %s", ld.Train.Len(), ld.Test.Len(), ld.Train.Shape)
	}
	for s, counts := range ld.Train.Counts() {
		if counts[0] != 10 || counts[1] != 10 {
			t.Errorf("subject %s: classes %v, want 10 and 10", s, counts)
		}
	}
	if want := "eegkit synthetic BCI-IIIb-like data (" + SyntheticGenerator + ", seed 1, 20 trials per file)"; ld.Source != want {
		t.Errorf("source %q, want %q", ld.Source, want)
	}
	for _, n := range []int{7, 6, 0} {
		if err := GenerateLabTrials(t.TempDir(), 1, n); err == nil {
			t.Errorf("%d trials per file accepted", n)
		}
	}
}
