package eegkit

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
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
	e, err := ParseEDF(raw)
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
	if fmt.Sprint(e.Annotations) != fmt.Sprint(want) {
		t.Errorf("annotations %v, want %v", e.Annotations, want)
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
	}
	for _, tc := range bad {
		_, err := ParseEDF(tc.edit(bytes.Clone(raw)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestEEGMMIDBSubject1 reads the committed PhysioNet files of subject 1.
func TestEEGMMIDBSubject1(t *testing.T) {
	dir := filepath.Join("..", "data", "eegmmidb")
	e, err := ReadEDF(filepath.Join(dir, "S001", "S001R04.edf"))
	if err != nil {
		t.Fatal(err)
	}
	c3 := e.Signal("C3")
	if len(e.Signals) != 64 || c3 == nil || e.SampleRate(c3) != 160 || c3.Unit != "uV" || len(c3.Data) != 125*160 {
		t.Fatalf("%d signals, C3 %v", len(e.Signals), c3 != nil)
	}
	counts := map[string]int{}
	for _, a := range e.Annotations {
		counts[a.Text]++
		if (a.Text == "T1" || a.Text == "T2") && math.Abs(a.Duration-4.1) > 0.05 {
			t.Errorf("imagery cue of %g s, want 4.1 s", a.Duration)
		}
	}
	if counts["T1"]+counts["T2"] != 15 {
		t.Errorf("annotations %v: want 15 imagery cues", counts)
	}
	ld, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ld.Train.Len() < 25 || ld.Test.Len() < 12 || ld.Train.Subjects[0] != "S001" || !strings.Contains(ld.Source, "verified") {
		t.Errorf("%d train, %d test trials, source %q", ld.Train.Len(), ld.Test.Len(), ld.Source)
	}
	for _, d := range []*Dataset{ld.Train, ld.Test} {
		c := d.Counts()["S001"]
		if c[0] < 5 || c[1] < 5 {
			t.Errorf("classes %v", c)
		}
		for _, v := range d.X {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 2000 {
				t.Fatalf("value %g µV in the trials", v)
			}
		}
	}
	// A copy with one byte changed fails verification with a clear error.
	bad := t.TempDir()
	for _, f := range []string{"SHA256SUMS_R04_R08_R12.txt", "S001/S001R04.edf", "S001/S001R08.edf", "S001/S001R12.edf"} {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "S001/S001R08.edf" {
			raw[len(raw)-100] ^= 1
		}
		os.MkdirAll(filepath.Dir(filepath.Join(bad, f)), 0o755)
		if err := os.WriteFile(filepath.Join(bad, f), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadData(bad); err == nil || !strings.Contains(err.Error(), "does not match its official checksum") {
		t.Errorf("altered file: %v", err)
	}
	orig, _ := os.ReadFile(filepath.Join(dir, "S001", "S001R08.edf"))
	os.WriteFile(filepath.Join(bad, "S001", "S001R08.edf"), orig, 0o644)
	os.Remove(filepath.Join(bad, "S001", "S001R12.edf"))
	if _, err := LoadData(bad); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("missing run: %v", err)
	}
}

// TestResample checks the 160 → 125 Hz resampling on a sinusoid: the
// resampled values are the sinusoid at the new sample times.
func TestResample(t *testing.T) {
	x := make([]float64, mmidbTrialInput)
	for i := range x {
		x[i] = 3 + 2*math.Sin(2*math.Pi*10*float64(i)/MMIDBRate) // 10 Hz: whole periods over 6 s
	}
	out := make([]float32, Samples)
	resample(fourier.NewFFT(len(x)), fourier.NewFFT(Samples), x, out)
	for i, v := range out {
		want := 2 * math.Sin(2*math.Pi*10*float64(i)/SampleRate) // the mean is removed
		if math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("sample %d: %g, want %g", i, v, want)
		}
	}
}

// TestEDFDefects: what the fault probe found in the EDF path. A physical
// range of ±1e308 gave NaN data and a "successful" 50 % run; a run without
// T1/T2 cues gave 0 test trials and "test accuracy 0.00%"; EDF+D was read as
// if continuous.
func TestEDFDefects(t *testing.T) {
	raw := testEDF([]string{"C3.."}, [][]int16{{-1000, 0, 1000, 500}}, "+0\x14\x14\x00")
	ns := 2
	off := 256 + ns*(16+80+8) // the physical minima
	copy(raw[off:off+8], "-1e308  ")
	copy(raw[off+ns*8:off+ns*8+8], "1e308   ")
	if _, err := ParseEDF(raw); err == nil || !strings.Contains(err.Error(), "beyond float32") {
		t.Errorf("physical range ±1e308: %v", err)
	}

	src := filepath.Join("..", "data", "eegmmidb", "S001")
	edit := func(t *testing.T, run string, change func([]byte) []byte) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "S001"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, r := range []string{"R04", "R08", "R12"} {
			b, err := os.ReadFile(filepath.Join(src, "S001"+r+".edf"))
			if err != nil {
				t.Fatal(err)
			}
			if r == run {
				b = change(b)
			}
			if err := os.WriteFile(filepath.Join(dir, "S001", "S001"+r+".edf"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	noCues := edit(t, "R12", func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte("\x14T1\x14"), []byte("\x14T0\x14"))
		return bytes.ReplaceAll(b, []byte("\x14T2\x14"), []byte("\x14T0\x14"))
	})
	if _, err := LoadEEGMMIDB(noCues); err == nil || !strings.Contains(err.Error(), "S001R12.edf has no T1/T2 cue") {
		t.Errorf("run 12 without cues: %v", err)
	}
	disc := edit(t, "R08", func(b []byte) []byte { copy(b[192:197], "EDF+D"); return b })
	if _, err := LoadEEGMMIDB(disc); err == nil || !strings.Contains(err.Error(), "discontinuous EDF+D") {
		t.Errorf("EDF+D: %v", err)
	}
	if _, err := LoadEEGMMIDB(edit(t, "", nil)); err != nil {
		t.Errorf("the unchanged copy: %v", err)
	}
}
