package datasets

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/edf"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"gonum.org/v1/gonum/dsp/fourier"
)

// The PhysioNet EEG Motor Movement/Imagery Database (EEGMMIDB, Schalk et al.
// 2004, doi:10.13026/C28G6P, ODC-By 1.0): 109 subjects, 64 channels at
// 160 Hz, EDF+ files S001/S001R04.edf etc. Runs 4, 8 and 12 are motor
// imagery of the left (annotation T1) or right (T2) fist, 15 cues of 4.1 s
// per run.
const (
	MMIDBRate       = 160.0 // Hz
	MMIDBPreCue     = 1.0   // seconds of each trial before the cue
	mmidbLeft       = "T1"
	mmidbRight      = "T2"
	mmidbTrialInput = int(MMIDBRate * eeg.Samples / eeg.SampleRate) // 960 samples at 160 Hz = 6 s
)

// MMIDBTrainRuns and MMIDBTestRuns are how eegkit splits a subject's
// imagery runs: the first two train, the last one tests (a later session,
// as the lab's test set is).
var (
	MMIDBTrainRuns = []int{4, 8}
	MMIDBTestRuns  = []int{12}
)

// IsMMIDBDir reports whether dir holds EEGMMIDB imagery runs (SNNN/SNNNR04.edf).
func IsMMIDBDir(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "S[0-9][0-9][0-9]", "S[0-9][0-9][0-9]R04.edf"))
	return len(m) > 0
}

// LoadEEGMMIDB builds lab-format trials from the EEGMMIDB imagery runs of
// every subject in dir (laid out as PhysioNet serves it: dir/S001/S001R04.edf):
// channels C3 and C4 in µV, from MMIDBPreCue s before each T1 (left fist,
// label 0) or T2 (right fist, label 1) cue to 5 s after it, resampled from
// 160 Hz to the lab's 125 Hz (an ideal FFT low-pass at 62.5 Hz) with each
// trial's channel mean removed (the recordings are not high-pass filtered),
// so every trial is [1, 2, 750] like the lab's. Cues whose window leaves the
// recording are skipped. Runs 4 and 8 form the training set and run 12 the
// test set. If dir has a SHA256SUMS*.txt file (PhysioNet's checksums),
// every file read must match it.
func LoadEEGMMIDB(dir string) (*eeg.Data, error) {
	subjDirs, _ := filepath.Glob(filepath.Join(dir, "S[0-9][0-9][0-9]"))
	sort.Strings(subjDirs)
	sums, sumsFile, err := readSHA256Sums(dir)
	if err != nil {
		return nil, err
	}
	ld := &eeg.Data{Dir: dir, Train: &eeg.Dataset{}, Test: &eeg.Dataset{}}
	var names []string
	for _, sd := range subjDirs {
		subject := filepath.Base(sd)
		s := len(names)
		found := false
		for _, part := range []struct {
			runs []int
			ds   *eeg.Dataset
		}{{MMIDBTrainRuns, ld.Train}, {MMIDBTestRuns, ld.Test}} {
			for _, run := range part.runs {
				rel := fmt.Sprintf("%s/%sR%02d.edf", subject, subject, run)
				path := filepath.Join(dir, filepath.FromSlash(rel))
				if _, err := os.Stat(path); err != nil {
					return nil, fmt.Errorf("EEGMMIDB subject %s: %s is missing; eegkit needs runs 4, 8 and 12 of every subject folder", subject, path)
				}
				if sums != nil {
					if err := verifySHA256(path, rel, sums, sumsFile); err != nil {
						return nil, err
					}
				}
				if err := appendMMIDBRun(part.ds, path, s); err != nil {
					return nil, err
				}
				found = true
			}
		}
		if found {
			names = append(names, subject)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s has no EEGMMIDB subject folders (S001/S001R04.edf, …); download them from https://physionet.org/content/eegmmidb/1.0.0/", dir)
	}
	ld.Train.Subjects, ld.Test.Subjects = names, names
	verified := "not checksum-verified (no SHA256SUMS file)"
	if sums != nil {
		verified = "verified against " + filepath.Base(sumsFile)
	}
	ld.Source = fmt.Sprintf("PhysioNet EEGMMIDB motor imagery, %s (train runs 4+8, test run 12; C3, C4; %g s before to %g s after each cue, 160→125 Hz; %s)",
		subjectList(names), MMIDBPreCue, float64(eeg.Samples)/eeg.SampleRate-MMIDBPreCue, verified)
	return ld, nil
}

func subjectList(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%d subjects (%s … %s)", len(names), names[0], names[len(names)-1])
}

// appendMMIDBRun adds the imagery trials of one run to ds as subject s.
func appendMMIDBRun(ds *eeg.Dataset, path string, s int) (err error) {
	e, err := edf.Read(path)
	if err != nil {
		return err
	}
	if e.Discontinuous {
		return fmt.Errorf("%s is a discontinuous EDF+D recording; eegkit cuts trials from continuous recordings only (EDF or EDF+C), since a window could span a gap", path)
	}
	before := ds.Len()
	defer func() {
		if err == nil && ds.Len() == before {
			err = fmt.Errorf("%s has no %s/%s cue with a whole trial window (%g s before to %g s after the cue); is it a motor-imagery run with its annotations?",
				path, mmidbLeft, mmidbRight, MMIDBPreCue, float64(eeg.Samples)/eeg.SampleRate-MMIDBPreCue)
		}
	}()
	var chans [2]*edf.Signal
	for i, name := range []string{"C3", "C4"} {
		if chans[i] = e.Signal(name); chans[i] == nil {
			return fmt.Errorf("%s has no %s channel", path, name)
		}
		if r := e.SampleRate(chans[i]); r != MMIDBRate {
			return fmt.Errorf("%s: %s is sampled at %g Hz, want %g Hz", path, name, r, MMIDBRate)
		}
	}
	fft := fourier.NewFFT(mmidbTrialInput)
	ifft := fourier.NewFFT(eeg.Samples)
	n := len(chans[0].Data)
	trial := make([]float32, eeg.TrialSize)
	for _, a := range e.Annotations {
		var label int32
		switch a.Text {
		case mmidbLeft:
			label = 0
		case mmidbRight:
			label = 1
		default:
			continue
		}
		start := int(math.Round((a.Onset - MMIDBPreCue) * MMIDBRate))
		if start < 0 || start+mmidbTrialInput > n {
			continue
		}
		for c, sig := range chans {
			dsp.Resample(fft, ifft, sig.Data[start:start+mmidbTrialInput], trial[c*eeg.Samples:(c+1)*eeg.Samples])
		}
		ds.X = append(ds.X, trial...)
		ds.Y = append(ds.Y, label)
		ds.Subject = append(ds.Subject, s)
	}
	return nil
}

// readSHA256Sums reads the first SHA256SUMS*.txt in dir (sha256sum format:
// "hash  relative/path"), or returns nil if there is none.
func readSHA256Sums(dir string) (map[string]string, string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "SHA256SUMS*"))
	if len(files) == 0 {
		return nil, "", nil
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, "", fmt.Errorf("%s line %d is not \"sha256  path\"", files[0], line)
		}
		sums[strings.TrimPrefix(fields[1], "*")] = strings.ToLower(fields[0])
	}
	return sums, files[0], sc.Err()
}

func verifySHA256(path, rel string, sums map[string]string, sumsFile string) error {
	want, ok := sums[rel]
	if !ok {
		return fmt.Errorf("%s is not listed in %s, so it cannot be verified; add its sha256 there, or remove that file to read unverified data", rel, sumsFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s does not match its official checksum in %s (sha256 %s, want %s): the file is corrupt or altered (e.g. by a line-ending conversion); download it again", path, filepath.Base(sumsFile), got, want)
	}
	return nil
}

// LoadData reads a data directory of either kind eegkit knows: the lab's
// four .npz files, or EEGMMIDB EDF files (see LoadEEGMMIDB).
func LoadData(dir string) (*eeg.Data, error) {
	if IsMMIDBDir(dir) {
		return LoadEEGMMIDB(dir)
	}
	return LoadLab(dir)
}
