package eegkit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/npz"
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

// LabSubjects are the lab's two subjects, in the order its loader concatenates them.
var LabSubjects = []string{"S4b", "X11b"}

// LabData is the lab's train and test sets, as its dataloader builds them.
type LabData struct {
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
func (d *LabData) ID() string {
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

// LabFiles are the four files the lab reads, for a split ("train" or "test").
func LabFiles(split string) []string {
	return []string{"S4b_" + split + ".npz", "X11b_" + split + ".npz"}
}

// LoadLab reads the lab's four files from dir exactly as the lab's loader
// does: S4b then X11b concatenated, labels 1/2 mapped to 0/1, signal
// (trials, 750, 2) transposed to [N, 1, 2, 750], and every NaN replaced by
// the nanmean of the whole train (respectively test) array. It says which
// data it read (genuine files are recognised by checksum).
func LoadLab(dir string) (*LabData, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("data directory %s does not exist; put the lab's four .npz files (or EEGMMIDB subject folders) there, or generate the synthetic data into it (eegkit gen-data --out %s)", dir, dir)
	}
	ld := &LabData{Dir: dir}
	var err error
	if ld.Train, ld.TrainNaNs, ld.TrainNaNMean, err = loadSplit(dir, "train"); err != nil {
		return nil, err
	}
	if ld.Test, ld.TestNaNs, ld.TestNaNMean, err = loadSplit(dir, "test"); err != nil {
		return nil, err
	}
	ld.Source = DescribeSource(dir)
	return ld, nil
}

func loadSplit(dir, split string) (*Dataset, int, float64, error) {
	ds := &Dataset{Subjects: LabSubjects}
	var signal []float64
	for s, name := range LabFiles(split) {
		sig, lab, err := readLabFile(filepath.Join(dir, name))
		if err != nil {
			return nil, 0, 0, err
		}
		signal = append(signal, sig...)
		for _, l := range lab {
			ds.Y = append(ds.Y, int32(l)-1)
			ds.Subject = append(ds.Subject, s)
		}
	}
	// NaN -> nanmean of the whole (concatenated) array, as the lab does.
	mean, nans, ok := nanMean(signal)
	if !ok {
		return nil, 0, 0, fmt.Errorf("%s: the %s signal is all NaN", dir, split)
	}
	// (trials, 750, 2) -> (trials, 1, 2, 750)
	n := len(ds.Y)
	ds.X = make([]float32, n*TrialSize)
	ds.HadNaN = make([]bool, n)
	for i := 0; i < n; i++ {
		for t := 0; t < Samples; t++ {
			for c := 0; c < Channels; c++ {
				v := signal[(i*Samples+t)*Channels+c]
				if math.IsNaN(v) {
					v = mean
					ds.HadNaN[i] = true
				}
				ds.X[i*TrialSize+c*Samples+t] = float32(v)
			}
		}
	}
	return ds, nans, mean, nil
}

// readLabFile reads one lab file: signal (trials, 750, 2) and labels in {1, 2}.
func readLabFile(path string) (signal []float64, labels []int, err error) {
	z, err := npz.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || !fileExists(path) {
			return nil, nil, fmt.Errorf("%s: file not found (the lab needs %s and %s in %s)", path,
				"S4b_{train,test}.npz", "X11b_{train,test}.npz", filepath.Dir(path))
		}
		return nil, nil, err
	}
	defer z.Close()
	sig, err := z.Array("signal")
	if err != nil {
		return nil, nil, err
	}
	if sig.DType != "<f8" && sig.DType != "<f4" {
		return nil, nil, fmt.Errorf("%s: signal has dtype %s, want float64 (<f8) or float32", path, sig.DType)
	}
	if len(sig.Shape) != 3 || sig.Shape[1] != Samples || sig.Shape[2] != Channels {
		return nil, nil, fmt.Errorf("%s: signal has shape %v, want (trials, %d, %d)", path, sig.Shape, Samples, Channels)
	}
	if sig.Shape[0] == 0 {
		return nil, nil, fmt.Errorf("%s: signal has zero trials", path)
	}
	if err := checkFinite(path, sig.Data); err != nil {
		return nil, nil, err
	}
	if _, _, ok := nanMean(sig.Data); !ok {
		return nil, nil, fmt.Errorf("%s: signal has no finite value (every value is NaN); the lab would fill it with the other subject's mean and train on constants", path)
	}
	lab, err := z.Array("label")
	if err != nil {
		return nil, nil, err
	}
	if len(lab.Data) != sig.Shape[0] || (len(lab.Shape) > 1 && shapeSize(lab.Shape[1:]) != 1) {
		return nil, nil, fmt.Errorf("%s: label has shape %v but signal has %d trials", path, lab.Shape, sig.Shape[0])
	}
	labels = make([]int, len(lab.Data))
	for i, v := range lab.Data {
		if v != 1 && v != 2 {
			return nil, nil, fmt.Errorf("%s: label %d is %v; labels must be 1 (left hand) or 2 (right hand)", path, i, v)
		}
		labels[i] = int(v)
	}
	return sig.Data, labels, nil
}

// nanMean is numpy's nanmean of x (the mean of its non-NaN values) and the
// number of NaN values; ok is false when every value is NaN.
func nanMean(x []float64) (mean float64, nans int, ok bool) {
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

// checkFinite rejects a signal with infinite values or values beyond
// float32's range (the models compute in float32, where they would become
// infinite), naming the trial; trials are TrialSize values each.
func checkFinite(path string, x []float64) error {
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

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
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
