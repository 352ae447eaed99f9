package eeg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Dataset is a set of trials of C channels × T samples, laid out [N, 1, C, T]
// as the models take them, with a label (0 … K−1) and a subject per trial.
// Its shape is its own: Channels, Times and Rate say what the trials are,
// and their zero values mean the lab's (C3 and C4, 750 samples, 125 Hz), so a
// Dataset of the lab's trials needs none of them.
type Dataset struct {
	X        []float32 // N·C·T values, C order
	Y        []int32   // class per trial: in the lab 0 = left hand, 1 = right hand
	Subject  []int     // index into Subjects, per trial
	Subjects []string  // e.g. "S4b", "X11b"
	HadNaN   []bool    // per trial: whether it had NaN values before they were replaced (nil if unknown)
	Classes  []string  // the class names in label order (nil: the lab's, ClassNames)
	Channels []string  // the channel names in row order (nil: the lab's, ChannelNames)
	Times    int       // samples per trial (0: the lab's, Samples)
	Rate     float64   // sampling rate in Hz (0: the lab's, SampleRate)
}

// ChannelNames are the dataset's channel names in row order: Channels, or
// the lab's (C3, C4) when it has none.
func (d *Dataset) ChannelNames() []string {
	if len(d.Channels) > 0 {
		return d.Channels
	}
	return ChannelNames[:]
}

// ChannelIndex is the row of the channel called name (in any case), or -1.
func (d *Dataset) ChannelIndex(name string) int {
	for i, c := range d.ChannelNames() {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// LabChannels are the rows of the lab's channels, C3 and C4; ok is false
// when the dataset lacks one of them.
func (d *Dataset) LabChannels() (rows [2]int, ok bool) {
	rows = [2]int{d.ChannelIndex(ChannelNames[0]), d.ChannelIndex(ChannelNames[1])}
	return rows, rows[0] >= 0 && rows[1] >= 0
}

// NChans is the number of channels C of every trial.
func (d *Dataset) NChans() int { return len(d.ChannelNames()) }

// NTimes is the number of samples T of every trial.
func (d *Dataset) NTimes() int {
	if d.Times > 0 {
		return d.Times
	}
	return Samples
}

// SampleRate is the sampling rate in Hz.
func (d *Dataset) SampleRate() float64 {
	if d.Rate > 0 {
		return d.Rate
	}
	return SampleRate
}

// TrialSize is the number of values in one trial, C·T.
func (d *Dataset) TrialSize() int { return d.NChans() * d.NTimes() }

// IsLabShape reports whether the trials are the lab's: C3 and C4, 750
// samples at 125 Hz.
func (d *Dataset) IsLabShape() bool {
	c := d.ChannelNames()
	return len(c) == Channels && c[0] == ChannelNames[0] && c[1] == ChannelNames[1] && d.NTimes() == Samples && d.SampleRate() == SampleRate
}

// Shape describes the trials in words: "2 channels (C3, C4) × 750 samples at 125 Hz".
func (d *Dataset) Shape() string {
	c := d.ChannelNames()
	names := strings.Join(c, ", ")
	if len(c) > 6 {
		names = strings.Join(c[:3], ", ") + " … " + c[len(c)-1]
	}
	return fmt.Sprintf("%d channels (%s) × %d samples at %g Hz", len(c), names, d.NTimes(), d.SampleRate())
}

// Check says what is wrong with the dataset, if anything: values that do
// not make whole trials, labels outside its classes, per-trial slices of
// the wrong length.
func (d *Dataset) Check() error {
	n, size := d.Len(), d.TrialSize()
	switch {
	case d.Times < 0 || d.Rate < 0 || math.IsNaN(d.Rate) || math.IsInf(d.Rate, 0):
		return fmt.Errorf("a dataset's samples per trial (%d) and sampling rate (%g) must be positive", d.Times, d.Rate)
	case len(d.X) != n*size:
		return fmt.Errorf("the dataset holds %d values for %d trials of %s; want %d", len(d.X), n, d.Shape(), n*size)
	case d.Subject != nil && len(d.Subject) != n:
		return fmt.Errorf("the dataset has %d trials but %d subject indices", n, len(d.Subject))
	case d.HadNaN != nil && len(d.HadNaN) != n:
		return fmt.Errorf("the dataset has %d trials but %d NaN flags", n, len(d.HadNaN))
	}
	k := len(d.ClassNames())
	for i, y := range d.Y {
		if y < 0 || int(y) >= k {
			return fmt.Errorf("trial %d has label %d, outside the data's %d classes (%s)", i, y, k, strings.Join(d.ClassNames(), ", "))
		}
	}
	for i, s := range d.Subject {
		if s < 0 || s >= len(d.Subjects) {
			return fmt.Errorf("trial %d has subject index %d, but the dataset names %d subjects", i, s, len(d.Subjects))
		}
	}
	return nil
}

// SameShape reports whether d and o have the same channels, samples, rate
// and classes, as a training and a test set must.
func (d *Dataset) SameShape(o *Dataset) bool {
	return slices.Equal(d.ChannelNames(), o.ChannelNames()) && d.NTimes() == o.NTimes() && d.SampleRate() == o.SampleRate() && slices.Equal(d.ClassNames(), o.ClassNames())
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

// LabTrialSize is the number of values in one of the lab's trials (1·2·750).
const LabTrialSize = Channels * Samples

// Trial returns trial i as [C][T] values (in the lab channel C3 then C4),
// sharing memory with d.
func (d *Dataset) Trial(i int) []float32 {
	size := d.TrialSize()
	return d.X[i*size : (i+1)*size]
}

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
			if !ds.IsLabShape() { // the lab's trials keep the IDs they had before datasets had shapes
				fmt.Fprintf(h, "%q %d %g", ds.ChannelNames(), ds.NTimes(), ds.SampleRate())
			}
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
// infinite), naming the trial; trials are trialSize values each.
func CheckFinite(path string, x []float64, trialSize int) error {
	for i, v := range x {
		switch {
		case math.IsInf(v, 0):
			return fmt.Errorf("%s: signal contains infinite values (trial %d)", path, i/trialSize)
		case math.Abs(v) > math.MaxFloat32:
			return fmt.Errorf("%s: trial %d holds %g, beyond float32's range (±3.4e38) that the models compute in; check the file's units", path, i/trialSize, v)
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
func (d *Dataset) Counts() map[string][]int {
	out := map[string][]int{}
	for i, y := range d.Y {
		s := d.Subjects[d.Subject[i]]
		if out[s] == nil {
			out[s] = make([]int, len(d.ClassNames()))
		}
		out[s][y]++
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
