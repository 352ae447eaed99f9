package datasets

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/edf"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"gonum.org/v1/gonum/dsp/fourier"
)

// TestEEGMMIDBSubject1 reads the committed PhysioNet files of subject 1.
func TestEEGMMIDBSubject1(t *testing.T) {
	dir := filepath.Join("..", "..", "data", "eegmmidb")
	e, err := edf.Read(filepath.Join(dir, "S001", "S001R04.edf"))
	if err != nil {
		t.Fatal(err)
	}
	c3 := e.Signal("C3")
	if len(e.Signals) != 64 || c3 == nil || e.SampleRate(c3) != 160 || c3.Unit != "uV" || len(c3.Data) != 125*160 {
		t.Fatalf("%d signals, C3 %v", len(e.Signals), c3 != nil)
	}
	counts := map[string]int{}
	for _, a := range e.Annotations {
		counts[a.Text]++
		if (a.Text == "T1" || a.Text == "T2") && math.Abs(a.Duration-4.1) > 0.05 {
			t.Errorf("imagery cue of %g s, want 4.1 s", a.Duration)
		}
	}
	if counts["T1"]+counts["T2"] != 15 {
		t.Errorf("annotations %v: want 15 imagery cues", counts)
	}
	ld, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ld.Train.Len() < 25 || ld.Test.Len() < 12 || ld.Train.Subjects[0] != "S001" || !strings.Contains(ld.Source, "verified") {
		t.Errorf("%d train, %d test trials, source %q", ld.Train.Len(), ld.Test.Len(), ld.Source)
	}
	for _, d := range []*eeg.Dataset{ld.Train, ld.Test} {
		c := d.Counts()["S001"]
		if c[0] < 5 || c[1] < 5 {
			t.Errorf("classes %v", c)
		}
		for _, v := range d.X {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 2000 {
				t.Fatalf("value %g µV in the trials", v)
			}
		}
	}
	// A copy with one byte changed fails verification with a clear error.
	bad := t.TempDir()
	for _, f := range []string{"SHA256SUMS_R04_R08_R12.txt", "S001/S001R04.edf", "S001/S001R08.edf", "S001/S001R12.edf"} {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "S001/S001R08.edf" {
			raw[len(raw)-100] ^= 1
		}
		os.MkdirAll(filepath.Dir(filepath.Join(bad, f)), 0o755)
		if err := os.WriteFile(filepath.Join(bad, f), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadData(bad); err == nil || !strings.Contains(err.Error(), "does not match its official checksum") {
		t.Errorf("altered file: %v", err)
	}
	orig, _ := os.ReadFile(filepath.Join(dir, "S001", "S001R08.edf"))
	os.WriteFile(filepath.Join(bad, "S001", "S001R08.edf"), orig, 0o644)
	os.Remove(filepath.Join(bad, "S001", "S001R12.edf"))
	if _, err := LoadData(bad); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("missing run: %v", err)
	}
}

// TestResample checks the 160 → 125 Hz resampling on a sinusoid: the
// resampled values are the sinusoid at the new sample times.
func TestResample(t *testing.T) {
	x := make([]float64, mmidbTrialInput)
	for i := range x {
		x[i] = 3 + 2*math.Sin(2*math.Pi*10*float64(i)/MMIDBRate) // 10 Hz: whole periods over 6 s
	}
	out := make([]float32, LabShape().Times)
	dsp.Resample(fourier.NewFFT(len(x)), fourier.NewFFT(LabShape().Times), x, out)
	for i, v := range out {
		want := 2 * math.Sin(2*math.Pi*10*float64(i)/LabShape().Rate) // the mean is removed
		if math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("sample %d: %g, want %g", i, v, want)
		}
	}
}

// TestEDFDefects: what the fault probe found in the EEGMMIDB path (the EDF
// reader's own are in package edf): a run without T1/T2 cues gave 0 test
// trials and "test accuracy 0.00%"; EDF+D was read as if continuous.
func TestEDFDefects(t *testing.T) {
	src := filepath.Join("..", "..", "data", "eegmmidb", "S001")
	edit := func(t *testing.T, run string, change func([]byte) []byte) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "S001"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, r := range []string{"R04", "R08", "R12"} {
			b, err := os.ReadFile(filepath.Join(src, "S001"+r+".edf"))
			if err != nil {
				t.Fatal(err)
			}
			if r == run {
				b = change(b)
			}
			if err := os.WriteFile(filepath.Join(dir, "S001", "S001"+r+".edf"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	noCues := edit(t, "R12", func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte("\x14T1\x14"), []byte("\x14T0\x14"))
		return bytes.ReplaceAll(b, []byte("\x14T2\x14"), []byte("\x14T0\x14"))
	})
	if _, err := LoadEEGMMIDB(noCues); err == nil || !strings.Contains(err.Error(), "S001R12.edf has no T1/T2 cue") {
		t.Errorf("run 12 without cues: %v", err)
	}
	disc := edit(t, "R08", func(b []byte) []byte { copy(b[192:197], "EDF+D"); return b })
	if _, err := LoadEEGMMIDB(disc); err == nil || !strings.Contains(err.Error(), "discontinuous EDF+D") {
		t.Errorf("EDF+D: %v", err)
	}
	if _, err := LoadEEGMMIDB(edit(t, "", nil)); err != nil {
		t.Errorf("the unchanged copy: %v", err)
	}
}

// TestEEGMMIDBChannelsAndRate cuts subject 1's trials at the recordings'
// 160 Hz, of chosen channels, and checks them against the EDF samples.
func TestEEGMMIDBChannelsAndRate(t *testing.T) {
	dir := filepath.Join("..", "..", "data", "eegmmidb")
	e, err := edf.Read(filepath.Join(dir, "S001", "S001R04.edf"))
	if err != nil {
		t.Fatal(err)
	}
	lab, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		opt   MMIDBOptions
		chans int
		times int
		first string
	}{
		{"lab", MMIDBOptions{}, 2, 750, "C3"},
		{"160 Hz", MMIDBOptions{Rate: 160}, 2, 960, "C3"},
		{"motor strip", MMIDBOptions{Channels: MMIDBMotorStrip(), Rate: 160}, 17, 960, "Fc3"},
		{"all", MMIDBOptions{Channels: MMIDBAllChannels()}, 64, 750, "Fc5"},
		{"80 Hz, chosen", MMIDBOptions{Channels: []string{"cz", "C4"}, Rate: 80}, 2, 480, "Cz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := LoadDataWith(dir, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, ds := range []*eeg.Dataset{d.Train, d.Test} {
				if err := ds.Check(); err != nil {
					t.Fatal(err)
				}
				if ds.NChans() != tc.chans || ds.Times != tc.times || ds.ChannelNames[0] != tc.first || ds.Len() != map[bool]int{true: lab.Train.Len(), false: lab.Test.Len()}[ds == d.Train] {
					t.Errorf("%s: %d trials of %s", tc.name, ds.Len(), ds.Shape)
				}
			}
			if isLab := d.Train.Shape.Equal(LabShape()); (tc.name == "lab") != isLab || (tc.name == "lab") != (d.ID() == lab.ID()) {
				t.Errorf("lab shape %v, same ID as the lab's %v", isLab, d.ID() == lab.ID())
			}
		})
	}
	// At 160 Hz a trial is the recording's window with its mean removed.
	d, err := LoadDataWith(dir, MMIDBOptions{Channels: []string{"Cz"}, Rate: 160})
	if err != nil {
		t.Fatal(err)
	}
	var cue float64
	for _, a := range e.Annotations {
		if a.Text == "T1" || a.Text == "T2" {
			cue = a.Onset
			break
		}
	}
	start := int(math.Round((cue - MMIDBPreCue) * MMIDBRate))
	raw := e.Signal("Cz").Data[start : start+960]
	mean := 0.0
	for _, v := range raw {
		mean += v / 960
	}
	worst := 0.0
	for i, v := range d.Train.Trial(0) {
		worst = math.Max(worst, math.Abs(float64(v)-(raw[i]-mean)))
	}
	if worst > 1e-3 {
		t.Errorf("160 Hz trial differs from the EDF samples by %g µV", worst)
	}
	for _, tc := range []struct {
		opt  MMIDBOptions
		want string
	}{
		{MMIDBOptions{Rate: 200}, "want a rate in (0, 160]"},
		{MMIDBOptions{Rate: 100.1}, "whole number of samples"},
		{MMIDBOptions{Channels: []string{"C3", "c3"}}, "named once"},
		{MMIDBOptions{Channels: []string{"C9"}}, "has no C9 channel"},
	} {
		if _, err := LoadDataWith(dir, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error saying %q", tc.opt, err, tc.want)
		}
	}
	if _, err := LoadDataWith(filepath.Join("testdata", "lab"), MMIDBOptions{Rate: 160}); err == nil || !strings.Contains(err.Error(), "EEGMMIDB only") {
		t.Errorf("rate for the lab's files: %v", err)
	}
}

// TestDataDirMistakes: the data directory's usual mistakes get the reason,
// not a misleading one: a file given as the directory, and an EEGMMIDB
// folder that lacks one of the runs eegkit needs (recognised as EEGMMIDB by
// its other runs, not taken for the lab's folder).
func TestDataDirMistakes(t *testing.T) {
	src, _ := filepath.Abs(filepath.Join("..", "..", "data", "eegmmidb", "S001"))
	for _, c := range []struct {
		name  string
		runs  []string // runs of S001 linked into the folder
		asDir func(dir string) string
		want  string
	}{
		{"a file as the directory", []string{"R04"}, func(dir string) string { return filepath.Join(dir, "S001", "S001R04.edf") },
			"is a file, not a data directory: give the directory that holds it"},
		{"no run 4", []string{"R08", "R12"}, func(dir string) string { return dir }, "S001R04.edf is missing; eegkit needs runs 4, 8 and 12"},
		{"no run 12", []string{"R04", "R08"}, func(dir string) string { return dir }, "S001R12.edf is missing"},
	} {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "S001"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.runs {
			if err := os.Symlink(filepath.Join(src, "S001"+r+".edf"), filepath.Join(dir, "S001", "S001"+r+".edf")); err != nil {
				t.Fatal(err)
			}
		}
		_, err := LoadDataWith(c.asDir(dir), MMIDBOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
