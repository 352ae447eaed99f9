package datasets

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
)

// A trials file is what `eegkit epochs` writes: the lab's file layout,
// signal [N, T, C] (float32, µV; NaN where the recording had no data) and
// label [N] (1 … K), with what the trials are: classes [K], channels [C],
// rate (Hz), and per trial subject, session, run and onset (s in its
// recording); preprocess [1] is the preprocessing applied, "" for none;
// source [1] says what the trials are.

// TrialsInfo is what a trials file says of its trials beyond themselves.
type TrialsInfo struct {
	Preprocess string // the preprocessing applied, "" for none
	Source     string // what the trials are; "" is "trials cut by eegkit epochs"
}

// WriteTrials writes epoched trials to a trials file.
func WriteTrials(path string, ep *Epoched, info TrialsInfo) error {
	if info.Source == "" {
		info.Source = "trials cut by eegkit epochs"
	}
	n, c, t := ep.Len(), ep.NChans(), ep.Times
	signal := make([]float32, len(ep.X))
	for i := range n {
		for ch := range c {
			for s := range t {
				signal[(i*t+s)*c+ch] = ep.X[(i*c+ch)*t+s]
			}
		}
	}
	label := make([]int32, n)
	subjects := make([]string, n)
	for i, y := range ep.Y {
		label[i] = y + 1
		subjects[i] = ep.Subjects[ep.Subject[i]]
	}
	return npz.Write(path, []npz.Entry{
		{Name: "signal", Shape: []int{n, t, c}, Data: signal},
		{Name: "label", Shape: []int{n}, Data: label},
		{Name: "classes", Shape: []int{ep.NClasses()}, Data: ep.ClassNames},
		{Name: "channels", Shape: []int{c}, Data: ep.ChannelNames},
		{Name: "rate", Data: []float64{ep.Rate}},
		{Name: "subject", Shape: []int{n}, Data: subjects},
		{Name: "session", Shape: []int{n}, Data: ep.Session},
		{Name: "run", Shape: []int{n}, Data: ep.Run},
		{Name: "onset", Shape: []int{n}, Data: ep.Onset},
		{Name: "preprocess", Shape: []int{1}, Data: []string{info.Preprocess}},
		{Name: "source", Shape: []int{1}, Data: []string{info.Source}},
	})
}

// ReadTrials reads a trials file. Its NaN values stay NaN.
func ReadTrials(path string) (ep *Epoched, info TrialsInfo, err error) {
	z, err := npz.Open(path)
	if err != nil {
		return nil, info, err
	}
	defer z.Close()
	if !z.Has("channels") {
		return nil, info, fmt.Errorf("%s is not a trials file of `eegkit epochs` (it has no channels array; it has %s)", path, strings.Join(z.Keys(), ", "))
	}
	sig, err := z.Array("signal")
	if err != nil {
		return nil, info, err
	}
	strs := map[string][]string{}
	for _, k := range []string{"classes", "channels", "subject", "session", "run", "preprocess", "source"} {
		if k == "source" && !z.Has(k) {
			strs[k] = []string{"trials cut by eegkit epochs"}
			continue
		}
		if strs[k], err = z.Strings(k); err != nil {
			return nil, info, err
		}
	}
	nums := map[string]*npz.Array{}
	for _, k := range []string{"label", "rate", "onset"} {
		if nums[k], err = z.Array(k); err != nil {
			return nil, info, err
		}
	}
	c, k := len(strs["channels"]), len(strs["classes"])
	if len(sig.Shape) != 3 || sig.Shape[2] != c || sig.Shape[0] < 1 || sig.Shape[1] < 1 {
		return nil, info, fmt.Errorf("%s: signal has shape %v; want (trials, samples, %d channels)", path, sig.Shape, c)
	}
	n, t := sig.Shape[0], sig.Shape[1]
	for key, got := range map[string]int{"label": len(nums["label"].Data), "subject": len(strs["subject"]), "session": len(strs["session"]),
		"run": len(strs["run"]), "onset": len(nums["onset"].Data)} {
		if got != n {
			return nil, info, fmt.Errorf("%s: %s has %d entries for %d trials", path, key, got, n)
		}
	}
	if len(nums["rate"].Data) != 1 || len(strs["preprocess"]) != 1 || len(strs["source"]) != 1 {
		return nil, info, fmt.Errorf("%s: rate, preprocess and source must hold one value each", path)
	}
	info = TrialsInfo{Preprocess: strs["preprocess"][0], Source: strs["source"][0]}
	if err := eeg.CheckFinite(path, sig.Data, c*t); err != nil {
		return nil, info, err
	}
	ep = &Epoched{Dataset: &eeg.Dataset{Shape: eeg.Shape{ChannelNames: strs["channels"], Times: t, Rate: nums["rate"].Data[0], ClassNames: strs["classes"]},
		Session: strs["session"]}, Run: strs["run"], Onset: nums["onset"].Data}
	ep.X = make([]float32, n*c*t)
	for i := range n {
		for ch := range c {
			for s := range t {
				ep.X[(i*c+ch)*t+s] = float32(sig.Data[(i*t+s)*c+ch])
			}
		}
	}
	for i, v := range nums["label"].Data {
		if v != math.Trunc(v) || v < 1 || int(v) > k {
			return nil, info, fmt.Errorf("%s: trial %d has label %v; labels are 1 … %d (%s)", path, i, v, k, strings.Join(strs["classes"], ", "))
		}
		ep.Y = append(ep.Y, int32(v)-1)
		s := slices.Index(ep.Subjects, strs["subject"][i])
		if s < 0 {
			ep.Subjects, s = append(ep.Subjects, strs["subject"][i]), len(ep.Subjects)
		}
		ep.Subject = append(ep.Subject, s)
	}
	return ep, info, ep.Check()
}

// trialFilePairs are the NAME_train.npz files of dir that have a
// NAME_test.npz beside them, by name.
func trialFilePairs(dir string) []string {
	train, _ := filepath.Glob(filepath.Join(dir, "*_train.npz"))
	var names []string
	for _, f := range train {
		name := strings.TrimSuffix(filepath.Base(f), "_train.npz")
		if _, err := os.Stat(filepath.Join(dir, name+"_test.npz")); err == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// isTrialsDir reports whether dir holds trials files in pairs (and is not
// the lab's own folder, whose files have no channels array).
func isTrialsDir(dir string) bool {
	names := trialFilePairs(dir)
	if len(names) == 0 {
		return false
	}
	z, err := npz.Open(filepath.Join(dir, names[0]+"_train.npz"))
	if err != nil {
		return false
	}
	defer z.Close()
	return z.Has("channels")
}

// LoadTrialsDir reads a folder of trials files as the lab reads its own:
// every NAME_train.npz with its NAME_test.npz (one pair per subject, or any
// grouping), the train files concatenated by name into the training set
// and the test files into the test set, every NaN replaced by the nanmean
// of its whole set. All files must hold trials of one shape and classes.
func LoadTrialsDir(dir string) (*eeg.Data, error) {
	names := trialFilePairs(dir)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s holds no NAME_train.npz with its NAME_test.npz; write them with `eegkit epochs … --out %s/NAME_train.npz`", dir, dir)
	}
	d := &eeg.Data{Dir: dir}
	var pre, sources []string
	for _, split := range []string{"train", "test"} {
		var set *eeg.Dataset
		for _, name := range names {
			path := filepath.Join(dir, name+"_"+split+".npz")
			ep, info, err := ReadTrials(path)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(sources, info.Source) {
				sources = append(sources, info.Source)
			}
			p := info.Preprocess
			if set == nil {
				set = &eeg.Dataset{Shape: ep.Shape}
			} else if !set.Shape.Equal(ep.Shape) {
				return nil, fmt.Errorf("%s holds %s of classes %s, but the files before it %s of classes %s; a data folder holds trials of one kind",
					path, ep.Shape, strings.Join(ep.ClassNames, ", "), set.Shape, strings.Join(set.ClassNames, ", "))
			}
			if !slices.Contains(pre, p) {
				pre = append(pre, p)
			}
			appendTrials(set, ep.Dataset)
		}
		nans, mean, err := fillNaN(set)
		if err != nil {
			return nil, fmt.Errorf("%s: the %s trials: %w", dir, split, err)
		}
		if split == "train" {
			d.Train, d.TrainNaNs, d.TrainNaNMean = set, nans, mean
		} else {
			d.Test, d.TestNaNs, d.TestNaNMean = set, nans, mean
		}
	}
	if len(pre) > 1 {
		return nil, fmt.Errorf("%s mixes trials preprocessed differently (%q); cut them again with one --preprocess", dir, pre)
	}
	d.Source = fmt.Sprintf("%s (%s)", strings.Join(sources, "; "), strings.Join(names, ", "))
	if pre[0] != "" {
		d.Source += ", preprocessed " + pre[0]
	}
	return d, nil
}

// appendTrials appends src's trials to dst, whose subjects grow as needed.
func appendTrials(dst, src *eeg.Dataset) {
	dst.X = append(dst.X, src.X...)
	dst.Y = append(dst.Y, src.Y...)
	dst.Session = append(dst.Session, src.Session...)
	for _, s := range src.Subject {
		name := src.Subjects[s]
		k := slices.Index(dst.Subjects, name)
		if k < 0 {
			dst.Subjects, k = append(dst.Subjects, name), len(dst.Subjects)
		}
		dst.Subject = append(dst.Subject, k)
	}
}

// fillNaN replaces every NaN of the set by the nanmean of all its values,
// as the lab's loader does, and marks the trials that had one.
func fillNaN(set *eeg.Dataset) (nans int, mean float64, err error) {
	sum, count := 0.0, 0
	for _, v := range set.X {
		if v == v {
			sum += float64(v)
			count++
		}
	}
	if count == 0 {
		return 0, 0, errors.New("every value is NaN")
	}
	mean = sum / float64(count)
	set.HadNaN = make([]bool, set.Len())
	size := set.TrialSize()
	for i, v := range set.X {
		if v != v {
			set.X[i] = float32(mean)
			set.HadNaN[i/size] = true
			nans++
		}
	}
	return nans, mean, set.Check()
}
