package recording

import (
	"strings"
	"testing"
)

// TestReadsEveryFormat reads a file of each format through one call: the
// format, the channels at their rates and units, the events by onset with
// MNE's descriptions and, for GDF, the standard table's names.
func TestReadsEveryFormat(t *testing.T) {
	for _, c := range []struct {
		path, format string
		channels     int
		first        Event
	}{
		{"../edf/testdata/mne_export.edf", "EDF+", 2, Event{Onset: 0.5, Description: "T0", Name: "T0"}},
		{"../edf/testdata/pyedflib.bdf", "BDF+", 2, Event{Onset: 0.25, Description: "start", Name: "start"}},
		{"../gdf/testdata/gdf2_int32.gdf", "GDF 2.10", 22, Event{Onset: 0, Duration: 0.4, Description: "768", Name: "trial start"}},
		{"../brainvision/testdata/vec.vhdr", "BrainVision", 2, Event{Onset: 0.25, Duration: 0.005, Description: "Stimulus/S  7", Name: "Stimulus/S  7"}},
	} {
		r, err := Read(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if r.Format != c.format || len(r.Channels) != c.channels || len(r.Events) == 0 || r.Events[0] != c.first {
			t.Errorf("%s: %s, %d channels, first event %+v; want %s, %d, %+v", c.path, r.Format, len(r.Channels), r.Events, c.format, c.channels, c.first)
		}
		for i := 1; i < len(r.Events); i++ {
			if r.Events[i].Onset < r.Events[i-1].Onset {
				t.Errorf("%s: events not by onset: %+v", c.path, r.Events)
			}
		}
	}
	r, _ := Read("../edf/testdata/pyedflib.bdf")
	if c := r.Channel("c3"); c == nil || c.Rate != 256 || c.Unit != "uV" || r.Duration() != 2 {
		t.Errorf("BDF channel C3 %+v, duration %g", c, r.Duration())
	}
	if _, err := Read("../gdf/testdata/missing.gdf"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a missing file: %v", err)
	}
	for unit, want := range map[string]float64{"uV": 1, "µV": 1, "mV": 1e3, "V": 1e6, "nV": 1e-3} {
		if got, ok := Microvolts(unit); !ok || got != want {
			t.Errorf("Microvolts(%q) = %g, %v", unit, got, ok)
		}
	}
	if _, ok := Microvolts("Boolean"); ok {
		t.Error("Microvolts accepted a BDF Status channel's unit")
	}
	if !IsRecording("A01T.GDF") || IsRecording("trials.npz") {
		t.Error("IsRecording misjudges extensions")
	}
}
