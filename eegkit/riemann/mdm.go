package riemann

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MDM classifies a covariance matrix by its nearest class mean in the
// affine-invariant distance (pyriemann's MDM with metric "riemann").
type MDM struct {
	Means []*mat.SymDense // per class, by label
}

// FitMDM computes the Riemannian mean of each class 0 … k−1.
func FitMDM(covs []*mat.SymDense, y []int32, k int) (*MDM, error) {
	byClass := make([][]*mat.SymDense, k)
	for i, c := range covs {
		if y[i] < 0 || int(y[i]) >= k {
			return nil, fmt.Errorf("MDM: label %d outside the %d classes", y[i], k)
		}
		byClass[y[i]] = append(byClass[y[i]], c)
	}
	m := &MDM{}
	for c, cs := range byClass {
		if len(cs) == 0 {
			return nil, fmt.Errorf("MDM: class %d has no training trials", c)
		}
		mean, err := Mean(cs)
		if err != nil {
			return nil, err
		}
		m.Means = append(m.Means, mean)
	}
	return m, nil
}

// Distances are δ(Cₖ, c) to every class mean.
func (m *MDM) Distances(c *mat.SymDense) ([]float64, error) {
	d := make([]float64, len(m.Means))
	for k, mean := range m.Means {
		var err error
		if d[k], err = Distance(mean, c); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Predict is the class of the nearest mean (the first of equal ones).
func (m *MDM) Predict(c *mat.SymDense) (int32, error) {
	d, err := m.Distances(c)
	if err != nil {
		return 0, err
	}
	best, bd := int32(0), math.Inf(1)
	for k, v := range d {
		if v < bd {
			best, bd = int32(k), v
		}
	}
	return best, nil
}
