package eeg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Shape is what a dataset's trials are: their channels in row order, their
// length in samples and sampling rate, and the classes of their labels in
// label order. Every dataset states its shape (Dataset.Check refuses one
// that does not); the lab's is datasets.LabShape.
type Shape struct {
	ChannelNames []string
	Times        int     // samples per trial
	Rate         float64 // sampling rate, Hz
	ClassNames   []string
}

// NChans is the number of channels C of every trial.
func (s Shape) NChans() int { return len(s.ChannelNames) }

// NClasses is the number of classes K.
func (s Shape) NClasses() int { return len(s.ClassNames) }

// TrialSize is the number of values in one trial, C·T.
func (s Shape) TrialSize() int { return s.NChans() * s.Times }

// String describes the trials in words: "2 channels (C3, C4) × 750 samples at 125 Hz".
func (s Shape) String() string {
	c := s.ChannelNames
	names := strings.Join(c, ", ")
	if len(c) > 6 {
		names = strings.Join(c[:3], ", ") + " … " + c[len(c)-1]
	}
	return fmt.Sprintf("%d channels (%s) × %d samples at %g Hz", len(c), names, s.Times, s.Rate)
}

// Equal reports whether s and o have the same channels, samples, rate and
// classes, as a training and a test set must.
func (s Shape) Equal(o Shape) bool {
	return slices.Equal(s.ChannelNames, o.ChannelNames) && s.Times == o.Times && s.Rate == o.Rate && slices.Equal(s.ClassNames, o.ClassNames)
}

// Check says what is missing from the shape, if anything.
func (s Shape) Check() error {
	switch {
	case len(s.ChannelNames) == 0:
		return errors.New("the trials' channels are not named: set the dataset's Shape.ChannelNames")
	case s.Times < 1:
		return fmt.Errorf("the trials' length is %d samples: set the dataset's Shape.Times", s.Times)
	case !(s.Rate > 0) || math.IsInf(s.Rate, 0):
		return fmt.Errorf("the trials' sampling rate is %g Hz: set the dataset's Shape.Rate to a positive rate", s.Rate)
	case len(s.ClassNames) == 0:
		return errors.New("the labels' classes are not named: set the dataset's Shape.ClassNames")
	}
	return nil
}

// ChannelIndex is the row of the channel called name (in any case), or -1.
func (s Shape) ChannelIndex(name string) int {
	for i, c := range s.ChannelNames {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// Rows are the rows of the channels called names (in any case); ok is false
// when one of them is missing.
func (s Shape) Rows(names ...string) (rows []int, ok bool) {
	rows = make([]int, len(names))
	for i, n := range names {
		if rows[i] = s.ChannelIndex(n); rows[i] < 0 {
			return nil, false
		}
	}
	return rows, true
}

// Dataset is a set of trials of C channels × T samples, laid out [N, 1, C, T]
// as the models take them, with a label (0 … K−1) and a subject per trial.
type Dataset struct {
	Shape
	X        []float32 // N·C·T values, C order
	Y        []int32   // class per trial (ClassNames[Y[i]])
	Subject  []int     // index into Subjects, per trial
	Subjects []string  // e.g. "S4b", "X11b"
	HadNaN   []bool    // per trial: whether it had NaN values before they were replaced (nil if unknown)
	// Session is per trial the session (or run) it was recorded in, for the
	// evaluations across sessions; nil when the data does not say. It is
	// not part of the data's ID: it says where trials came from, not what
	// they are.
	Session []string
}

// Check says what is wrong with the dataset, if anything: values that do
// not make whole trials, labels outside its classes, per-trial slices of
// the wrong length.
func (d *Dataset) Check() error {
	if err := d.Shape.Check(); err != nil {
		return err
	}
	n, size := d.Len(), d.TrialSize()
	switch {
	case len(d.X) != n*size:
		return fmt.Errorf("the dataset holds %d values for %d trials of %s; want %d", len(d.X), n, d.Shape, n*size)
	case d.Subject != nil && len(d.Subject) != n:
		return fmt.Errorf("the dataset has %d trials but %d subject indices", n, len(d.Subject))
	case d.HadNaN != nil && len(d.HadNaN) != n:
		return fmt.Errorf("the dataset has %d trials but %d NaN flags", n, len(d.HadNaN))
	case d.Session != nil && len(d.Session) != n:
		return fmt.Errorf("the dataset has %d trials but %d sessions", n, len(d.Session))
	}
	k := d.NClasses()
	for i, y := range d.Y {
		if y < 0 || int(y) >= k {
			return fmt.Errorf("trial %d has label %d, outside the data's %d classes (%s)", i, y, k, strings.Join(d.ClassNames, ", "))
		}
	}
	for i, s := range d.Subject {
		if s < 0 || s >= len(d.Subjects) {
			return fmt.Errorf("trial %d has subject index %d, but the dataset names %d subjects", i, s, len(d.Subjects))
		}
	}
	return nil
}

// Len is the number of trials.
func (d *Dataset) Len() int { return len(d.Y) }

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
			if !idLabShape(ds.Shape) {
				fmt.Fprintf(h, "%q %d %g", ds.ChannelNames, ds.Times, ds.Rate)
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
			out[s] = make([]int, d.NClasses())
		}
		out[s][y]++
	}
	return out
}

// idLabShape reports whether s is the shape of the lab's trials (C3 and C4,
// 750 samples at 125 Hz), whose data ids hash no shape: they are the ids
// that data had before datasets had shapes, recorded in run stores.
func idLabShape(s Shape) bool {
	return slices.Equal(s.ChannelNames, []string{"C3", "C4"}) && s.Times == 750 && s.Rate == 125
}
