package eeg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
)

// Dataset is a set of trials in the lab's layout [N, 1, 2, 750] with labels
// 0 (left hand) and 1 (right hand) and the subject of each trial.
type Dataset struct {
	X        []float32 // N·1·2·750 values, C order
	Y        []int32   // 0 = left hand, 1 = right hand
	Subject  []int     // index into Subjects, per trial
	Subjects []string  // e.g. "S4b", "X11b"
	HadNaN   []bool    // per trial: whether it had NaN values before they were replaced (nil if unknown)
	Classes  []string  // the class names in label order (nil: the lab's, ClassNames)
}

// ClassNames are the dataset's class names in label order: Classes, or the
// lab's ("left hand", "right hand") when it has none.
func (d *Dataset) ClassNames() []string {
	if len(d.Classes) > 0 {
		return d.Classes
	}
	return ClassNames[:]
}

// Len is the number of trials.
func (d *Dataset) Len() int { return len(d.Y) }

// TrialSize is the number of values in one trial (1·2·750).
const TrialSize = Channels * Samples

// Trial returns trial i as [2][750] values (channel C3 then C4), sharing memory with d.
func (d *Dataset) Trial(i int) []float32 { return d.X[i*TrialSize : (i+1)*TrialSize] }

// Data is a train and test set pair, with what it is (Source) and the
// NaN values its loader replaced.
type Data struct {
	Train, Test *Dataset
	Dir         string
	Source      string // what the data is: "genuine BCI III-IIIb lab data", "eegkit synthetic data (seed 1)", ...
	// NaNsReplaced counts the values that were NaN, per set, and the nanmean that replaced them.
	TrainNaNs, TestNaNs       int
	TrainNaNMean, TestNaNMean float64

	id string // ID, computed when first asked
}

// ID identifies the data by content: the sha256 of the train and test
// trials as the models see them (values, labels, subjects). Runs,
// checkpoints and sweep points record it, and reuse or resume only on the
// same ID, so data that differs in a single value or label never passes for
// other data, whatever its files are called. It is computed when first
// asked; do not change the trials afterwards.
func (d *Data) ID() string {
	if d.id == "" {
		h := sha256.New()
		for _, ds := range []*Dataset{d.Train, d.Test} {
			if ds == nil {
				ds = &Dataset{}
			}
			binary.Write(h, binary.LittleEndian, int64(ds.Len()))
			binary.Write(h, binary.LittleEndian, ds.X)
			binary.Write(h, binary.LittleEndian, ds.Y)
			for _, s := range ds.Subject {
				binary.Write(h, binary.LittleEndian, int64(s))
			}
			fmt.Fprintf(h, "%q", ds.Subjects)
		}
		d.id = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return d.id
}

// NaNMean is numpy's nanmean of x (the mean of its non-NaN values) and the
// number of NaN values; ok is false when every value is NaN.
func NaNMean(x []float64) (mean float64, nans int, ok bool) {
	sum := 0.0
	for _, v := range x {
		if math.IsNaN(v) {
			nans++
			continue
		}
		sum += v
	}
	if nans == len(x) {
		return 0, nans, false
	}
	return sum / float64(len(x)-nans), nans, true
}

// CheckFinite rejects a signal with infinite values or values beyond
// float32's range (the models compute in float32, where they would become
// infinite), naming the trial; trials are TrialSize values each.
func CheckFinite(path string, x []float64) error {
	for i, v := range x {
		switch {
		case math.IsInf(v, 0):
			return fmt.Errorf("%s: signal contains infinite values (trial %d)", path, i/TrialSize)
		case math.Abs(v) > math.MaxFloat32:
			return fmt.Errorf("%s: trial %d holds %g, beyond float32's range (±3.4e38) that the models compute in; check the file's units", path, i/TrialSize, v)
		}
	}
	return nil
}

// FirstOfClass returns the index of the first trial of class c, or -1.
func (d *Dataset) FirstOfClass(c int32) int {
	for i, y := range d.Y {
		if y == c {
			return i
		}
	}
	return -1
}

// NaNTrials counts, per subject, the trials that had NaN values.
func (d *Dataset) NaNTrials() map[string]int {
	out := map[string]int{}
	for i := range d.Y {
		s := d.Subjects[d.Subject[i]]
		out[s] += 0
		if d.HadNaN != nil && d.HadNaN[i] {
			out[s]++
		}
	}
	return out
}

// Counts reports, per subject, the number of trials of each class.
func (d *Dataset) Counts() map[string][2]int {
	out := map[string][2]int{}
	for i, y := range d.Y {
		s := d.Subjects[d.Subject[i]]
		c := out[s]
		c[y]++
		out[s] = c
	}
	return out
}

// The lab's data: two bipolar channels (C3, C4) of 750 samples at 125 Hz.
const (
	Channels   = 2
	Samples    = 750
	SampleRate = 125.0
)

// ChannelNames are the lab's two bipolar channels.
var ChannelNames = [2]string{"C3", "C4"}

// ClassNames are the lab's classes in label order.
var ClassNames = [2]string{"left hand", "right hand"}
