package edf

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestConformanceWithMNE reads the files of scripts/edf_fixtures.py, written
// by MNE's exporter (a recording whose first sample comes 0.4 s after the
// header's start time), by pyedflib (signals of different rates, µV and
// mV; a 24-bit BDF+ file with BioSemi's Status channel) and per the
// specification (annotations only, record duration 0), and compares them
// with what MNE 1.13 reads: the same annotations at the same onsets from the
// first sample, the same channel names and rates, the same samples (well
// within a digital step), and a BDF's triggers as mne.find_events finds them.
func TestConformanceWithMNE(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	type annotation struct {
		Onset       float64 `json:"onset"`
		Duration    float64 `json:"duration"`
		Description string  `json:"description"`
	}
	type signal struct {
		Rate  float64   `json:"rate"`
		Volts []float64 `json:"volts"`
	}
	volts := map[string]float64{"uV": 1e-6, "mV": 1e-3, "V": 1}
	for _, name := range []string{"mne_export.edf", "pyedflib.edf", "pyedflib.bdf", "annotations_only.edf"} {
		t.Run(name, func(t *testing.T) {
			var exp struct {
				Annotations []annotation      `json:"annotations"`
				Signals     map[string]signal `json:"signals"`
				Triggers    []struct {
					Sample int `json:"sample"`
					Code   int `json:"code"`
				} `json:"triggers"`
			}
			if err := json.Unmarshal(want[name], &exp); err != nil {
				t.Fatal(err)
			}
			e, err := Read(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Annotations) != len(exp.Annotations) {
				t.Fatalf("%d annotations, MNE reads %d", len(e.Annotations), len(exp.Annotations))
			}
			worstOnset := 0.0
			for i, a := range e.Annotations {
				w := exp.Annotations[i]
				worstOnset = math.Max(worstOnset, math.Abs(a.Onset-w.Onset))
				if a.Text != w.Description || math.Abs(a.Onset-w.Onset) > 1e-9 || math.Abs(a.Duration-w.Duration) > 1e-9 {
					t.Errorf("annotation %d: %q at %g s for %g s, MNE: %q at %g s for %g s", i, a.Text, a.Onset, a.Duration, w.Description, w.Onset, w.Duration)
				}
			}
			status := e.Signal("Status") // a BDF's trigger channel: compared as its events
			if n := len(e.Signals) - len(exp.Signals); n != 0 && (n != 1 || status == nil) {
				t.Fatalf("%d signals, MNE reads %d", len(e.Signals), len(exp.Signals))
			}
			worst := 0.0
			for i := range e.Signals {
				s := &e.Signals[i]
				w, ok := exp.Signals[s.Name()]
				switch {
				case s == status:
					continue
				case !ok:
					t.Errorf("signal %q is not MNE's", s.Name())
					continue
				case e.SampleRate(s) != w.Rate || len(s.Data) != len(w.Volts):
					t.Errorf("%s: %d samples at %g Hz, MNE %d at %g Hz", s.Name(), len(s.Data), e.SampleRate(s), len(w.Volts), w.Rate)
					continue
				}
				scale, ok := volts[s.Unit[:len(trimLabel(s.Unit))]]
				if !ok {
					t.Fatalf("%s: unit %q", s.Name(), s.Unit)
				}
				step := (s.PhysMax - s.PhysMin) / float64(s.DigMax-s.DigMin) * scale // one digital step, in volts
				for j, v := range s.Data {
					d := math.Abs(v*scale - w.Volts[j])
					worst = math.Max(worst, d/step)
					if d > 1e-6*step {
						t.Fatalf("%s sample %d: %g V, MNE %g V (%.2g of a digital step apart)", s.Name(), j, v*scale, w.Volts[j], d/step)
					}
				}
			}
			if len(exp.Triggers) > 0 {
				if status == nil {
					t.Fatal("no Status channel")
				}
				got := e.Triggers(status)
				if len(got) != len(exp.Triggers) {
					t.Fatalf("%d triggers %v, mne.find_events finds %d", len(got), got, len(exp.Triggers))
				}
				for i, g := range got {
					w := exp.Triggers[i]
					if g.Text != strconv.Itoa(w.Code) || math.Abs(g.Onset*e.SampleRate(status)-float64(w.Sample)) > 1e-9 {
						t.Errorf("trigger %d: %q at sample %g, mne.find_events: %d at %d", i, g.Text, g.Onset*e.SampleRate(status), w.Code, w.Sample)
					}
				}
			}
			t.Logf("%s (%s): %d annotations, %d triggers (onsets within %.1g s of MNE's), %d signals (samples within %.2g digital steps)", name, e.Format, len(e.Annotations), len(exp.Triggers), worstOnset, len(e.Signals), worst)
		})
	}
	sub, err := Read(filepath.Join("testdata", "mne_export.edf"))
	if err != nil || sub.StartOffset != 0.4 {
		t.Errorf("the first sample of mne_export.edf comes %v s after the header's start time, want 0.4 (%v)", sub.StartOffset, err)
	}
}
