package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/gdf"
	"github.com/eegkit/eegkit/eegkit/preprocess"
)

// writeGDF writes a recording in a competition's layout: channels at rate,
// a trial every 8 s from 1 s (768 at its start, its cue 2 s later, 1023 at
// the start of the trials listed in rejected), each channel's samples the
// trial's cue code (so a trial's class can be read off its values), NaN at
// nan samples.
func writeGDF(t *testing.T, path string, chans []string, rate float64, cues []int, rejected map[int]bool, nan []int) {
	t.Helper()
	per := int(rate)
	n := (len(cues)*8 + 2) * per
	f := &gdf.File{NumRecords: n / per, RecordDuration: 1, EventRate: rate}
	values := make([]float64, n)
	for k, cue := range cues {
		start := (1 + 8*k) * per
		f.Events = append(f.Events, gdf.Event{Position: start, Type: 768}, gdf.Event{Position: start + 2*per, Type: cue})
		if rejected[k] {
			f.Events = append(f.Events, gdf.Event{Position: start, Type: 1023})
		}
		for i := start; i < start+8*per; i++ {
			values[i] = float64(cue)
		}
	}
	for _, i := range nan {
		values[i] = math.NaN()
	}
	for _, c := range chans {
		f.Signals = append(f.Signals, gdf.Signal{Label: c, Unit: "uV", PhysMin: -1000, PhysMax: 1000, DigMin: -1000, DigMax: 1000,
			SamplesPerRecord: per, Type: 16, Data: values})
	}
	raw, err := gdf.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeLabelsMAT writes a level 5 MAT-file holding classlabel (n×1 double),
// as the competition IV labels files are.
func writeLabelsMAT(t *testing.T, path string, labels []int) {
	t.Helper()
	var m bytes.Buffer
	w := func(v ...any) {
		for _, x := range v {
			binary.Write(&m, binary.LittleEndian, x)
		}
	}
	name := "classlabel"
	w(uint32(6), uint32(8), uint32(6), uint32(0))                   // array flags: double
	w(uint32(5), uint32(8), int32(len(labels)), int32(1))           // dimensions
	w(uint32(1), uint32(len(name)))                                 // name
	m.WriteString(name + strings.Repeat("\x00", (8-len(name)%8)%8)) // padded to 8
	w(uint32(9), uint32(8*len(labels)))
	for _, l := range labels {
		w(float64(l))
	}
	var file bytes.Buffer
	file.WriteString(fmt.Sprintf("%-116s", "MATLAB 5.0 MAT-file, written by eegkit's tests"))
	file.Write(make([]byte, 8))
	binary.Write(&file, binary.LittleEndian, uint16(0x0100))
	file.WriteString("IM")
	binary.Write(&file, binary.LittleEndian, [2]uint32{14, uint32(m.Len())})
	file.Write(m.Bytes())
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// classOf is the cue code a trial's samples hold.
func classOf(x []float32) int { return int(math.Round(float64(x[len(x)/2]))) }

// TestCompetitionIV2a reads a folder in Competition IV 2a's layout: a
// training session whose cues say the class (one trial rejected), an
// evaluation session of unknown cues with its labels in a MAT-file in
// true_labels/; the EOG channels are left out, trials are 4 s from the cue
// at 250 Hz (1000 samples), and every test trial gets its true label.
func TestCompetitionIV2a(t *testing.T) {
	dir := t.TempDir()
	chans := []string{"EEG-Fz", "EEG-C3", "EEG-Cz", "EEG-C4", "EOG-left", "EOG-central"}
	writeGDF(t, filepath.Join(dir, "A01T.gdf"), chans, 250, []int{769, 770, 771, 772, 769}, map[int]bool{2: true}, nil)
	writeGDF(t, filepath.Join(dir, "A01E.gdf"), chans, 250, []int{783, 783, 783, 783}, nil, nil)
	if _, err := LoadData(dir); err == nil || !strings.Contains(err.Error(), "A01E.mat") {
		t.Fatalf("without the labels file: %v; want an error naming A01E.mat", err)
	}
	os.Mkdir(filepath.Join(dir, "true_labels"), 0o755)
	truth := []int{4, 1, 3, 2}
	writeLabelsMAT(t, filepath.Join(dir, "true_labels", "A01E.mat"), truth)
	d, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 4 || d.Test.Len() != 4 || d.Train.Times != 1000 || d.Train.Rate != 250 || d.Train.NChans() != 4 ||
		strings.Join(d.Train.ClassNames, ",") != "left hand,right hand,feet,tongue" || !strings.Contains(d.Source, "1 rejected") {
		t.Fatalf("train %d × %s, test %d; %s", d.Train.Len(), d.Train.Shape, d.Test.Len(), d.Source)
	}
	for i, y := range d.Test.Y {
		if int(y) != truth[i]-1 || classOf(d.Test.Trial(i)) != 783 {
			t.Errorf("test trial %d: class %d, want %d", i, y, truth[i]-1)
		}
	}
	for i, y := range d.Train.Y {
		if classOf(d.Train.Trial(i)) != 769+int(y) {
			t.Errorf("train trial %d: class %d cut from a %d trial", i, y, classOf(d.Train.Trial(i)))
		}
	}
	writeLabelsMAT(t, filepath.Join(dir, "true_labels", "A01E.mat"), []int{1, 2})
	if _, err := LoadData(dir); err == nil || !strings.Contains(err.Error(), "has 2 labels, but") {
		t.Errorf("labels of the wrong length: %v", err)
	}
}

// TestCompetitionIIIb reads a folder in Competition III IIIb's layout (the
// lab's own data): each subject's file holds labelled training cues and
// unknown test cues, the true labels of all its trials in a text file;
// the training cues train, the unknown ones test with their true labels,
// NaN samples (one per channel) are replaced by the set's nanmean; a
// labels file that contradicts the recording's own cues is refused, and so
// is a band-pass over a recording with NaN samples, which it would spread.
func TestCompetitionIIIb(t *testing.T) {
	dir := t.TempDir()
	writeGDF(t, filepath.Join(dir, "S4b.gdf"), []string{"C3", "C4"}, 125, []int{769, 770, 783, 783, 770}, nil, []int{3*8*125 + 200})
	labels := "1\n2\n2\n1\n2\n"
	os.WriteFile(filepath.Join(dir, "true_labels_S4b.txt"), []byte(labels), 0o644)
	d, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 3 || d.Test.Len() != 2 || d.Train.Times != 750 || d.Test.Y[0] != 1 || d.Test.Y[1] != 0 || d.TestNaNs != 2 ||
		d.Train.Subjects[0] != "S4b" {
		t.Fatalf("train %d (%v), test %d (%v), %d test NaN, %s", d.Train.Len(), d.Train.Y, d.Test.Len(), d.Test.Y, d.TestNaNs, d.Source)
	}
	os.WriteFile(filepath.Join(dir, "true_labels_S4b.txt"), []byte("2\n2\n2\n1\n2\n"), 0o644)
	if _, err := LoadData(dir); err == nil || !strings.Contains(err.Error(), "not its labels") {
		t.Errorf("labels that contradict the cues: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "true_labels_S4b.txt"), []byte("2\n1\n"), 0o644)
	p, _ := preprocess.ParsePipeline("bandpass:8-30")
	if _, err := LoadDataWith(dir, MMIDBOptions{Preprocess: p}); err == nil || !strings.Contains(err.Error(), "missing (NaN) samples") {
		t.Errorf("a band-pass over a recording with NaN: %v", err)
	}
}

// TestCompetitionIV2b reads a folder in Competition IV 2b's layout: three
// training sessions and two evaluation sessions per subject, each
// evaluation session's labels in its own MAT-file beside it; sessions 1–3
// train and 4–5 test, the EOG channels are left out, trials are 4.5 s from
// the cue (1125 samples at 250 Hz).
func TestCompetitionIV2b(t *testing.T) {
	dir := t.TempDir()
	chans := []string{"EEG:C3", "EEG:Cz", "EEG:C4", "EOG:ch01"}
	for _, s := range []string{"01T", "02T", "03T"} {
		writeGDF(t, filepath.Join(dir, "B01"+s+".gdf"), chans, 250, []int{769, 770}, nil, nil)
	}
	for _, s := range []string{"04E", "05E"} {
		writeGDF(t, filepath.Join(dir, "B01"+s+".gdf"), chans, 250, []int{783, 783, 783}, nil, nil)
		writeLabelsMAT(t, filepath.Join(dir, "B01"+s+".mat"), []int{2, 2, 1})
	}
	d, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 6 || d.Test.Len() != 6 || d.Train.Times != 1125 || strings.Join(d.Train.ChannelNames, ",") != "EEG:C3,EEG:Cz,EEG:C4" ||
		strings.Join(d.Test.ClassNames, ",") != "left hand,right hand" || d.Test.Y[0] != 1 || d.Test.Y[2] != 0 || d.Test.Y[5] != 0 {
		t.Fatalf("train %d × %s, test %d (%v); %s", d.Train.Len(), d.Train.Shape, d.Test.Len(), d.Test.Y, d.Source)
	}
}
