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
	if in := n.Model.Input; in[1] != ds.NChans() || in[2] != ds.NTimes() {
		return nil, nil, fmt.Errorf("%s takes trials of %d channels × %d samples but these are %s", n.Model.Name, in[1], in[2], ds.Shape())
	}
	logits, err = n.Logits(ds.X, ds.Len())
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

// Evaluate classifies every trial of ds in evaluation mode and scores the predictions.
func (n *Net) Evaluate(ds *eeg.Dataset) (metrics.Metrics, error) {
	if err := CheckFits(n.Model, ds); err != nil {
		return metrics.Metrics{}, err
	}
	logits, pred, err := n.Predict(ds)
	if err != nil {
		return metrics.Metrics{}, err
	}
	return metrics.Score(ds, logits, pred), nil
}

func isFinite32(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }
