package gdf

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes the GDF reader panic, and that
// what it accepts is consistent with its header: every channel holds its
// records' samples, every event lies within the recording. The conformance
// files are its seeds; `go test -run '^$' -fuzz FuzzParse ./eegkit/gdf`
// runs it.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"gdf1_int16.gdf", "gdf2_float32.gdf", "gdf2_int32.gdf"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		g, err := Parse(raw)
		if err != nil {
			return
		}
		for _, s := range g.Signals {
			if len(s.Data) != g.NumRecords*s.SamplesPerRecord {
				t.Fatalf("signal %s: %d samples, header says %d records of %d", s.Label, len(s.Data), g.NumRecords, s.SamplesPerRecord)
			}
		}
		for _, e := range g.Events {
			if e.Position < 0 || g.Onset(e) > float64(g.NumRecords)*g.RecordDuration+1e-9 {
				t.Fatalf("event %+v beyond the recording's %g s", e, float64(g.NumRecords)*g.RecordDuration)
			}
		}
	})
}
