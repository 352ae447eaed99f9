package experiments_test

import (
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestComparePredictions: McNemar's verdict on paired predictions, in both
// directions and when the difference is within chance.
func TestComparePredictions(t *testing.T) {
	// 100 trials, all of class 0; A gets the first nA right, B the first nB
	// (so one's correct trials contain the other's).
	preds := func(n, right int) []int32 {
		p := make([]int32, n)
		for i := right; i < n; i++ {
			p[i] = 1
		}
		return p
	}
	y := make([]int32, 100)
	for _, tc := range []struct {
		name         string
		nA, nB       int
		onlyA, onlyB int
		significant  bool
		want         string
	}{
		{"A better", 90, 70, 20, 0, true, "A (90.0 %, 95 % CI [82.6, 94.5] %) is better than B (70.0 %"},
		{"B better", 60, 80, 0, 20, true, "B (80.0 %, 95 % CI [71.1, 86.7] %) is better than A (60.0 %"},
		{"within chance", 83, 80, 3, 0, false, "are not significantly different: McNemar's exact test on 100 paired test trials: p = 0.25"},
		{"identical", 75, 75, 0, 0, false, "p = 1 (0 trials only A gets right, 0 only B)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := experiments.ComparePredictions("A", "B", y, preds(100, tc.nA), preds(100, tc.nB))
			if err != nil {
				t.Fatal(err)
			}
			if c.OnlyA != tc.onlyA || c.OnlyB != tc.onlyB || c.Significant() != tc.significant || !strings.Contains(c.Verdict(), tc.want) {
				t.Errorf("only A %d, only B %d, significant %v; verdict %q, want it to contain %q", c.OnlyA, c.OnlyB, c.Significant(), c.Verdict(), tc.want)
			}
		})
	}
	if _, err := experiments.ComparePredictions("A", "B", y, preds(100, 1), preds(99, 1)); err == nil {
		t.Error("predictions of different trials were compared")
	}
}

// TestCompareSeeds pairs points by seed and tests the mean difference.
func TestCompareSeeds(t *testing.T) {
	pt := func(seed uint64, acc float64) experiments.SweepPoint {
		return experiments.SweepPoint{Config: train.TrainConfig{Seed: seed}, TestAcc: acc}
	}
	a := []experiments.SweepPoint{pt(1, 0.853), pt(2, 0.861), pt(3, 0.848), pt(9, 0.5)}
	b := []experiments.SweepPoint{pt(3, 0.839), pt(1, 0.833), pt(2, 0.842)}
	c, err := experiments.CompareSeeds("A", "B", a, b)
	if err != nil {
		t.Fatal(err)
	}
	// scipy.stats.ttest_rel([.853, .861, .848], [.833, .842, .839]): t = 4.556, p = 0.04495.
	if len(c.Seeds) != 3 || !strings.Contains(c.Verdict(), "Over seeds, A is better than B (paired t-test over 3 seeds: mean difference +1.60 points, t = 4.56, p = 0.045 < 0.05)") {
		t.Errorf("seeds %v: %s", c.Seeds, c.Verdict())
	}
	if _, err := experiments.CompareSeeds("A", "B", a[:1], b); err == nil || !strings.Contains(err.Error(), "they share 1") {
		t.Errorf("one shared seed: %v", err)
	}
}

func TestAccuracyCell(t *testing.T) {
	for _, tc := range []struct {
		acc  float64
		n    int
		want string
	}{
		{921.0 / 1080, 1080, "85.28 % [83.0, 87.3]"},
		{0.5, 0, "50.00 %"},
		{1, 10, "100.00 % [72.2, 100.0]"},
	} {
		if got := experiments.AccuracyCell(tc.acc, tc.n); got != tc.want {
			t.Errorf("AccuracyCell(%v, %d) = %q, want %q", tc.acc, tc.n, got, tc.want)
		}
	}
}

// TestCompareGroups finds each group's points by configuration.
func TestCompareGroups(t *testing.T) {
	pt := func(lr float64, seed uint64, acc float64) experiments.SweepPoint {
		return experiments.SweepPoint{Config: train.TrainConfig{Model: "eegnet", Activation: "elu", Batch: 12, LR: lr, Seed: seed}, TestAcc: acc}
	}
	points := []experiments.SweepPoint{pt(1e-3, 1, 0.80), pt(1e-3, 2, 0.82), pt(5e-4, 1, 0.79), pt(5e-4, 2, 0.83)}
	groups := experiments.GroupSeeds(points)
	c, err := experiments.CompareGroups(groups[0], groups[1], points)
	if err != nil || len(c.Seeds) != 2 || !strings.Contains(c.Verdict(), "Over seeds, eegnet/elu b12 lr 0.001 and eegnet/elu b12 lr 0.0005 are not significantly different") {
		t.Errorf("%v: %s", err, c.Verdict())
	}
}
