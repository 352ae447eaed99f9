package datasets

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
)

// The lab's trials: two bipolar channels (C3, C4) of 750 samples at 125 Hz.
const (
	labChans     = 2
	labTimes     = 750
	labRate      = 125.0
	labTrialSize = labChans * labTimes
)

// LabShape is the shape of the lab's trials: two bipolar channels (C3, C4)
// of 750 samples (6 s) at 125 Hz, labelled left or right hand.
func LabShape() eeg.Shape {
	return eeg.Shape{ChannelNames: []string{"C3", "C4"}, Times: labTimes, Rate: labRate, ClassNames: []string{"left hand", "right hand"}}
}

// LabSubjects are the lab's two subjects, in the order its loader concatenates them.
func LabSubjects() []string { return []string{"S4b", "X11b"} }

// LabFiles are the four files the lab reads, for a split ("train" or "test").
func LabFiles(split string) []string {
	return []string{"S4b_" + split + ".npz", "X11b_" + split + ".npz"}
}

// LoadLab reads the lab's four files from dir exactly as the lab's loader
// does: S4b then X11b concatenated, labels 1/2 mapped to 0/1, signal
// (trials, 750, 2) transposed to [N, 1, 2, 750], and every NaN replaced by
// the nanmean of the whole train (respectively test) array. It says which
// data it read (genuine files are recognised by checksum).
func LoadLab(dir string) (*eeg.Data, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("data directory %s does not exist; put the lab's four .npz files (or EEGMMIDB subject folders) there, or generate the synthetic data into it (eegkit gen-data --out %s)", dir, dir)
	}
	ld := &eeg.Data{Dir: dir}
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

func loadSplit(dir, split string) (*eeg.Dataset, int, float64, error) {
	ds := &eeg.Dataset{Shape: LabShape(), Subjects: LabSubjects()}
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
	mean, nans, ok := eeg.NaNMean(signal)
	if !ok {
		return nil, 0, 0, fmt.Errorf("%s: the %s signal is all NaN", dir, split)
	}
	// (trials, 750, 2) -> (trials, 1, 2, 750)
	n := len(ds.Y)
	ds.X = make([]float32, n*labTrialSize)
	ds.HadNaN = make([]bool, n)
	for i := 0; i < n; i++ {
		for t := 0; t < labTimes; t++ {
			for c := 0; c < labChans; c++ {
				v := signal[(i*labTimes+t)*labChans+c]
				if math.IsNaN(v) {
					v = mean
					ds.HadNaN[i] = true
				}
				ds.X[i*labTrialSize+c*labTimes+t] = float32(v)
			}
		}
	}
	return ds, nans, mean, nil
}

// readLabFile reads one lab file: signal (trials, 750, 2) and labels in {1, 2}.
func readLabFile(path string) (signal []float64, labels []int, err error) {
	z, err := npz.Open(path)
	if err != nil {
		if _, serr := os.Stat(path); errors.Is(err, os.ErrNotExist) || serr != nil {
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
	if len(sig.Shape) != 3 || sig.Shape[1] != labTimes || sig.Shape[2] != labChans {
		return nil, nil, fmt.Errorf("%s: signal has shape %v, want (trials, %d, %d)", path, sig.Shape, labTimes, labChans)
	}
	if sig.Shape[0] == 0 {
		return nil, nil, fmt.Errorf("%s: signal has zero trials", path)
	}
	if err := eeg.CheckFinite(path, sig.Data, labTrialSize); err != nil {
		return nil, nil, err
	}
	if _, _, ok := eeg.NaNMean(sig.Data); !ok {
		return nil, nil, fmt.Errorf("%s: signal has no finite value (every value is NaN); the lab would fill it with the other subject's mean and train on constants", path)
	}
	lab, err := z.Array("label")
	if err != nil {
		return nil, nil, err
	}
	if len(lab.Data) != sig.Shape[0] || len(lab.Shape) > 0 && len(lab.Data) != lab.Shape[0] {
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
