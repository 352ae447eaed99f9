package stats

import (
	"math"
	"testing"
)

// The expected values were computed with scipy 1.17.1 (scipy.stats.binom,
// ttest_rel, norm.ppf) and the textbook Wilson formula.

func TestWilson(t *testing.T) {
	for _, tc := range []struct {
		k, n   int
		lo, hi float64
	}{
		{921, 1080, 0.8303958747137798, 0.8726589805868439},
		{0, 10, 0, 0.2775327998628892},
		{10, 10, 0.7224672001371107, 1},
		{45, 87, 0.4137512133636875, 0.6192733553623774},
		{1, 2, 0.09453120573423074, 0.9054687942657693},
	} {
		iv := Wilson(tc.k, tc.n, Z95)
		if math.Abs(iv.Lo-tc.lo) > 1e-12 || math.Abs(iv.Hi-tc.hi) > 1e-12 {
			t.Errorf("Wilson(%d, %d) = %v, want [%v, %v]", tc.k, tc.n, iv, tc.lo, tc.hi)
		}
	}
	if iv := Wilson(0, 0, Z95); iv != (Interval{0, 1}) {
		t.Errorf("no trials: %v", iv)
	}
	if s := Wilson(921, 1080, Z95).String(); s != "[83.0, 87.3] %" {
		t.Errorf("String: %s", s)
	}
}

func TestMcNemarExact(t *testing.T) {
	for _, tc := range []struct {
		b, c int
		p    float64
	}{
		{40, 20, 0.01348929373119186},
		{20, 40, 0.01348929373119186},
		{0, 0, 1},
		{5, 0, 0.0625},
		{12, 13, 1},
		{100, 70, 0.025844387581341693},
	} {
		if p := McNemarExact(tc.b, tc.c); math.Abs(p-tc.p) > 1e-12 {
			t.Errorf("McNemarExact(%d, %d) = %v, want %v", tc.b, tc.c, p, tc.p)
		}
	}
}

func TestPairedT(t *testing.T) {
	for _, tc := range []struct {
		a, b    []float64
		tt, p   float64
		wantErr bool
	}{
		{[]float64{0.853, 0.861, 0.848}, []float64{0.833, 0.842, 0.839}, 4.555958379611996, 0.04495339681679329, false},
		{[]float64{0.80, 0.82, 0.79, 0.81, 0.83}, []float64{0.81, 0.80, 0.80, 0.82, 0.80}, 0.4588314677411228, 0.6701799733187817, false},
		{[]float64{0.8}, []float64{0.7}, 0, 0, true},
		{[]float64{0.8, 0.9}, []float64{0.7}, 0, 0, true},
	} {
		_, tt, p, err := PairedT(tc.a, tc.b)
		if (err != nil) != tc.wantErr {
			t.Errorf("PairedT(%v, %v): error %v", tc.a, tc.b, err)
			continue
		}
		if !tc.wantErr && (math.Abs(tt-tc.tt) > 1e-9 || math.Abs(p-tc.p) > 1e-9) {
			t.Errorf("PairedT(%v, %v) = t %v p %v, want t %v p %v", tc.a, tc.b, tt, p, tc.tt, tc.p)
		}
	}
	if _, _, p, _ := PairedT([]float64{0.8, 0.9}, []float64{0.8, 0.9}); p != 1 {
		t.Errorf("identical seeds: p %v", p)
	}
	if _, _, p, _ := PairedT([]float64{0.75, 0.5}, []float64{0.5, 0.25}); p != 0 {
		t.Errorf("a constant difference: p %v", p)
	}
}
