package eeg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Subset returns the trials idx of d, in that order, as a new dataset.
func (d *Dataset) Subset(idx []int) *Dataset {
	s := &Dataset{Shape: d.Shape, Subjects: d.Subjects, X: make([]float32, 0, len(idx)*d.TrialSize())}
	for _, i := range idx {
		s.X = append(s.X, d.Trial(i)...)
		s.Y = append(s.Y, d.Y[i])
		if d.Subject != nil {
			s.Subject = append(s.Subject, d.Subject[i])
		}
		if d.HadNaN != nil {
			s.HadNaN = append(s.HadNaN, d.HadNaN[i])
		}
		if d.Session != nil {
			s.Session = append(s.Session, d.Session[i])
		}
	}
	return s
}

// SplitValidation holds out frac of d's trials for validation, stratified:
// from every subject's trials of every class it draws round(frac·n) at
// random (seeded), so both parts keep d's subject and class proportions.
// Both parts keep d's trial order.
func (d *Dataset) SplitValidation(frac float64, seed uint64) (train, val *Dataset, err error) {
	if math.IsNaN(frac) || frac <= 0 || frac >= 1 {
		return nil, nil, fmt.Errorf("validation fraction must be in (0, 1), got %g", frac)
	}
	groups := map[[2]int][]int{}
	for i, y := range d.Y {
		s := 0
		if d.Subject != nil {
			s = d.Subject[i]
		}
		k := [2]int{s, int(y)}
		groups[k] = append(groups[k], i)
	}
	keys := make([][2]int, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	rng := rand.New(rand.NewPCG(seed, 0x76616c69)) // "vali"
	held := make([]bool, d.Len())
	for _, k := range keys {
		g := groups[k]
		n := int(math.Round(frac * float64(len(g))))
		for _, j := range rng.Perm(len(g))[:n] {
			held[g[j]] = true
		}
	}
	var ti, vi []int
	for i, h := range held {
		if h {
			vi = append(vi, i)
		} else {
			ti = append(ti, i)
		}
	}
	if len(vi) == 0 || len(ti) < 2 {
		return nil, nil, fmt.Errorf("a validation fraction of %g of %d trials leaves %d for training and %d for validation; use more data or another fraction", frac, d.Len(), len(ti), len(vi))
	}
	return d.Subset(ti), d.Subset(vi), nil
}
