package datasets

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/gdf"
	"github.com/eegkit/eegkit/eegkit/recording"
)

// TestEpochsEqualMNE cuts trials as scripts/epochs_fixtures.py has MNE 1.13
// cut them (events_from_annotations, then Epochs without baseline): from
// the committed EEGMMIDB run, an EDF+ file whose first sample comes after
// its header's time, and two GDF files (one with NaN samples and a mV
// channel): the same trials, of the same number of samples, in the same
// order and classes, equal in µV within float32 precision.
func TestEpochsEqualMNE(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "epochs_mne.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, events string
		channels           []string
	}{
		{"S001R04.edf", "../../data/eegmmidb/S001/S001R04.edf", "T1=left,T2=right", []string{"C3", "Cz", "C4"}},
		{"mne_export.edf", "../edf/testdata/mne_export.edf", "T0=rest,T1=move", nil},
		{"gdf2_int32.gdf", "../gdf/testdata/gdf2_int32.gdf", "769=left,770=right,771=feet,772=tongue", nil},
		{"gdf2_float32.gdf", "../gdf/testdata/gdf2_float32.gdf", "left hand=left,781=feedback", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var exp struct {
				TMin, TMax float64
				Samples    int
				Labels     []int
				Index      []int
				Trials     [][][]*float64
			}
			if err := json.Unmarshal(want[c.name], &exp); err != nil {
				t.Fatal(err)
			}
			rec, err := recording.Read(c.path)
			if err != nil {
				t.Fatal(err)
			}
			events, err := ParseEventClasses(c.events)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := Epochs([]Source{{Rec: rec, Subject: "S1"}}, EpochOptions{Events: events, TMin: exp.TMin, TMax: exp.TMax, Channels: c.channels, Reject: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			if ep.Len() != len(exp.Trials) || ep.Times != exp.Samples {
				t.Fatalf("%d trials of %d samples, MNE cuts %d of %d", ep.Len(), ep.Times, len(exp.Trials), exp.Samples)
			}
			worst := 0.0
			for i, tr := range exp.Trials {
				if int(ep.Y[i])+1 != exp.Labels[i] {
					t.Errorf("trial %d has class %d, MNE's %d", i, ep.Y[i]+1, exp.Labels[i])
				}
				x := ep.Trial(i)
				for ch, vals := range tr {
					for k, s := range exp.Index {
						got := float64(x[ch*ep.Times+s])
						if (vals[k] == nil) != math.IsNaN(got) {
							t.Fatalf("trial %d channel %d sample %d: %g, MNE %v", i, ch, s, got, vals[k])
						}
						if vals[k] != nil {
							worst = max(worst, math.Abs(got-*vals[k])/max(1, math.Abs(*vals[k])))
						}
					}
				}
			}
			if worst > 1e-6 {
				t.Errorf("trials differ from MNE's by up to %.3g relative", worst)
			}
			t.Logf("%s: %d trials of %s, within %.2g of MNE's (float32)", c.name, ep.Len(), ep.Shape, worst)
		})
	}
}

// TestEpochsRejectsAndCounts checks the trials GDF marks rejected (1023 at
// their trial's start, 768, as Competition IV 2a marks them) are dropped and
// counted, windows beyond the recording are counted, and every bad request
// gets a one-line error that says what to do.
func TestEpochsRejectsAndCounts(t *testing.T) {
	rate := 100.0
	f := &gdf.File{NumRecords: 10, RecordDuration: 1, EventRate: rate}
	for _, name := range []string{"C3", "C4"} {
		s := gdf.Signal{Label: name, Unit: "uV", PhysMin: -32768, PhysMax: 32767, DigMin: -32768, DigMax: 32767, SamplesPerRecord: 100, Type: 3}
		for j := range 1000 {
			s.Data = append(s.Data, float64(j%100))
		}
		f.Signals = append(f.Signals, s)
	}
	// trials start every 3 s with 768, the cue 2 s later; the second is rejected at its start.
	for k, cue := range []int{769, 770, 769} {
		start := 100 + 300*k
		f.Events = append(f.Events, gdf.Event{Position: start, Type: 768}, gdf.Event{Position: start + 200, Type: cue})
		if k == 1 {
			f.Events = append(f.Events, gdf.Event{Position: start, Type: 1023})
		}
	}
	raw, err := gdf.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "A01T.gdf")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := recording.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	src := []Source{{Rec: rec, Subject: "A01", Session: "T", Run: "1"}}
	ev, _ := ParseEventClasses("769=left,770=right")
	ep, err := Epochs(src, EpochOptions{Events: ev, TMin: 0.5, TMax: 2.5, DropLast: true})
	if err != nil {
		t.Fatal(err)
	}
	// the third trial's window, 9.5 to 11.5 s, leaves the 10-s recording.
	if ep.Len() != 1 || ep.Rejected != 1 || ep.Outside != 1 || ep.Times != 200 || ep.Y[0] != 0 || ep.Session[0] != "T" || ep.Onset[0] != 3 {
		t.Fatalf("%d trials of %d samples (labels %v, onsets %v), %d rejected, %d outside", ep.Len(), ep.Times, ep.Y, ep.Onset, ep.Rejected, ep.Outside)
	}
	if x := ep.Trial(0); x[0] != 50 || x[199] != float32(249%100) {
		t.Errorf("first trial starts %g ends %g; want the samples 0.5 s to 2.49 s after the cue (50, 49)", x[0], x[199])
	}
	ep, err = Epochs(src, EpochOptions{Events: ev, TMin: 0, TMax: 2})
	if err != nil || ep.Len() != 1 || ep.Rejected != 1 || ep.Outside != 1 || ep.Times != 201 {
		t.Fatalf("window 0–2 s: %v trials, %d outside, %d samples, %v", ep.Len(), ep.Outside, ep.Times, err)
	}
	for name, c := range map[string]struct {
		opt  EpochOptions
		want string
	}{
		"no events":     {EpochOptions{TMin: 0, TMax: 1}, "no events to cut"},
		"empty window":  {EpochOptions{Events: ev, TMin: 1, TMax: 1}, "tmax must be after tmin"},
		"no channel":    {EpochOptions{Events: ev, TMax: 1, Channels: []string{"Cz"}}, "no channel Cz (it has C3, C4)"},
		"absent events": {EpochOptions{Events: []EventClass{{"T1", "left"}}, TMax: 1}, "no trials"},
	} {
		if _, err := Epochs(src, c.opt); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line with %q", name, err, c.want)
		}
	}
	for spec, want := range map[string]string{"769": "not event=class", "769=left,769=right": "given twice", "=left": "not event=class"} {
		if _, err := ParseEventClasses(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEventClasses(%q): %v; want %q", spec, err, want)
		}
	}
}

// TestTrialsFilesAreData writes trials files in pairs, as `eegkit epochs`
// does, and reads the folder as data: the train and test sets of every
// pair, the NaN values (1 and 4 in the two trials of each file) replaced by
// their set's nanmean and counted, the trials' shape,
// classes and subjects as written.
func TestTrialsFilesAreData(t *testing.T) {
	rec, err := recording.Read("../gdf/testdata/gdf2_float32.gdf")
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := ParseEventClasses("769=left,781=feedback")
	dir := t.TempDir()
	for _, subj := range []string{"B", "A"} {
		for _, split := range []string{"train", "test"} {
			ep, err := Epochs([]Source{{Rec: rec, Subject: subj, Session: split}}, EpochOptions{Events: ev, TMin: -0.2, TMax: 0.3})
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteTrials(filepath.Join(dir, subj+"_"+split+".npz"), ep, TrialsInfo{Preprocess: "bandpass:4-38"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	back, info, err := ReadTrials(filepath.Join(dir, "A_train.npz"))
	if err != nil || info.Preprocess != "bandpass:4-38" || back.Len() != 2 || back.Session[0] != "train" || back.Subjects[0] != "A" || back.Onset[0] != 0.496 {
		t.Fatalf("read back %+v, %+v, %v", back, info, err)
	}
	d, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 4 || d.Test.Len() != 4 || strings.Join(d.Train.Subjects, ",") != "A,B" || d.Train.Times != 64 ||
		strings.Join(d.Train.ClassNames, ",") != "left,feedback" || d.TrainNaNs != 2*5 || !d.Train.HadNaN[0] || !d.Train.HadNaN[1] {
		t.Fatalf("data: train %d trials of %s, subjects %v, classes %v, %d NaN (%v); test %d", d.Train.Len(), d.Train.Shape, d.Train.Subjects,
			d.Train.ClassNames, d.TrainNaNs, d.Train.HadNaN, d.Test.Len())
	}
	if !strings.Contains(d.Source, "preprocessed bandpass:4-38") {
		t.Errorf("source %q does not say how the trials were preprocessed", d.Source)
	}
}
