package eeg

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/npz"
)

// TrialsShape is the channels × samples of the trials in an .npz file's
// signal: [N, samples, channels] (as the lab's files) or
// [N, 1, channels, samples].
func TrialsShape(path string) (chans, times int, err error) {
	z, err := npz.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer z.Close()
	a, err := z.Array("signal")
	if err != nil {
		return 0, 0, err
	}
	switch s := a.Shape; {
	case len(s) == 3 && s[1] > 0 && s[2] > 0:
		return s[2], s[1], nil
	case len(s) == 4 && s[1] == 1 && s[2] > 0 && s[3] > 0:
		return s[2], s[3], nil
	}
	return 0, 0, fmt.Errorf("%s: signal has shape %v, want [N, samples, channels] (as the lab's files) or [N, 1, channels, samples]", path, a.Shape)
}

// ReadTrials reads trials of shape like (its channels × Times samples) to
// classify from an .npz file with key "signal", shaped [N, times, chans] as
// in the lab's files or [N, 1, chans, times] as the models take them. NaN
// values are replaced by the array's nanmean, as the lab's loader does; the
// count of replaced values is returned. With like.Times 0 the trials may
// have any number of samples (a cropped model's whole trials). The dataset
// has like's shape, with the trials' length; its labels are all 0.
func ReadTrials(path string, like Shape) (*Dataset, int, error) {
	chans, times := like.NChans(), like.Times
	if chans < 1 || times < 0 {
		return nil, 0, fmt.Errorf("reading %s: trials need at least 1 channel and 1 sample, asked for %d × %d", path, chans, times)
	}
	z, err := npz.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer z.Close()
	a, err := z.Array("signal")
	if err != nil {
		return nil, 0, err
	}
	var n int
	var at func(i, c, t int) float64
	if s := a.Shape; times == 0 {
		switch {
		case len(s) == 3 && s[2] == chans:
			times = s[1]
		case len(s) == 4 && s[1] == 1 && s[2] == chans:
			times = s[3]
		}
		if times < 1 {
			return nil, 0, fmt.Errorf("%s: signal has shape %v, want [N, samples, %d] (as the lab's files) or [N, 1, %d, samples] for the model's %d channels",
				path, a.Shape, chans, chans, chans)
		}
	}
	switch s := a.Shape; {
	case len(s) == 3 && s[1] == times && s[2] == chans:
		n = s[0]
		at = func(i, c, t int) float64 { return a.Data[(i*times+t)*chans+c] }
	case len(s) == 4 && s[1] == 1 && s[2] == chans && s[3] == times:
		n = s[0]
		at = func(i, c, t int) float64 { return a.Data[(i*chans+c)*times+t] }
	default:
		return nil, 0, fmt.Errorf("%s: signal has shape %v, want [N, %d, %d] (as the lab's files) or [N, 1, %d, %d] for the model's %d channels × %d samples",
			path, a.Shape, times, chans, chans, times, chans, times)
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("%s: signal has zero trials", path)
	}
	if err := CheckFinite(path, a.Data, chans*times); err != nil {
		return nil, 0, err
	}
	mean, nans, ok := NaNMean(a.Data)
	if !ok {
		return nil, 0, fmt.Errorf("%s: signal is all NaN", path)
	}
	ds := &Dataset{Shape: like, X: make([]float32, n*chans*times), Y: make([]int32, n), Subject: make([]int, n), Subjects: []string{"input"}}
	ds.Times = times
	for i := range n {
		for c := range chans {
			for t := range times {
				v := at(i, c, t)
				if math.IsNaN(v) {
					v = mean
				}
				ds.X[(i*chans+c)*times+t] = float32(v)
			}
		}
	}
	return ds, nans, nil
}

// WritePredictions writes logits [N, K] (float32) and pred [N] (int64, the
// class: 0 = left hand, 1 = right hand in the lab) to an .npz file.
func WritePredictions(path string, logits [][]float32, pred []int32) error {
	k := 0
	if len(logits) > 0 {
		k = len(logits[0])
	}
	flat := make([]float32, 0, k*len(logits))
	for _, l := range logits {
		if len(l) != k {
			return fmt.Errorf("writing %s: trials have %d and %d logits", path, k, len(l))
		}
		flat = append(flat, l...)
	}
	p := make([]int64, len(pred))
	for i, v := range pred {
		p[i] = int64(v)
	}
	return npz.Write(path, []npz.Entry{
		{Name: "logits", Shape: []int{len(logits), k}, Data: flat},
		{Name: "pred", Shape: []int{len(pred)}, Data: p},
	})
}

// Predictions are what WritePredictions stores.
type Predictions struct {
	Logits [][]float32
	Pred   []int32
}

// ReadPredictions reads a file written by WritePredictions (eegkit predict).
func ReadPredictions(path string) (*Predictions, error) {
	z, err := npz.Open(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	l, err := z.Array("logits")
	if err != nil {
		return nil, err
	}
	p, err := z.Array("pred")
	if err != nil {
		return nil, err
	}
	if len(l.Shape) != 2 || l.Shape[1] < 2 || len(p.Data) != l.Shape[0] {
		return nil, fmt.Errorf("%s: logits %v and pred %v do not match", path, l.Shape, p.Shape)
	}
	out := &Predictions{}
	for i := range p.Data {
		k := l.Shape[1]
		out.Logits = append(out.Logits, toFloat32s(l.Data[k*i:k*(i+1)]))
		out.Pred = append(out.Pred, int32(p.Data[i]))
	}
	return out, nil
}

// IsPredictionsFile reports whether path is an .npz holding exactly what
// WritePredictions writes (logits and pred), so that replacing it loses no data.
func IsPredictionsFile(path string) bool {
	z, err := npz.Open(path)
	if err != nil {
		return false
	}
	defer z.Close()
	k := z.Keys()
	return len(k) == 2 && k[0] == "logits" && k[1] == "pred"
}

func toFloat32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// NumberedChannels are the names "ch1" … "chN" of n channels that have no
// names of their own.
func NumberedChannels(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ch%d", i+1)
	}
	return out
}
