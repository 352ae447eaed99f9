package edf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// testEDF builds an EDF+ file: signals of digital samples (one record of
// len(samples[i]) each, record duration 1 s), digital range ±1000 mapped to
// physical ±500 µV, and an annotation signal with the TALs given.
func testEDF(labels []string, samples [][]int16, tals string) []byte {
	ns := len(labels) + 1
	var h bytes.Buffer
	pad := func(s string, n int) { h.WriteString(s + strings.Repeat(" ", n-len(s))) }
	pad("0", 8)
	pad("X X X X", 80)
	pad("Startdate X", 80)
	pad("01.01.20", 8)
	pad("00.00.00", 8)
	pad(fmt.Sprint(256*(ns+1)), 8)
	pad("EDF+C", 44)
	pad("1", 8)
	pad("1", 8)
	pad(fmt.Sprint(ns), 4)
	annBytes := (len(tals) + 1) / 2 * 2
	cols := []func(i int) (string, int){
		func(i int) (string, int) {
			if i == len(labels) {
				return "EDF Annotations", 16
			}
			return labels[i], 16
		},
		func(int) (string, int) { return "", 80 },
		func(int) (string, int) { return "uV", 8 },
		func(int) (string, int) { return "-500", 8 },
		func(int) (string, int) { return "500", 8 },
		func(int) (string, int) { return "-1000", 8 },
		func(int) (string, int) { return "1000", 8 },
		func(int) (string, int) { return "", 80 },
		func(i int) (string, int) {
			if i == len(labels) {
				return fmt.Sprint(annBytes / 2), 8
			}
			return fmt.Sprint(len(samples[i])), 8
		},
		func(int) (string, int) { return "", 32 },
	}
	for _, col := range cols {
		for i := range ns {
			s, n := col(i)
			pad(s, n)
		}
	}
	for _, s := range samples {
		_ = binary.Write(&h, binary.LittleEndian, s)
	}
	h.WriteString(tals)
	h.Write(make([]byte, annBytes-len(tals)))
	return h.Bytes()
}

func TestParseEDF(t *testing.T) {
	raw := testEDF([]string{"C3..", "C4.."}, [][]int16{{-1000, 0, 1000, 500}, {2, 4, 10, 8}},
		"+0\x14\x14\x00+0.5\x151.25\x14T1\x14\x00+2\x14T2\x14T0\x14\x00")
	e, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !e.Plus || len(e.Signals) != 2 || e.NumRecords != 1 || e.SampleRate(&e.Signals[0]) != 4 {
		t.Fatalf("parsed %+v", e)
	}
	if got, want := e.Signal("C3").Data, []float64{-500, 0, 500, 250}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("C3 = %v, want %v (physical scaling)", got, want)
	}
	if e.Signal("c4").Data[3] != 4 || e.Signal("Cz") != nil {
		t.Error("signal lookup by label")
	}
	want := []Annotation{{0.5, 1.25, "T1"}, {2, 0, "T2"}, {2, 0, "T0"}}
	if fmt.Sprint(e.Annotations) != fmt.Sprint(want) || e.StartOffset != 0 {
		t.Errorf("annotations %v from %g s, want %v from 0", e.Annotations, e.StartOffset, want)
	}
	// A recording whose first sample comes 0.25 s after the header's time: its
	// annotations are placed from the first sample, as MNE places them.
	late, err := Parse(testEDF([]string{"C3.."}, [][]int16{{1, 2, 3, 4}}, "+0.25\x14\x14\x00+1.25\x14T1\x14\x00"))
	if err != nil || late.StartOffset != 0.25 || len(late.Annotations) != 1 || late.Annotations[0].Onset != 1 {
		t.Errorf("a late start: %+v, %v", late, err)
	}
	bad := []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"empty", func([]byte) []byte { return nil }, "shorter than the 256-byte header"},
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }, "truncated or altered"},
		{"extra bytes", func(b []byte) []byte { return append(b, 0, 0) }, "truncated or altered"},
		{"CR LF conversion", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte{'\n'}, []byte{'\r', '\n'}) }, "truncated or altered"},
		{"BDF", func(b []byte) []byte { b[0] = 0xff; return b }, "version"},
		{"signal count", func(b []byte) []byte { copy(b[252:], "abc "); return b }, "not an integer"},
		{"header size", func(b []byte) []byte { copy(b[184:], "999     "); return b }, "header size 999"},
		{"digital range", func(b []byte) []byte { i := 256 + 3*(16+80+8+8+8); copy(b[i+8*0:], "1000    "); return b }, "digital range"},
		{"physical range", func(b []byte) []byte { i := 256 + 3*(16+80+8); copy(b[i:], "500     "); return b }, "physical minimum equals maximum"},
		{"bad TAL", func(b []byte) []byte { return bytes.Replace(b, []byte("+0.5"), []byte("x0.5"), 1) }, "does not start with + or -"},
		{"record duration 0 with signals", func(b []byte) []byte { copy(b[244:], "0       "); return b }, "record duration 0 s with signals that are not annotations"},
		{"negative record duration", func(b []byte) []byte { copy(b[244:], "-1      "); return b }, "record duration -1 s"},
	}
	for _, tc := range bad {
		_, err := Parse(tc.edit(bytes.Clone(raw)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestPhysicalRangeBeyondFloat32: the fault probe's ±1e308 physical range
// gave NaN data and a "successful" 50 % run.
func TestPhysicalRangeBeyondFloat32(t *testing.T) {
	raw := testEDF([]string{"C3.."}, [][]int16{{-1000, 0, 1000, 500}}, "+0\x14\x14\x00")
	ns := 2
	off := 256 + ns*(16+80+8) // the physical minima
	copy(raw[off:off+8], "-1e308  ")
	copy(raw[off+ns*8:off+ns*8+8], "1e308   ")
	if _, err := Parse(raw); err == nil || !strings.Contains(err.Error(), "beyond float32") {
		t.Errorf("physical range ±1e308: %v", err)
	}
}
