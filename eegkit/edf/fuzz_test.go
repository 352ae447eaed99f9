package edf

import (
	"os"
	"path/filepath"
	"testing"
)

// The fuzzer's seed corpus is testdata/fuzz/FuzzParseEDF/ (run as regression
// tests by every `go test`) plus the seeds added below. Run a fuzzer with
// e.g. `go test -run '^$' -fuzz FuzzParseEDF -fuzztime 10m ./eegkit/edf`.

// FuzzParseEDF checks that no input makes the EDF or BDF reader panic, and
// that what it accepts is consistent with its header. The conformance files
// (an EDF+ recording that starts after its header's time, a BDF+ file with
// a Status channel, an annotation-only EDF+ file) are seeds too.
func FuzzParseEDF(f *testing.F) {
	f.Add(testEDF([]string{"C3..", "C4.."}, [][]int16{{-1000, 0, 1000, 500}, {2, 4, 10, 8}},
		"+0\x14\x14\x00+0.5\x151.25\x14T1\x14\x00+2\x14T2\x14T0\x14\x00"))
	if raw, err := os.ReadFile(filepath.Join("..", "..", "data", "eegmmidb", "S001", "S001R04.edf")); err == nil {
		f.Add(raw[:256*66]) // the header of a real file, without its data
	}
	for _, name := range []string{"mne_export.edf", "pyedflib.bdf", "annotations_only.edf"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := Parse(raw)
		if err != nil {
			return
		}
		for i, s := range e.Signals {
			if len(s.Data) != e.NumRecords*s.SamplesPerRecord {
				t.Fatalf("signal %s: %d samples, header says %d records of %d", s.Label, len(s.Data), e.NumRecords, s.SamplesPerRecord)
			}
			e.Triggers(&e.Signals[i])
		}
	})
}
