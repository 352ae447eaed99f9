package npz

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The fuzzer's seed corpus is testdata/fuzz/FuzzReadNPZ/ (run as regression
// tests by every `go test`) plus the seeds added below. Run it with
// `go test -run '^$' -fuzz FuzzReadNPZ -fuzztime 10m ./eegkit/npz`.

// FuzzReadNPZ checks that no input makes the .npz reader panic or allocate
// more than the input can describe, for every array it lists.
func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	seeds := map[string][]Entry{
		"lab.npz": {
			{Name: "signal", Shape: []int{1, 750, 2}, Data: make([]float64, 1500)},
			{Name: "label", Shape: []int{1}, Data: []float64{1}},
		},
		"weights.npz": {{Name: "fc.weight", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}},
	}
	for name, entries := range seeds {
		path := filepath.Join(dir, name)
		if err := Write(path, entries); err != nil {
			f.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		z, err := NewReader("fuzz.npz", bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return
		}
		for _, k := range z.Keys() {
			a, err := z.Array(k)
			if err != nil {
				continue
			}
			if n, ok := shapeValues(a.Shape); !ok || uint64(len(a.Data)) != n {
				t.Fatalf("%s: %d values for shape %v", k, len(a.Data), a.Shape)
			}
		}
	})
}
