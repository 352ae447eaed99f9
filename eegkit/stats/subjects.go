package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The tests across subjects are MOABB's (moabb.analysis.meta_analysis):
// whether pipeline A scores higher than pipeline B over the same subjects,
// one-sided, and how the per-dataset results combine.

// PermCutoff is MOABB's default number of subjects from which the test
// across subjects is Wilcoxon's signed-rank test rather than a paired
// permutation test.
const PermCutoff = 20

// exactPermMax is the most subjects a permutation test enumerates (2ⁿ sign
// flips), as MOABB: above, it draws RandomPerms of them.
const exactPermMax = 13

// RandomPerms is how many sign flips a permutation test over more than 13
// subjects draws, as MOABB.
const RandomPerms = 10000

// SubjectTest is the outcome of one test of A > B across subjects.
type SubjectTest struct {
	P    float64 // one-sided: small when A scores higher than B
	SMD  float64 // standardised mean difference of A − B: mean / sample std
	NSub int
	Test string // "permutation (exact)", "permutation (10000 random)", "Wilcoxon (exact)", "Wilcoxon (normal approximation)"
}

// CompareSubjects is MOABB's test of A > B over paired subject scores a
// and b: with fewer than PermCutoff subjects a paired permutation test of
// the summed differences (all 2ⁿ sign flips up to 13 subjects, else
// RandomPerms drawn with seed), else Wilcoxon's signed-rank test as
// scipy.stats.wilcoxon computes it, halved to one side; and the
// standardised mean difference. The p-value stays strictly inside (0, 1)
// so Stouffer's method can combine it.
func CompareSubjects(a, b []float64, seed uint64) (SubjectTest, error) {
	if len(a) != len(b) || len(a) < 2 {
		return SubjectTest{}, fmt.Errorf("a test across subjects needs the same subjects for both pipelines, at least 2; got %d and %d scores", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		if !finite(a[i], b[i]) {
			return SubjectTest{}, fmt.Errorf("subject %d has score %g and %g; scores must be finite", i+1, a[i], b[i])
		}
		d[i] = a[i] - b[i]
	}
	out := SubjectTest{NSub: len(d), SMD: SMD(d)}
	switch {
	case len(d) < PermCutoff && len(d) <= exactPermMax:
		out.P, out.Test = permutationExact(d), "permutation (exact)"
	case len(d) < PermCutoff:
		out.P, out.Test = permutationRandom(d, RandomPerms, seed), fmt.Sprintf("permutation (%d random)", RandomPerms)
	default:
		out.P, out.Test = wilcoxonOneSided(d)
	}
	return out, nil
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// SMD is the standardised mean difference of paired differences d: their
// mean over their sample standard deviation; 0 when they are all 0, ±Inf
// when they are all the same other value.
func SMD(d []float64) float64 {
	mean := stat.Mean(d, nil)
	if !slices.ContainsFunc(d, func(x float64) bool { return x != d[0] }) {
		if mean == 0 {
			return 0
		}
		return math.Copysign(math.Inf(1), mean)
	}
	return mean / stat.StdDev(d, nil)
}

// permutationExact is MOABB's exact paired permutation test: the share of
// the 2ⁿ sign flips of d whose sum is at least d's own (summed in order,
// as numpy sums), at most (2ⁿ−1)/2ⁿ.
func permutationExact(d []float64) float64 {
	n := len(d)
	total := sumSigned(d, func(int) float64 { return 1 })
	count, perms := 0, 1<<n
	for mask := range perms {
		// itertools.product([-1, 1], repeat=n): subject 0 is the slowest-varying sign
		s := sumSigned(d, func(i int) float64 {
			if mask>>(n-1-i)&1 == 0 {
				return -1
			}
			return 1
		})
		if s >= total {
			count++
		}
	}
	return float64(min(count, perms-1)) / float64(perms)
}

// permutationRandom is MOABB's randomised paired permutation test: (1 +
// the draws whose sum is at least d's) / perms, at most (perms−1)/perms.
// Its draws are not numpy's, so it agrees with MOABB within the test's
// Monte-Carlo error, √(p(1−p)/perms).
func permutationRandom(d []float64, perms int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 0x6d6f616262))
	total := sumSigned(d, func(int) float64 { return 1 })
	count := 1
	signs := make([]float64, len(d))
	for range perms {
		for i := range signs {
			signs[i] = float64(1 - 2*rng.IntN(2))
		}
		if sumSigned(d, func(i int) float64 { return signs[i] }) >= total {
			count++
		}
	}
	return float64(min(count, perms-1)) / float64(perms)
}

func sumSigned(d []float64, sign func(i int) float64) float64 {
	s := 0.0
	for i, v := range d {
		s += v * sign(i)
	}
	return s
}

// pFloor and pCeil keep a p-value strictly inside (0, 1), as MOABB does.
var pFloor, pCeil = math.Nextafter(0, 1), math.Nextafter(1, 0)

// wilcoxonOneSided is MOABB's Wilcoxon branch: scipy.stats.wilcoxon's
// two-sided p-value halved, taken from the other tail when the mean
// difference is negative; 0.5 when every difference is 0.
func wilcoxonOneSided(d []float64) (float64, string) {
	if !slices.ContainsFunc(d, func(x float64) bool { return x != 0 }) {
		return 0.5, "Wilcoxon (no difference)"
	}
	p, how := WilcoxonTwoSided(d)
	p /= 2
	if stat.Mean(d, nil) < 0 {
		p = 1 - p
	}
	return min(max(p, pFloor), pCeil), how
}

// WilcoxonTwoSided is scipy.stats.wilcoxon(d) with its defaults
// (zero_method "wilcox", no continuity correction, method "auto"): zeros
// dropped, |d| ranked with ties averaged, R⁺ the positive differences' rank
// sum over the n left; the exact null distribution when d has at most 50
// values and no ties or zeros, p = min(1, 2·min(P[R⁺ ≥ ⌊r⌋], P[R⁺ ≤ ⌈r⌉]));
// with ties or zeros, every sign flip enumerated up to 13 values, else
// the normal approximation z = (R⁺ − n(n+1)/4) / σ with σ² = (n(n+1)(2n+1) −
// Σ(t³−t)/2)/24 over tie groups t, p = 2Φ(−|z|).
func WilcoxonTwoSided(d []float64) (p float64, how string) {
	var nz []float64
	for _, v := range d {
		if v != 0 {
			nz = append(nz, v)
		}
	}
	zeros := len(d) - len(nz)
	ranks, ties := averageRanks(nz)
	rPlus := 0.0
	for i, v := range nz {
		if v > 0 {
			rPlus += ranks[i]
		}
	}
	n := float64(len(nz))
	switch {
	case len(d) <= 50 && ties == 0 && zeros == 0:
		dist := wilcoxonDistribution(len(nz))
		lo, hi := int(math.Floor(rPlus)), int(math.Ceil(rPlus))
		sf, cdf := 0.0, 0.0
		for k, pk := range dist {
			if k >= lo {
				sf += pk
			}
			if k <= hi {
				cdf += pk
			}
		}
		return min(1, 2*min(sf, cdf)), "Wilcoxon (exact)"
	case len(d) <= exactPermMax:
		return wilcoxonSignFlips(d), "Wilcoxon (all sign flips)"
	}
	se := math.Sqrt((n*(n+1)*(2*n+1) - ties/2) / 24)
	z := (rPlus - n*(n+1)/4) / se
	return 2 * distuv.UnitNormal.CDF(-math.Abs(z)), "Wilcoxon (normal approximation)"
}

// averageRanks ranks |x| from 1, ties given their average rank, and
// returns Σ(t³ − t) over the tie groups.
func averageRanks(x []float64) (ranks []float64, ties float64) {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(x[idx[a]]) < math.Abs(x[idx[b]]) })
	ranks = make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && math.Abs(x[idx[j+1]]) == math.Abs(x[idx[i]]) {
			j++
		}
		for k := i; k <= j; k++ {
			ranks[idx[k]] = float64(i+j)/2 + 1
		}
		t := float64(j - i + 1)
		ties += t*t*t - t
		i = j + 1
	}
	return ranks, ties
}

// wilcoxonDistribution is the null distribution of R⁺ over n values: the
// share of the 2ⁿ sign patterns whose positive ranks sum to k.
func wilcoxonDistribution(n int) []float64 {
	counts := make([]float64, n*(n+1)/2+1)
	counts[0] = 1
	for r := 1; r <= n; r++ {
		for k := len(counts) - 1; k >= r; k-- {
			counts[k] += counts[k-r]
		}
	}
	total := math.Ldexp(1, n)
	for k := range counts {
		counts[k] /= total
	}
	return counts
}

// wilcoxonSignFlips is scipy's permutation test of R⁺ (zeros dropped
// within each flip, as the statistic drops them) over every sign flip of
// d: 2·min(P[R⁺ ≤ r], P[R⁺ ≥ r]) with scipy's relative tolerance, at most 1.
func wilcoxonSignFlips(d []float64) float64 {
	stat := func(x []float64) float64 {
		var nz []float64
		for _, v := range x {
			if v != 0 {
				nz = append(nz, v)
			}
		}
		r, _ := averageRanks(nz)
		s := 0.0
		for i, v := range nz {
			if v > 0 {
				s += r[i]
			}
		}
		return s
	}
	obs := stat(d)
	gamma := math.Abs(obs) * 1e-14 // scipy: |eps·observed| with eps its dtype's, widened for sums
	flipped := make([]float64, len(d))
	less, greater, perms := 0, 0, 1<<len(d)
	for mask := range perms {
		for i, v := range d {
			if mask>>i&1 == 1 {
				v = -v
			}
			flipped[i] = v
		}
		s := stat(flipped)
		if s <= obs+gamma {
			less++
		}
		if s >= obs-gamma {
			greater++
		}
	}
	return min(1, 2*float64(min(less, greater))/float64(perms))
}

// Stouffer combines one-sided p-values of the same comparison on several
// datasets as MOABB does (scipy.stats.combine_pvalues, method "stouffer"),
// each weighted by the square root of its number of subjects: Z = Σ wᵢ·zᵢ /
// √Σ wᵢ² with zᵢ = Φ⁻¹(1 − pᵢ), p = 1 − Φ(Z). One dataset's p is its own.
func Stouffer(p, nsub []float64) float64 {
	if len(p) == 1 {
		return p[0]
	}
	num, den := 0.0, 0.0
	for i := range p {
		w := math.Sqrt(nsub[i])
		num += w * -distuv.UnitNormal.Quantile(p[i])
		den += w * w
	}
	return distuv.UnitNormal.Survival(num / math.Sqrt(den))
}

// CombineEffects is MOABB's combined effect of one comparison over
// datasets: Σ wᵢ·smdᵢ with wᵢ = √nsubᵢ / Σ √nsub.
func CombineEffects(smd, nsub []float64) float64 {
	sum := 0.0
	for _, n := range nsub {
		sum += math.Sqrt(n)
	}
	out := 0.0
	for i := range smd {
		out += math.Sqrt(nsub[i]) / sum * smd[i]
	}
	return out
}
