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
	"slices"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/edf"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/preprocess"
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
	MMIDBTrialTime  = 6.0   // seconds of each trial: 1 s before to 5 s after the cue, the lab's 750 samples at 125 Hz
	mmidbLeft       = "T1"
	mmidbRight      = "T2"
	mmidbTrialInput = int(MMIDBRate * MMIDBTrialTime) // 960 samples at 160 Hz
)

// MMIDBOptions say which trials LoadEEGMMIDBWith cuts. The zero value
// gives the lab's shape: C3 and C4 resampled to 125 Hz.
type MMIDBOptions struct {
	// Channels to keep, in this order, by EEGMMIDB's labels without their
	// trailing dots ("C3", "Cz", "Fc5"; any case). nil: C3 and C4, as the
	// lab; MMIDBAllChannels: all 64 in the recordings' order.
	Channels []string
	// Rate is the sampling rate of the trials in Hz: 0 means the lab's
	// 125 Hz, 160 keeps the recordings' rate, and any rate below resamples
	// (an ideal FFT low-pass). MMIDBTrialTime·Rate must be a whole number.
	Rate float64
	// Preprocess runs over the data before the models see it, for every
	// kind of data LoadDataWith reads: over EEGMMIDB's continuous
	// recordings at 160 Hz before trials are cut (so it may not resample;
	// Rate does) and a competition's, over each trial of the lab's and
	// trials files.
	Preprocess *preprocess.Pipeline
}

// MMIDBAllChannels asks MMIDBOptions for every EEG channel of the recordings.
func MMIDBAllChannels() []string { return []string{"all"} }

// MMIDBMotorStrip is the sensorimotor strip of the 10-10 montage: the
// channels over the hand areas and between them.
func MMIDBMotorStrip() []string {
	return []string{"Fc3", "Fc1", "Fcz", "Fc2", "Fc4", "C5", "C3", "C1", "Cz", "C2", "C4", "C6", "Cp3", "Cp1", "Cpz", "Cp2", "Cp4"}
}

func (o MMIDBOptions) rate() float64 {
	if o.Rate == 0 {
		return labRate
	}
	return o.Rate
}

func (o MMIDBOptions) check() error {
	r := o.rate()
	if math.IsNaN(r) || r <= 0 || r > MMIDBRate || r*MMIDBTrialTime != math.Round(r*MMIDBTrialTime) {
		return fmt.Errorf("EEGMMIDB sampling rate %g Hz: want a rate in (0, %g] Hz that makes a whole number of samples in %g s (125 or 160, say)", o.Rate, MMIDBRate, MMIDBTrialTime)
	}
	if o.Preprocess.Resamples() {
		return fmt.Errorf("preprocessing %q resamples, but EEGMMIDB trials are cut at 160 Hz and resampled to Rate; set the rate with Rate (--rate) instead", o.Preprocess.Spec)
	}
	seen := map[string]bool{}
	for _, c := range o.Channels {
		k := strings.ToLower(strings.TrimSpace(c))
		if k == "" || seen[k] {
			return fmt.Errorf("EEGMMIDB channels %q: every channel must be named once", strings.Join(o.Channels, ","))
		}
		seen[k] = true
	}
	return nil
}

// MMIDBTrainRuns and MMIDBTestRuns are how eegkit splits a subject's
// imagery runs: the first two train, the last one tests (a later session,
// as the lab's test set is).
var (
	MMIDBTrainRuns = []int{4, 8}
	MMIDBTestRuns  = []int{12}
)

// isMMIDBDir reports whether dir holds EEGMMIDB recordings in PhysioNet's
// layout (SNNN/SNNNRkk.edf, any run: a folder that lacks one of the runs
// eegkit needs is still EEGMMIDB, and loading it names the missing run).
func isMMIDBDir(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "S[0-9][0-9][0-9]", "S[0-9][0-9][0-9]R[0-9][0-9].edf"))
	return len(m) > 0
}

// LoadEEGMMIDB is LoadEEGMMIDBWith with the lab's shape: it builds lab-format trials from the EEGMMIDB imagery runs of
// every subject in dir (laid out as PhysioNet serves it: dir/S001/S001R04.edf):
// channels C3 and C4 in µV, from MMIDBPreCue s before each T1 (left fist,
// label 0) or T2 (right fist, label 1) cue to 5 s after it, resampled from
// 160 Hz to the lab's 125 Hz (an ideal FFT low-pass at 62.5 Hz) with each
// trial's channel mean removed (the recordings are not high-pass filtered),
// so every trial is [1, 2, 750] like the lab's. Cues whose window leaves the
// recording are skipped. Runs 4 and 8 form the training set and run 12 the
// test set. If dir has a SHA256SUMS*.txt file (PhysioNet's checksums),
// every file read must match it.
func LoadEEGMMIDB(dir string) (*eeg.Data, error) { return LoadEEGMMIDBWith(dir, MMIDBOptions{}) }

// LoadEEGMMIDBWith builds trials from the EEGMMIDB imagery runs as
// LoadEEGMMIDB does, of the channels and at the rate opt asks for: the
// datasets carry their channel names, samples (MMIDBTrialTime·rate) and
// rate.
func LoadEEGMMIDBWith(dir string, opt MMIDBOptions) (*eeg.Data, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	subjDirs, _ := filepath.Glob(filepath.Join(dir, "S[0-9][0-9][0-9]"))
	sort.Strings(subjDirs)
	sums, sumsFile, err := readSHA256Sums(dir)
	if err != nil {
		return nil, err
	}
	// The imagined movements of runs 4, 8 and 12 (T1 left fist, T2 right
	// fist); each set's channels, length and rate are its recordings'.
	classes := func() eeg.Shape { return eeg.Shape{ClassNames: []string{"left hand", "right hand"}} }
	ld := &eeg.Data{Dir: dir, Train: &eeg.Dataset{Shape: classes()}, Test: &eeg.Dataset{Shape: classes()}}
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
				if err := appendMMIDBRun(part.ds, path, s, opt); err != nil {
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
	for _, ds := range []*eeg.Dataset{ld.Test, ld.Train} {
		if !ds.Shape.Equal(ld.Train.Shape) {
			return nil, fmt.Errorf("%s: the recordings do not all have the same channels (%s has %s, the training set %s); choose the channels with MMIDBOptions.Channels (--channels)", dir, "the test set", ds.Shape, ld.Train.Shape)
		}
	}
	verified := "not checksum-verified (no SHA256SUMS file)"
	if sums != nil {
		verified = "verified against " + filepath.Base(sumsFile)
	}
	rate := "160 Hz"
	if r := opt.rate(); r != MMIDBRate {
		rate = fmt.Sprintf("160→%g Hz", r)
	}
	chans := strings.Join(ld.Train.ChannelNames, ", ")
	if n := ld.Train.NChans(); n > 6 {
		chans = fmt.Sprintf("%d channels", n)
	}
	ld.Source = fmt.Sprintf("PhysioNet EEGMMIDB motor imagery, %s (train runs 4+8, test run 12; %s; %g s before to %g s after each cue, %s; %s)",
		subjectList(names), chans, MMIDBPreCue, MMIDBTrialTime-MMIDBPreCue, rate, verified)
	if opt.Preprocess != nil {
		ld.Source += ", preprocessed " + opt.Preprocess.Spec + " before cutting"
	}
	return ld, nil
}

func subjectList(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%d subjects (%s … %s)", len(names), names[0], names[len(names)-1])
}

// appendMMIDBRun adds the imagery trials of one run to ds as subject s;
// the first run sets ds's channels, samples and rate, the others must have
// the same channels.
func appendMMIDBRun(ds *eeg.Dataset, path string, s int, opt MMIDBOptions) (err error) {
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
				path, mmidbLeft, mmidbRight, MMIDBPreCue, MMIDBTrialTime-MMIDBPreCue)
		}
	}()
	chans, names, err := mmidbChannels(e, path, opt.Channels)
	if err != nil {
		return err
	}
	times := int(math.Round(opt.rate() * MMIDBTrialTime))
	if before == 0 && len(ds.ChannelNames) == 0 {
		ds.ChannelNames, ds.Times, ds.Rate = names, times, opt.rate()
	} else if got := ds.ChannelNames; !slices.Equal(got, names) {
		return fmt.Errorf("%s has channels %s where the runs before it have %s; choose the channels with MMIDBOptions.Channels (--channels)", path, strings.Join(names, ","), strings.Join(got, ","))
	}
	data := make([][]float64, len(chans))
	for c, sig := range chans {
		data[c] = sig.Data
	}
	if opt.Preprocess != nil {
		s := &preprocess.Signals{Names: slices.Clone(names), Rate: MMIDBRate, Data: make([][]float64, len(chans))}
		for c := range data {
			s.Data[c] = slices.Clone(data[c])
		}
		if err := opt.Preprocess.Apply(s); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		data = s.Data
	}
	run := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))[4:] // S001R04.edf: R04, the run as its session
	fft := fourier.NewFFT(mmidbTrialInput)
	ifft := fourier.NewFFT(times)
	n := len(data[0])
	trial := make([]float32, len(chans)*times)
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
		for c, sig := range data {
			dsp.Resample(fft, ifft, sig[start:start+mmidbTrialInput], trial[c*times:(c+1)*times])
		}
		ds.X = append(ds.X, trial...)
		ds.Y = append(ds.Y, label)
		ds.Subject = append(ds.Subject, s)
		ds.Session = append(ds.Session, run)
	}
	return nil
}

// mmidbChannels finds the signals asked for (nil: C3 and C4; "all": every
// signal but the annotations) and their names without trailing dots, each
// checked to be sampled at 160 Hz and long enough for a trial.
func mmidbChannels(e *edf.File, path string, want []string) ([]*edf.Signal, []string, error) {
	var sigs []*edf.Signal
	switch {
	case len(want) == 0:
		want = LabShape().ChannelNames
		fallthrough
	case !slices.Equal(want, MMIDBAllChannels()):
		for _, name := range want {
			sig := e.Signal(name)
			if sig == nil {
				return nil, nil, fmt.Errorf("%s has no %s channel (its channels: %s)", path, name, strings.Join(edfLabels(e), ", "))
			}
			sigs = append(sigs, sig)
		}
	default:
		for i := range e.Signals {
			if e.Signals[i].Label != "EDF Annotations" {
				sigs = append(sigs, &e.Signals[i])
			}
		}
	}
	names := make([]string, len(sigs))
	for i, sig := range sigs {
		names[i] = sig.Name()
		if r := e.SampleRate(sig); r != MMIDBRate {
			return nil, nil, fmt.Errorf("%s: %s is sampled at %g Hz, want %g Hz", path, names[i], r, MMIDBRate)
		}
		if len(sig.Data) != len(sigs[0].Data) {
			return nil, nil, fmt.Errorf("%s: %s has %d samples and %s %d; the channels of a recording must have the same length", path, names[i], len(sig.Data), names[0], len(sigs[0].Data))
		}
	}
	if len(sigs) == 0 {
		return nil, nil, fmt.Errorf("%s has no EEG channels", path)
	}
	return sigs, names, nil
}

func edfLabels(e *edf.File) []string {
	var out []string
	for i := range e.Signals {
		if s := &e.Signals[i]; s.Label != "EDF Annotations" {
			out = append(out, s.Name())
		}
	}
	return out
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

// LoadData reads a data directory of any kind eegkit knows: the lab's four
// .npz files, EEGMMIDB EDF files (see LoadEEGMMIDB), a BCI competition's
// GDF files (see LoadCompetition), or trials files that `eegkit epochs`
// wrote (see LoadTrialsDir).
func LoadData(dir string) (*eeg.Data, error) { return LoadDataWith(dir, MMIDBOptions{}) }

// LoadDataWith is LoadData with the channels and rate to cut EEGMMIDB
// trials with; the lab's files have theirs, so opt must then be zero.
func LoadDataWith(dir string, opt MMIDBOptions) (*eeg.Data, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a data directory: give the directory that holds it (%s)", dir, filepath.Dir(dir))
	}
	if isMMIDBDir(dir) {
		return LoadEEGMMIDBWith(dir, opt)
	}
	if comp, _ := competitionOf(dir); comp != nil {
		if len(opt.Channels) > 0 || opt.Rate != 0 {
			return nil, fmt.Errorf("%s holds %s: its trials have its own channels and rate (resample with --preprocess resample:RATE)", dir, comp.Name)
		}
		return LoadCompetition(dir, opt)
	}
	if len(opt.Channels) > 0 || opt.Rate != 0 { // Preprocess applies to every kind
		return nil, fmt.Errorf("%s is not an EEGMMIDB folder (S001/S001R04.edf, …): channels and rate can be chosen for EEGMMIDB only (the lab's files are C3 and C4 at 125 Hz; trials files have the channels they were cut with)", dir)
	}
	load := LoadLab
	if isTrialsDir(dir) {
		load = LoadTrialsDir
	}
	d, err := load(dir)
	if err != nil || opt.Preprocess == nil {
		return d, err
	}
	for _, ds := range []*eeg.Dataset{d.Train, d.Test} {
		if err := opt.Preprocess.ApplyTrials(ds); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
	}
	d.Source += ", each trial preprocessed " + opt.Preprocess.Spec
	return d, nil
}
