package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDigestMatchesGit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hello")
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := digestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// `printf 'hello\n' | git hash-object --stdin` and `sha256sum`
	if d.blob != "ce013625030ba8dba906f756967f9e9ca394464a" ||
		d.sha256 != "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" {
		t.Errorf("digests %+v", d)
	}
}

func TestGenuineFingerprints(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(fingerprintsTSV), "\n")
	if len(lines) != 5 {
		t.Fatalf("fingerprints table has %d lines, want a header and 4 files", len(lines))
	}
	names := map[string]bool{}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 5 || len(f[2]) != 64 || len(f[3]) != 40 {
			t.Errorf("malformed line %q", l)
		}
		names[f[0]] = true
	}
	for _, split := range []string{"train", "test"} {
		for _, f := range LabFiles(split) {
			if !names[f] {
				t.Errorf("no fingerprint for %s", f)
			}
		}
	}
	if IsGenuine(filepath.Join("testdata", "lab", "S4b_train.npz")) {
		t.Error("a numpy test file was taken for the genuine one")
	}
}
