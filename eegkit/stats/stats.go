package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Z95 is the standard normal quantile of a two-sided 95 % interval.
var Z95 = distuv.UnitNormal.Quantile(0.975)

// Interval is a confidence interval [Lo, Hi] for a proportion.
type Interval struct{ Lo, Hi float64 }

// String renders the interval in percent, "[83.0, 87.3] %".
func (iv Interval) String() string { return fmt.Sprintf("[%.1f, %.1f] %%", 100*iv.Lo, 100*iv.Hi) }

// Wilson is the Wilson score interval of k successes in n trials at the
// normal quantile z (Z95 for 95 %); the whole [0, 1] when n is 0.
func Wilson(k, n int, z float64) Interval {
	if n <= 0 {
		return Interval{0, 1}
	}
	p, nf := float64(k)/float64(n), float64(n)
	d := 1 + z*z/nf
	c := (p + z*z/(2*nf)) / d
	h := z / d * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return Interval{max(0, c-h), min(1, c+h)}
}

// McNemarExact is the two-sided p-value of McNemar's exact test with b
// trials that only the first classifier gets right and c that only the
// second does: 2·P[X ≤ min(b, c)] for X ~ Binomial(b+c, ½), at most 1; 1
// when the two never disagree.
func McNemarExact(b, c int) float64 {
	if b < 0 || c < 0 {
		panic("stats.McNemarExact: negative counts")
	}
	n := b + c
	if n == 0 {
		return 1
	}
	return min(1, 2*distuv.Binomial{N: float64(n), P: 0.5}.CDF(float64(min(b, c))))
}

// PairedT is a paired t-test of a against b (the same seeds, in the same
// order): the mean difference a−b, the t statistic and the two-sided p-value
// with len(a)−1 degrees of freedom. With fewer than 2 pairs it is an error;
// when every difference is the same, p is 1 if they are 0 and 0 otherwise.
func PairedT(a, b []float64) (meanDiff, t, p float64, err error) {
	if len(a) != len(b) || len(a) < 2 {
		return 0, 0, 0, fmt.Errorf("a paired t-test needs at least 2 pairs of the same seeds, got %d and %d values", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	mean, sd := stat.MeanStdDev(d, nil)
	n := float64(len(d))
	if sd == 0 || math.IsNaN(sd) {
		if mean == 0 {
			return 0, 0, 1, nil
		}
		return mean, math.Copysign(math.Inf(1), mean), 0, nil
	}
	t = mean / (sd / math.Sqrt(n))
	p = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Survival(math.Abs(t))
	return mean, t, p, nil
}
