package eegkit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The fuzzers' seed corpus is testdata/fuzz/<Fuzzer>/ (run as regression
// tests by every `go test`) plus the seeds added below. Run a fuzzer with
// e.g. `go test -run '^$' -fuzz FuzzParseEDF -fuzztime 10m ./eegkit`.

// FuzzParseEDF checks that no input makes the EDF reader panic, and that
// what it accepts is consistent with its header.
func FuzzParseEDF(f *testing.F) {
	f.Add(testEDF([]string{"C3..", "C4.."}, [][]int16{{-1000, 0, 1000, 500}, {2, 4, 10, 8}},
		"+0\x14\x14\x00+0.5\x151.25\x14T1\x14\x00+2\x14T2\x14T0\x14\x00"))
	if raw, err := os.ReadFile(filepath.Join("..", "data", "eegmmidb", "S001", "S001R04.edf")); err == nil {
		f.Add(raw[:256*66]) // the header of a real file, without its data
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := ParseEDF(raw)
		if err != nil {
			return
		}
		for _, s := range e.Signals {
			if len(s.Data) != e.NumRecords*s.SamplesPerRecord {
				t.Fatalf("signal %s: %d samples, header says %d records of %d", s.Label, len(s.Data), e.NumRecords, s.SamplesPerRecord)
			}
		}
	})
}

// FuzzReadNPZ checks that no input makes the .npz reader panic or allocate
// more than the input can describe, for every array it lists.
func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	seeds := map[string][]npzEntry{
		"lab.npz": {
			{Name: "signal", Shape: []int{1, Samples, Channels}, Data: make([]float64, TrialSize)},
			{Name: "label", Shape: []int{1}, Data: []float64{1}},
		},
		"weights.npz": {{Name: "fc.weight", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}},
	}
	for name, entries := range seeds {
		path := filepath.Join(dir, name)
		if err := writeNPZ(path, entries); err != nil {
			f.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		z, err := readNPZ("fuzz.npz", bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return
		}
		for _, k := range z.keys() {
			a, err := z.read(k)
			if err != nil {
				continue
			}
			if len(a.Data) != shapeSize(a.Shape) {
				t.Fatalf("%s: %d values for shape %v", k, len(a.Data), a.Shape)
			}
		}
	})
}
