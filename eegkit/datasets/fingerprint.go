package datasets

import (
	"crypto/sha1"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// fingerprintsTSV lists the genuine course files: name, size, sha256, git blob id, CRC-32 of signal.npy.
//
//go:embed fingerprints.tsv
var fingerprintsTSV string

// GenuineSource is how eegkit names the lab's own data.
const GenuineSource = "genuine BCI III-IIIb lab data"

// fileDigests are a file's sha256 and git blob id (what `git hash-object` prints).
type fileDigests struct{ sha256, blob string }

func digestFile(path string) (fileDigests, error) {
	if _, err := safefile.StatRegular(path, "a data file"); err != nil {
		return fileDigests{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return fileDigests{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileDigests{}, err
	}
	s, b := sha256.New(), sha1.New()
	fmt.Fprintf(b, "blob %d\x00", st.Size())
	if _, err := io.Copy(io.MultiWriter(s, b), f); err != nil {
		return fileDigests{}, err
	}
	return fileDigests{hex.EncodeToString(s.Sum(nil)), hex.EncodeToString(b.Sum(nil))}, nil
}

// IsGenuine reports whether the file at path is one of the course's four
// files, by sha256 or git blob id.
func IsGenuine(path string) bool {
	d, err := digestFile(path)
	if err != nil {
		return false
	}
	name := filepath.Base(path)
	for _, line := range strings.Split(fingerprintsTSV, "\n")[1:] {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) >= 4 && f[0] == name && (f[2] == d.sha256 || f[3] == d.blob) {
			return true
		}
	}
	return false
}

// SyntheticManifest is written next to generated data: what made it and the
// sha256 of each file, so a later run can say it used exactly that data.
type SyntheticManifest struct {
	Generator string            `json:"generator"`
	Seed      uint64            `json:"seed"`
	Trials    int               `json:"trials,omitempty"` // per file, when not the lab's 540
	SHA256    map[string]string `json:"sha256"`
}

// SyntheticManifestFile is the manifest's file name in a data directory.
const SyntheticManifestFile = "SYNTHETIC.json"

// DescribeSource says what the lab files in dir are: the genuine course
// data, eegkit's synthetic data (with its seed), or other data.
func DescribeSource(dir string) string {
	var files []string
	for _, split := range []string{"train", "test"} {
		files = append(files, LabFiles(split)...)
	}
	genuine := 0
	for _, f := range files {
		if IsGenuine(filepath.Join(dir, f)) {
			genuine++
		}
	}
	switch {
	case genuine == len(files):
		return GenuineSource
	case genuine > 0:
		return fmt.Sprintf("mixed data: %d of %d files are the genuine BCI III-IIIb lab files", genuine, len(files))
	}
	if raw, err := os.ReadFile(filepath.Join(dir, SyntheticManifestFile)); err == nil {
		var m SyntheticManifest
		if json.Unmarshal(raw, &m) == nil && len(m.SHA256) == len(files) {
			ok := true
			for _, f := range files {
				d, err := digestFile(filepath.Join(dir, f))
				ok = ok && err == nil && d.sha256 == m.SHA256[f]
			}
			if ok {
				if m.Trials > 0 {
					return fmt.Sprintf("eegkit synthetic BCI-IIIb-like data (%s, seed %d, %d trials per file)", m.Generator, m.Seed, m.Trials)
				}
				return fmt.Sprintf("eegkit synthetic BCI-IIIb-like data (%s, seed %d)", m.Generator, m.Seed)
			}
			return "modified eegkit synthetic data (files differ from " + SyntheticManifestFile + ")"
		}
	}
	return "user data (not the genuine BCI III-IIIb course files)"
}
