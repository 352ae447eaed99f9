package train

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/metrics"
)

// Predict returns the logits [N][K] and predicted classes (the largest
// logit; the first of equal ones) of every trial of ds. Logits that are not
// finite are an error naming the first such trial: a NaN has no class.
func (n *Net) Predict(ds *eeg.Dataset) (logits [][]float32, pred []int32, err error) {
	in := n.Model.Input
	times := n.Crops.Times(ds.Times)
	cropped := times != ds.Times
	if in[1] != ds.NChans() || in[2] != times {
		return nil, nil, fmt.Errorf("%s takes trials of %d channels × %d samples but these are %s", n.Model.Name, in[1], in[2], ds.Shape)
	}
	if cropped {
		logits, err = n.cropLogits(ds)
	} else {
		logits, err = n.Logits(ds.X, ds.Len())
	}
	if err != nil {
		return nil, nil, err
	}
	pred = make([]int32, len(logits))
	for i, l := range logits {
		for k, v := range l {
			if !isFinite32(v) {
				return nil, nil, fmt.Errorf("the model's output for trial %d is %v, not finite: that trial's values or the model's weights are too large for float32 arithmetic (check the data's units and the weights)", i, l)
			}
			if v > l[pred[i]] {
				pred[i] = int32(k)
			}
		}
	}
	return logits, pred, nil
}

// cropLogits are the mean logits of each trial's windows (n.Crops).
func (n *Net) cropLogits(ds *eeg.Dataset) ([][]float32, error) {
	c, t, w := ds.NChans(), ds.Times, n.Crops.Len
	offsets := n.Crops.Offsets(t)
	out := make([][]float32, ds.Len())
	const chunk = 256 // trials at a time, to bound the windows' memory
	for start := 0; start < ds.Len(); start += chunk {
		end := min(start+chunk, ds.Len())
		x := make([]float32, 0, (end-start)*len(offsets)*c*w)
		for i := start; i < end; i++ {
			trial := ds.Trial(i)
			for _, o := range offsets {
				for ch := range c {
					x = append(x, trial[ch*t+o:ch*t+o+w]...)
				}
			}
		}
		l, err := n.Logits(x, (end-start)*len(offsets))
		if err != nil {
			return nil, err
		}
		for i := start; i < end; i++ {
			mean := make([]float32, len(l[0]))
			for j := range offsets {
				for k, v := range l[(i-start)*len(offsets)+j] {
					mean[k] += v / float32(len(offsets))
				}
			}
			out[i] = mean
		}
	}
	return out, nil
}

// Evaluate classifies every trial of ds in evaluation mode and scores the predictions.
func (n *Net) Evaluate(ds *eeg.Dataset) (metrics.Metrics, error) {
	if err := CheckFits(n.Model, ds, n.Crops); err != nil {
		return metrics.Metrics{}, err
	}
	logits, pred, err := n.Predict(ds)
	if err != nil {
		return metrics.Metrics{}, err
	}
	return metrics.Score(ds, logits, pred), nil
}

func isFinite32(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }
