package brainvision

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformanceWithMNE reads the files of scripts/brainvision_fixtures.py
// (pybv's float32 and int16 files, multiplexed; an int32 vectorized file per
// the specification with a channel in mV and a marker on a channel) and
// compares them with what MNE 1.13 reads: the same rate, channel names and
// samples in volts, and the same markers as annotations ("New Segment"
// markers, which MNE does not list, aside).
func TestConformanceWithMNE(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"f32", "i16", "vec"} {
		t.Run(base, func(t *testing.T) {
			var exp struct {
				Rate        float64              `json:"rate"`
				Channels    map[string][]float64 `json:"channels"`
				Annotations []struct {
					Onset       float64 `json:"onset"`
					Duration    float64 `json:"duration"`
					Description string  `json:"description"`
				} `json:"annotations"`
			}
			if err := json.Unmarshal(want[base], &exp); err != nil {
				t.Fatal(err)
			}
			f, err := Read(filepath.Join("testdata", base+".vhdr"))
			if err != nil {
				t.Fatal(err)
			}
			if f.Rate != exp.Rate || len(f.Channels) != len(exp.Channels) {
				t.Fatalf("%d channels at %g Hz, MNE %d at %g Hz", len(f.Channels), f.Rate, len(exp.Channels), exp.Rate)
			}
			worst := 0.0
			for _, c := range f.Channels {
				w, ok := exp.Channels[c.Name]
				if !ok || len(w) != len(c.Data) {
					t.Fatalf("channel %s: %d samples, MNE %d (%v)", c.Name, len(c.Data), len(w), ok)
				}
				scale, _ := Volts(c.Unit)
				for i, v := range c.Data {
					d := math.Abs(v*scale - w[i])
					worst = math.Max(worst, d/math.Max(math.Abs(w[i]), 1e-12))
					if d > 1e-6*math.Abs(w[i])+1e-15 {
						t.Fatalf("%s sample %d: %g V, MNE %g V", c.Name, i, v*scale, w[i])
					}
				}
			}
			var markers []Marker
			for _, m := range f.Markers {
				if m.Type != "New Segment" {
					markers = append(markers, m)
				}
			}
			if len(markers) != len(exp.Annotations) {
				t.Fatalf("%d markers, MNE %d annotations", len(markers), len(exp.Annotations))
			}
			for i, m := range markers {
				w := exp.Annotations[i]
				if m.Text() != w.Description || math.Abs(m.Onset-w.Onset) > 1e-9 || math.Abs(m.Duration-w.Duration) > 1e-9 {
					t.Errorf("marker %d: %q at %g s for %g s, MNE %q at %g s for %g s", i, m.Text(), m.Onset, m.Duration, w.Description, w.Onset, w.Duration)
				}
			}
			t.Logf("%s: %d channels at %g Hz, samples within %.2g relative of MNE's, %d markers", base, len(f.Channels), f.Rate, worst, len(markers))
		})
	}
}

// TestBadFiles: a damaged header, data file or marker file is refused with
// what is wrong.
func TestBadFiles(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	vhdr, vmrk, eeg := read("i16.vhdr"), read("i16.vmrk"), read("i16.eeg")
	edit := func(b []byte, from, to string) []byte { return []byte(strings.Replace(string(b), from, to, 1)) }
	for _, tc := range []struct {
		name            string
		vhdr, vmrk, eeg []byte
		want            string
	}{
		{"not a header", []byte("hello\n"), vmrk, eeg, "not \"Brain Vision Data Exchange Header File\""},
		{"ASCII data", edit(vhdr, "DataFormat=BINARY", "DataFormat=ASCII"), vmrk, eeg, "only BINARY data"},
		{"channel count", edit(vhdr, "NumberOfChannels=3", "NumberOfChannels=100000"), vmrk, eeg, "NumberOfChannels \"100000\""},
		{"missing channel", edit(vhdr, "Ch3=C4,,0.1,µV", ""), vmrk, eeg, "channel 3 is not described"},
		{"unknown format", edit(vhdr, "BinaryFormat=INT_16", "BinaryFormat=INT_24"), vmrk, eeg, "BinaryFormat \"INT_24\""},
		{"zero interval", edit(vhdr, "SamplingInterval=4000.0", "SamplingInterval=0"), vmrk, eeg, "SamplingInterval \"0\""},
		{"truncated data", vhdr, vmrk, eeg[:len(eeg)-1], "truncated or another recording's"},
		{"bad unit", edit(vhdr, "Ch1=C3,,0.1,µV", "Ch1=C3,,0.1,furlong"), vmrk, eeg, "unit \"furlong\""},
		{"marker beyond the data", vhdr, edit(vmrk, "S  2,251,", "S  2,99999,"), eeg, "position \"99999\""},
		{"marker channel", vhdr, edit(vmrk, "S  2,251,1,0", "S  2,251,1,9"), eeg, "channel \"9\""},
		{"malformed line", edit(vhdr, "[Binary Infos]", "[Binary Infos]\nnonsense"), vmrk, eeg, "neither a [section]"},
	} {
		if _, err := Parse(tc.vhdr, tc.vmrk, tc.eeg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := Read(filepath.Join("testdata", "missing.vhdr")); err == nil {
		t.Error("a missing header was read")
	}
}

// FuzzParse checks that no header, marker file or data makes the reader
// panic, and that what it accepts has as many samples in every channel.
func FuzzParse(f *testing.F) {
	for _, base := range []string{"f32", "i16", "vec"} {
		vhdr, _ := os.ReadFile(filepath.Join("testdata", base+".vhdr"))
		vmrk, _ := os.ReadFile(filepath.Join("testdata", base+".vmrk"))
		eeg, _ := os.ReadFile(filepath.Join("testdata", base+".eeg"))
		f.Add(vhdr, vmrk, eeg)
	}
	f.Fuzz(func(t *testing.T, vhdr, vmrk, eeg []byte) {
		file, err := Parse(vhdr, vmrk, eeg)
		if err != nil {
			return
		}
		for _, c := range file.Channels {
			if len(c.Data) != len(file.Channels[0].Data) {
				t.Fatalf("channel %s has %d samples, %s %d", c.Name, len(c.Data), file.Channels[0].Name, len(file.Channels[0].Data))
			}
		}
	})
}
