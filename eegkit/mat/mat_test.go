package mat

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadsSciPysFiles reads what scipy.io.savemat writes, plain and
// compressed (scripts/mat_fixtures.py): the uint8 labels and the double
// matrix with their dimensions and column-major values; the string and the
// cell are skipped.
func TestReadsSciPysFiles(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		Dims []int
		Data []float64
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"labels.mat", "labels_compressed.mat"} {
		arrays, err := Read(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(arrays) != 2 {
			t.Errorf("%s: arrays %v; want classlabel and m", name, keys(arrays))
		}
		for k, w := range want {
			a := arrays[k]
			if a == nil || fmt.Sprint(a.Dims) != fmt.Sprint(w.Dims) || fmt.Sprint(a.Data) != fmt.Sprint(w.Data) {
				t.Errorf("%s: %s = %+v; want %v %v", name, k, a, w.Dims, w.Data[:min(6, len(w.Data))])
			}
		}
	}
}

func keys(m map[string]*Array) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRefusesDamage checks truncated, v7.3 and headerless files get one
// line that says what is wrong.
func TestRefusesDamage(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "labels.mat"))
	if err != nil {
		t.Fatal(err)
	}
	comp, _ := os.ReadFile(filepath.Join("testdata", "labels_compressed.mat"))
	v73 := append([]byte("MATLAB 7.3 MAT-file"), make([]byte, 200)...)
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"short":      {good[:50], "shorter than the 128-byte header"},
		"v7.3":       {v73, "v7.3 (HDF5)"},
		"no header":  {append(make([]byte, 128), good[128:]...), "no level 5 MAT-file header"},
		"truncated":  {good[:len(good)-100], "truncated"},
		"comp. cut":  {comp[:len(comp)-30], "truncated"},
		"zlib wreck": {append(append([]byte(nil), comp[:136]...), make([]byte, len(comp)-136)...), "compressed element"},
	} {
		_, err := Parse(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line with %q", name, err, c.want)
		}
	}
}

// FuzzParse checks no input makes the reader panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"labels.mat", "labels_compressed.mat"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		arrays, err := Parse(raw)
		if err != nil {
			return
		}
		for _, a := range arrays {
			n := 1
			for _, d := range a.Dims {
				n *= d
			}
			if n != len(a.Data) {
				t.Fatalf("%s: %d values for dims %v", a.Name, len(a.Data), a.Dims)
			}
		}
	})
}
