package datasets

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/mat"
	"github.com/eegkit/eegkit/eegkit/recording"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// Competition is a BCI competition dataset eegkit reads from the folder
// its organisers distribute: the GDF recordings, and the true labels of
// their evaluation trials (whose cues are "unknown", 783), published
// separately, beside them or in a subfolder.
type Competition struct {
	Name    string
	Files   *regexp.Regexp // a recording's file name; groups: subject, session
	Classes []EventClass   // the cue codes and their classes
	// TMin and TMax are the trial window around the cue (s), its last
	// sample dropped: MOABB's interval less the cue's time in the trial,
	// as long as braindecode's windows.
	TMin, TMax float64
	// Train says whether a session trains (its trials' cues are labelled
	// in the file); the others test, labelled by their labels file.
	Train func(session string) bool
	// Labels are the true-labels files of a recording, in the order tried.
	Labels func(subject, session string) []string
	// Channels keeps a recording's EEG channels (not its EOG).
	Channels func(names []string) []string
	URL      string
}

// Competitions are the competition layouts LoadData recognises.
func Competitions() []Competition {
	eegOnly := func(names []string) []string {
		var out []string
		for _, n := range names {
			if !strings.HasPrefix(strings.ToUpper(n), "EOG") {
				out = append(out, n)
			}
		}
		return out
	}
	mi4 := []EventClass{{"769", "left hand"}, {"770", "right hand"}, {"771", "feet"}, {"772", "tongue"}}
	return []Competition{
		{Name: "BCI Competition IV 2a", Files: regexp.MustCompile(`^(A0[1-9])([TE])\.gdf$`), Classes: mi4, TMin: 0, TMax: 4,
			Train: func(s string) bool { return s == "T" },
			Labels: func(subj, sess string) []string {
				return []string{subj + sess + ".mat", filepath.Join("true_labels", subj+sess+".mat")}
			},
			Channels: eegOnly, URL: "https://www.bbci.de/competition/iv/#dataset2a (labels: https://www.bbci.de/competition/iv/results/#labels)"},
		{Name: "BCI Competition IV 2b", Files: regexp.MustCompile(`^(B0[1-9])(0[1-5][TE])\.gdf$`), Classes: mi4[:2], TMin: 0, TMax: 4.5,
			Train: func(s string) bool { return strings.HasSuffix(s, "T") },
			Labels: func(subj, sess string) []string {
				return []string{subj + sess + ".mat", filepath.Join("true_labels", subj+sess+".mat")}
			},
			Channels: eegOnly, URL: "https://www.bbci.de/competition/iv/#dataset2b (labels: https://www.bbci.de/competition/iv/results/#labels)"},
		{Name: "BCI Competition III IIIb", Files: regexp.MustCompile(`^(O3VR|S4b|X11b)()\.gdf$`), Classes: mi4[:2], TMin: -3, TMax: 3,
			Train: func(string) bool { return true }, // its files hold both: labelled cues train, unknown cues test
			Labels: func(subj, _ string) []string {
				return []string{"true_labels_" + subj + ".txt", filepath.Join("true_labels", "true_labels_"+subj+".txt")}
			},
			Channels: eegOnly, URL: "https://www.bbci.de/competition/iii/#data_set_iiib (labels: https://www.bbci.de/competition/iii/results/)"},
	}
}

// competitionOf is the competition whose recordings dir holds, if any.
func competitionOf(dir string) (*Competition, []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil
	}
	for _, c := range Competitions() {
		var files []string
		for _, e := range entries {
			if !e.IsDir() && c.Files.MatchString(e.Name()) {
				files = append(files, e.Name())
			}
		}
		if len(files) > 0 {
			sort.Strings(files)
			return &c, files
		}
	}
	return nil, nil
}

// unknownCue is GDF's code of a cue whose class the file does not say.
const unknownCue = "783"

// LoadCompetition reads a competition folder (IV 2a, IV 2b or III IIIb,
// recognised by its files' names) into a train and a test set: each
// subject's training-session trials (IIIb: its labelled trials) and its
// evaluation-session trials (IIIb: its unknown-cue trials) labelled from
// the true-labels file, cut from TMin to TMax around the cue (last sample
// dropped), rejected trials (1023) dropped, NaN samples replaced by their
// set's nanmean as the lab does. opt.Preprocess runs over each recording
// before cutting.
func LoadCompetition(dir string, opt MMIDBOptions) (*eeg.Data, error) {
	comp, files := competitionOf(dir)
	if comp == nil {
		return nil, fmt.Errorf("%s holds no BCI competition recordings (A01T.gdf, B0101T.gdf, S4b.gdf, …)", dir)
	}
	base := EpochOptions{Events: comp.Classes, TMin: comp.TMin, TMax: comp.TMax, DropLast: true, Preprocess: opt.Preprocess}
	var train, test []Source
	rejected := 0
	for _, name := range files {
		m := comp.Files.FindStringSubmatch(name)
		subj, sess := m[1], m[2]
		rec, err := recording.Read(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if base.Channels == nil {
			base.Channels = comp.Channels(rec.ChannelNames())
		}
		run := strings.TrimSuffix(name, ".gdf")
		cued, unknown := 0, 0
		for _, e := range rec.Events {
			if slices.ContainsFunc(comp.Classes, func(c EventClass) bool { return c.Event == e.Description }) {
				cued++
			} else if e.Description == unknownCue {
				unknown++
			}
		}
		if comp.Train(sess) && cued > 0 {
			train = append(train, Source{Rec: withEvents(rec, func(e recording.Event) bool { return e.Description != unknownCue }), Subject: subj, Session: sess, Run: run})
		}
		if !comp.Train(sess) || unknown > 0 {
			labelled, err := trueLabels(dir, comp, subj, sess, rec, !comp.Train(sess))
			if err != nil {
				return nil, err
			}
			test = append(test, Source{Rec: labelled, Subject: subj, Session: sess, Run: run})
		}
	}
	d := &eeg.Data{Dir: dir}
	for _, part := range []struct {
		srcs []Source
		set  **eeg.Dataset
		nans *int
		mean *float64
		what string
	}{{train, &d.Train, &d.TrainNaNs, &d.TrainNaNMean, "training"}, {test, &d.Test, &d.TestNaNs, &d.TestNaNMean, "evaluation"}} {
		if len(part.srcs) == 0 {
			return nil, fmt.Errorf("%s: no %s recordings of %s (%s)", dir, part.what, comp.Name, strings.Join(files, ", "))
		}
		ep, err := Epochs(part.srcs, base)
		if err != nil {
			return nil, fmt.Errorf("%s: %s trials: %w", dir, part.what, err)
		}
		rejected += ep.Rejected
		*part.set = ep.Dataset
		if *part.nans, *part.mean, err = fillNaN(ep.Dataset); err != nil {
			return nil, fmt.Errorf("%s: %s trials: %w", dir, part.what, err)
		}
	}
	d.Source = fmt.Sprintf("%s, %s (%s; %g to %g s from each cue; %d rejected trials dropped)", comp.Name, subjectList(d.Train.Subjects),
		d.Train.Shape, comp.TMin, comp.TMax, rejected)
	if opt.Preprocess != nil {
		d.Source += ", preprocessed " + opt.Preprocess.Spec + " before cutting"
	}
	return d, nil
}

// withEvents is rec with only the events keep keeps; its channels are shared.
func withEvents(rec *recording.Recording, keep func(recording.Event) bool) *recording.Recording {
	out := *rec
	out.Events = nil
	for _, e := range rec.Events {
		if keep(e) {
			out.Events = append(out.Events, e)
		}
	}
	return &out
}

// trueLabels is rec with its evaluation trials' cues labelled from the
// competition's labels file: the file's labels (1 … K) go, in order, to
// every cue of the recording when it has as many labels as cues (and must
// agree with the cues the recording labels itself), else to its unknown
// cues (783). The result's cues are the unknown ones, now labelled, and
// with keepKnown (an evaluation session) the labelled ones too.
func trueLabels(dir string, comp *Competition, subj, sess string, rec *recording.Recording, keepKnown bool) (*recording.Recording, error) {
	var labels []int
	var from string
	for _, name := range comp.Labels(subj, sess) {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		var err error
		if labels, err = readLabels(path, len(comp.Classes)); err != nil {
			return nil, err
		}
		from = path
		break
	}
	if from == "" {
		return nil, fmt.Errorf("%s's evaluation trials have no labels: put %s (the true labels, from %s) in %s", rec.Path, comp.Labels(subj, sess)[0], comp.URL, dir)
	}
	isCue := func(e recording.Event) bool {
		return e.Description == unknownCue || slices.ContainsFunc(comp.Classes, func(c EventClass) bool { return c.Event == e.Description })
	}
	var all, unknown int
	for _, e := range rec.Events {
		if isCue(e) {
			all++
			if e.Description == unknownCue {
				unknown++
			}
		}
	}
	which := isCue
	switch len(labels) {
	case all:
	case unknown:
		which = func(e recording.Event) bool { return e.Description == unknownCue }
	default:
		return nil, fmt.Errorf("%s has %d labels, but %s has %d cues (%d of them unknown): they are not its labels", from, len(labels), rec.Path, all, unknown)
	}
	out := *rec
	out.Events = nil
	k := 0
	for _, e := range rec.Events {
		if !isCue(e) {
			out.Events = append(out.Events, e)
			continue
		}
		known := e.Description != unknownCue
		if which(e) {
			c := comp.Classes[labels[k]-1]
			if known && c.Event != e.Description {
				return nil, fmt.Errorf("%s's label %d is %s, but %s cues %s at %.3f s: they are not its labels", from, k+1, c.Class, rec.Path, e.Name, e.Onset)
			}
			e.Description, e.Name = c.Event, c.Class
			k++
		}
		if !known || keepKnown {
			out.Events = append(out.Events, e)
		}
	}
	return &out, nil
}

// readLabels reads a true-labels file: a MAT-file's classlabel array (the
// competition IV files), or text with one label per line (III IIIb's),
// each a class number 1 … k.
func readLabels(path string, k int) ([]int, error) {
	var values []float64
	if strings.EqualFold(filepath.Ext(path), ".mat") {
		arrays, err := mat.Read(path)
		if err != nil {
			return nil, err
		}
		a := arrays["classlabel"]
		if a == nil {
			return nil, fmt.Errorf("%s has no classlabel array (it has %d others); is it a competition labels file?", path, len(arrays))
		}
		values = a.Data
	} else {
		raw, err := safefile.ReadRegular(path, "a labels file")
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for line := 1; sc.Scan(); line++ {
			s := strings.TrimSpace(sc.Text())
			if s == "" {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s line %d is %q, not a class number", path, line, s)
			}
			values = append(values, v)
		}
	}
	labels := make([]int, len(values))
	for i, v := range values {
		if v != math.Trunc(v) || v < 1 || int(v) > k {
			return nil, fmt.Errorf("%s: label %d is %v; want a class number 1 to %d", path, i+1, v, k)
		}
		labels[i] = int(v)
	}
	return labels, nil
}
