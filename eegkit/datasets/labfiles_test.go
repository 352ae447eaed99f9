package datasets

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
)

// TestLoadLabNumpyFiles reads lab files written by numpy (np.savez with float
// labels and np.savez_compressed with int64 labels) and compares with what the
// lab's numpy loader computes (scripts/data_fixtures.py).
func TestLoadLabNumpyFiles(t *testing.T) {
	ld, err := LoadLab(filepath.Join("testdata", "lab"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "lab", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		NaNMean float64     `json:"nanmean"`
		NaNs    int         `json:"nans"`
		Labels  []int32     `json:"labels"`
		Values  [][]float64 `json:"values"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		split string
		ds    *eeg.Dataset
		nans  int
		mean  float64
	}{
		{"train", ld.Train, ld.TrainNaNs, ld.TrainNaNMean},
		{"test", ld.Test, ld.TestNaNs, ld.TestNaNMean},
	} {
		w := want[tc.split]
		if tc.ds.Len() != 8 || len(tc.ds.X) != 8*LabShape().TrialSize() {
			t.Fatalf("%s: %d trials, %d values", tc.split, tc.ds.Len(), len(tc.ds.X))
		}
		if math.Abs(tc.mean-w.NaNMean) > 1e-12 || tc.nans != w.NaNs {
			t.Errorf("%s: nanmean %v (%d NaNs), numpy %v (%d)", tc.split, tc.mean, tc.nans, w.NaNMean, w.NaNs)
		}
		for i, y := range w.Labels {
			if tc.ds.Y[i] != y {
				t.Errorf("%s: label %d is %d, numpy %d", tc.split, i, tc.ds.Y[i], y)
			}
		}
		for _, v := range w.Values {
			i, c, s := int(v[0]), int(v[1]), int(v[2])
			got := float64(tc.ds.X[i*LabShape().TrialSize()+c*LabShape().Times+s])
			if math.Abs(got-float64(float32(v[3]))) > 0 {
				t.Errorf("%s: x[%d,0,%d,%d] = %v, numpy %v", tc.split, i, c, s, got, v[3])
			}
		}
		if got := tc.ds.Subject; got[0] != 0 || got[3] != 0 || got[4] != 1 || got[7] != 1 {
			t.Errorf("%s: subjects %v, want S4b×4 then X11b×4", tc.split, got)
		}
		for _, v := range tc.ds.X {
			if math.IsNaN(float64(v)) {
				t.Fatalf("%s: NaN left in the data", tc.split)
			}
		}
	}
	if ld.Source != "user data (not the genuine BCI III-IIIb course files)" {
		t.Errorf("source %q", ld.Source)
	}
}

// writeLabDir copies the numpy fixtures to a temporary directory and lets
// the caller break one file.
func writeLabDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, split := range []string{"train", "test"} {
		for _, f := range LabFiles(split) {
			raw, err := os.ReadFile(filepath.Join("testdata", "lab", f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func sig(n int, fill float64) []float64 {
	s := make([]float64, n*LabShape().Times*LabShape().NChans())
	for i := range s {
		s[i] = fill + float64(i%7)
	}
	return s
}

// TestLoadLabErrors checks that every kind of bad file gives a one-line
// error naming the file and the problem.
func TestLoadLabErrors(t *testing.T) {
	const target = "X11b_test.npz"
	good := func(n int) []npz.Entry {
		labels := make([]float64, n)
		for i := range labels {
			labels[i] = 1
		}
		return []npz.Entry{
			{Name: "signal", Shape: []int{n, LabShape().Times, LabShape().NChans()}, Data: sig(n, 0)},
			{Name: "label", Shape: []int{n}, Data: labels},
		}
	}
	validRaw, err := os.ReadFile(filepath.Join("testdata", "lab", "S4b_test.npz"))
	if err != nil {
		t.Fatal(err)
	}
	allNaN := sig(3, math.NaN())
	cases := []struct {
		name    string
		write   func(path string) error
		wantMsg string
	}{
		{"missing file", func(p string) error { return os.Remove(p) }, "file not found"},
		{"empty file", func(p string) error { return os.WriteFile(p, nil, 0o644) }, "file is empty"},
		{"not a zip", func(p string) error { return os.WriteFile(p, []byte("signal,label\n1,2\n"), 0o644) }, "not a readable .npz"},
		{"truncated", func(p string) error { return os.WriteFile(p, validRaw[:len(validRaw)/2], 0o644) }, "not a readable .npz"},
		{"missing signal", func(p string) error { return npz.Write(p, good(3)[1:]) }, `no array "signal"`},
		{"missing label", func(p string) error { return npz.Write(p, good(3)[:1]) }, `no array "label"`},
		{"wrong dtype", func(p string) error {
			e := good(3)
			e[0].Data = make([]int32, 3*LabShape().Times*LabShape().NChans())
			return npz.Write(p, e)
		}, "dtype <i4"},
		{"wrong shape", func(p string) error {
			e := good(3)
			e[0].Shape = []int{3, LabShape().NChans(), LabShape().Times}
			return npz.Write(p, e)
		}, "want (trials, 750, 2)"},
		{"label count", func(p string) error {
			e := good(3)
			e[1] = npz.Entry{Name: "label", Shape: []int{2}, Data: []float64{1, 2}}
			return npz.Write(p, e)
		}, "signal has 3 trials"},
		{"label value", func(p string) error {
			e := good(3)
			e[1] = npz.Entry{Name: "label", Shape: []int{3}, Data: []float64{1, 0, 2}}
			return npz.Write(p, e)
		}, "label 1 is 0"},
		{"zero trials", func(p string) error { return npz.Write(p, good(0)) }, "zero trials"},
		{"one file all NaN", func(p string) error { // the other subject's file is fine
			e := good(3)
			e[0].Data = allNaN
			return npz.Write(p, e)
		}, "every value is NaN"},
		{"beyond float32", func(p string) error {
			e := good(3)
			s := sig(3, 0)
			s[2*LabShape().TrialSize()] = -1e300
			e[0].Data = s
			return npz.Write(p, e)
		}, "trial 2 holds -1e+300, beyond float32"},
		{"FIFO", func(p string) error {
			if err := os.Remove(p); err != nil {
				return err
			}
			return syscall.Mkfifo(p, 0o644)
		}, "is a FIFO"},
		{"infinite values", func(p string) error {
			e := good(3)
			s := sig(3, 0)
			s[10] = math.Inf(1)
			e[0].Data = s
			return npz.Write(p, e)
		}, "infinite"},
		{"directory", func(p string) error {
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Mkdir(p, 0o755)
		}, "is a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeLabDir(t)
			if err := tc.write(filepath.Join(dir, target)); err != nil {
				t.Fatal(err)
			}
			_, err := LoadLab(dir)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %q does not say %q", msg, tc.wantMsg)
			}
			if !strings.Contains(msg, target) {
				t.Errorf("error %q does not name %s", msg, target)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
	if _, err := LoadLab(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "gen-data") {
		t.Errorf("missing directory: %v", err)
	}
}

func TestReadTrialsLayouts(t *testing.T) {
	dir := t.TempDir()
	n := 2
	lab := sig(n, 0)
	lab[5] = math.NaN()
	// the same trials in the model layout [N, 1, 2, 750]
	model := make([]float64, len(lab))
	for i := 0; i < n; i++ {
		for s := 0; s < LabShape().Times; s++ {
			for c := 0; c < LabShape().NChans(); c++ {
				model[(i*LabShape().NChans()+c)*LabShape().Times+s] = lab[(i*LabShape().Times+s)*LabShape().NChans()+c]
			}
		}
	}
	a, b := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz")
	if err := npz.Write(a, []npz.Entry{{Name: "signal", Shape: []int{n, LabShape().Times, LabShape().NChans()}, Data: lab}}); err != nil {
		t.Fatal(err)
	}
	if err := npz.Write(b, []npz.Entry{{Name: "signal", Shape: []int{n, 1, LabShape().NChans(), LabShape().Times}, Data: model}}); err != nil {
		t.Fatal(err)
	}
	da, nansA, err := eeg.ReadTrials(a, LabShape())
	if err != nil {
		t.Fatal(err)
	}
	db, nansB, err := eeg.ReadTrials(b, LabShape())
	if err != nil {
		t.Fatal(err)
	}
	if nansA != 1 || nansB != 1 || da.Len() != n {
		t.Fatalf("nans %d %d, trials %d", nansA, nansB, da.Len())
	}
	for i := range da.X {
		if da.X[i] != db.X[i] {
			t.Fatalf("layouts disagree at %d: %v vs %v", i, da.X[i], db.X[i])
		}
	}
	// With times 0 (a cropped model's whole trials) either layout is read at
	// the file's own length.
	for _, path := range []string{a, b} {
		d, _, err := eeg.ReadTrials(path, func() eeg.Shape { s := LabShape(); s.Times = 0; return s }())
		if err != nil || d.Times != LabShape().Times || !slices.Equal(d.X, da.X) {
			t.Errorf("%s with any length: %v, %v", path, d, err)
		}
	}
	bad := filepath.Join(dir, "bad.npz")
	if err := npz.Write(bad, []npz.Entry{{Name: "signal", Shape: []int{n, 1500}, Data: lab}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := eeg.ReadTrials(bad, LabShape()); err == nil || !strings.Contains(err.Error(), "want [N, 750, 2]") {
		t.Errorf("bad shape: %v", err)
	}
	if _, _, err := eeg.ReadTrials(bad, func() eeg.Shape { s := LabShape(); s.Times = 0; return s }()); err == nil || !strings.Contains(err.Error(), "want [N, samples, 2]") {
		t.Errorf("bad shape, any length: %v", err)
	}
}

// TestValuesBeyondFloat32 checks that a float64 file whose values do not fit
// float32 is refused with the file and trial named, not turned into Inf.
func TestValuesBeyondFloat32(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 3*LabShape().TrialSize())
	x[LabShape().TrialSize()+7] = 1e300
	path := filepath.Join(dir, "trials.npz")
	if err := npz.Write(path, []npz.Entry{{Name: "signal", Shape: []int{3, LabShape().Times, LabShape().NChans()}, Data: x}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := eeg.ReadTrials(path, LabShape())
	if err == nil || !strings.Contains(err.Error(), "trial 1") || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "float32") {
		t.Fatalf("got %v", err)
	}
	x[LabShape().TrialSize()+7] = math.MaxFloat32
	if err := npz.Write(path, []npz.Entry{{Name: "signal", Shape: []int{3, LabShape().Times, LabShape().NChans()}, Data: x}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := eeg.ReadTrials(path, LabShape()); err != nil {
		t.Fatalf("the largest float32 is refused: %v", err)
	}
}
