package experiments

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/stats"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Alpha is the significance level of the verdicts: 5 %.
const Alpha = 0.05

// Comparison is McNemar's exact test on two classifiers' predictions of the
// same test trials: whether A and B differ in accuracy by more than chance.
type Comparison struct {
	A, B       string // what the two are ("eegnet/elu", …)
	Trials     int
	AccA, AccB float64
	CIA, CIB   stats.Interval // 95 % Wilson intervals of the accuracies
	OnlyA      int            // trials A classifies correctly and B does not
	OnlyB      int            // trials B classifies correctly and A does not
	P          float64        // McNemar's exact two-sided p-value
}

// ComparePredictions compares two classifiers' predicted classes predA and
// predB of the trials whose true classes are y.
func ComparePredictions(a, b string, y, predA, predB []int32) (Comparison, error) {
	if len(y) == 0 || len(predA) != len(y) || len(predB) != len(y) {
		return Comparison{}, fmt.Errorf("comparing %s and %s: want predictions of the same %d trials, got %d and %d", a, b, len(y), len(predA), len(predB))
	}
	c := Comparison{A: a, B: b, Trials: len(y)}
	okA, okB := 0, 0
	for i, t := range y {
		ra, rb := predA[i] == t, predB[i] == t
		if ra {
			okA++
		}
		if rb {
			okB++
		}
		switch {
		case ra && !rb:
			c.OnlyA++
		case rb && !ra:
			c.OnlyB++
		}
	}
	c.AccA, c.AccB = float64(okA)/float64(len(y)), float64(okB)/float64(len(y))
	c.CIA, c.CIB = stats.Wilson(okA, len(y), stats.Z95), stats.Wilson(okB, len(y), stats.Z95)
	c.P = stats.McNemarExact(c.OnlyA, c.OnlyB)
	return c, nil
}

// CompareOn predicts ds with both runs' models and compares them; ds must
// be the data both were tested on for the verdict to mean anything.
func CompareOn(a, b *train.Run, ds *eeg.Dataset) (Comparison, error) {
	var preds [2][]int32
	for i, r := range []*train.Run{a, b} {
		if r.Net == nil {
			return Comparison{}, fmt.Errorf("run %s has no model loaded (load it with train.LoadRun)", RunLabel(r))
		}
		_, p, err := r.Net.Predict(ds)
		if err != nil {
			return Comparison{}, fmt.Errorf("%s: %w", RunLabel(r), err)
		}
		preds[i] = p
	}
	la, lb := RunLabel(a), RunLabel(b)
	if la == lb {
		la, lb = la+" (A)", lb+" (B)"
	}
	return ComparePredictions(la, lb, ds.Y, preds[0], preds[1])
}

// Significant reports whether the difference is significant at Alpha.
func (c Comparison) Significant() bool { return c.P < Alpha }

// Verdict says in words which is better, or that the test cannot tell.
func (c Comparison) Verdict() string {
	detail := fmt.Sprintf("McNemar's exact test on %d paired test trials: p = %.3g (%d trials only %s gets right, %d only %s)",
		c.Trials, c.P, c.OnlyA, c.A, c.OnlyB, c.B)
	first, second, fa, fb, ca, cb := c.A, c.B, c.AccA, c.AccB, c.CIA, c.CIB
	if c.AccB > c.AccA {
		first, second, fa, fb, ca, cb = c.B, c.A, c.AccB, c.AccA, c.CIB, c.CIA
	}
	if c.Significant() {
		return fmt.Sprintf("%s (%.1f %%, 95 %% CI %s) is better than %s (%.1f %%, %s): %s < %g.",
			first, 100*fa, ca, second, 100*fb, cb, detail, Alpha)
	}
	return fmt.Sprintf("%s (%.1f %%, 95 %% CI %s) and %s (%.1f %%, %s) are not significantly different: %s ≥ %g; a difference of %.1f points is within chance on this test set.",
		first, 100*fa, ca, second, 100*fb, cb, detail, Alpha, 100*(fa-fb))
}

// SeedComparison is a paired t-test over seeds of two configurations' test
// accuracies, on the seeds both were run with.
type SeedComparison struct {
	A, B       string
	Seeds      []uint64
	AccA, AccB []float64 // per seed
	MeanDiff   float64   // mean of A − B
	T, P       float64
}

// CompareSeeds pairs the points of two configurations by seed (points that
// differ only in their seed, as GroupSeeds groups them) and tests the mean
// difference of their test accuracies.
func CompareSeeds(a, b string, pa, pb []SweepPoint) (SeedComparison, error) {
	byA := map[uint64]float64{}
	for _, p := range pa {
		byA[p.Config.Seed] = p.TestAcc
	}
	c := SeedComparison{A: a, B: b}
	for _, p := range pb {
		if v, ok := byA[p.Config.Seed]; ok {
			c.Seeds = append(c.Seeds, p.Config.Seed)
			c.AccA, c.AccB = append(c.AccA, v), append(c.AccB, p.TestAcc)
		}
	}
	if len(c.Seeds) < 2 {
		return c, fmt.Errorf("comparing %s and %s over seeds needs at least 2 seeds both were run with, they share %d", a, b, len(c.Seeds))
	}
	var err error
	c.MeanDiff, c.T, c.P, err = stats.PairedT(c.AccA, c.AccB)
	return c, err
}

// Verdict says in words whether one configuration is better over the seeds.
func (c SeedComparison) Verdict() string {
	detail := fmt.Sprintf("paired t-test over %d seeds: mean difference %+.2f points, t = %.2f, p = %.3g", len(c.Seeds), 100*c.MeanDiff, c.T, c.P)
	if math.IsNaN(c.P) || c.P >= Alpha {
		return fmt.Sprintf("Over seeds, %s and %s are not significantly different (%s ≥ %g).", c.A, c.B, detail, Alpha)
	}
	first, second := c.A, c.B
	if c.MeanDiff < 0 {
		first, second = c.B, c.A
	}
	return fmt.Sprintf("Over seeds, %s is better than %s (%s < %g).", first, second, detail, Alpha)
}

// GroupLabel names a seed group in a verdict: its model, activation,
// augmentation and any hyperparameter it does not share with other.
func GroupLabel(g SeedGroup) string {
	c := g.Config
	label := c.Model
	if c.Activation != "" {
		label += "/" + c.Activation
	}
	label += fmt.Sprintf(" b%d lr %g", c.Batch, c.LR)
	if t := c.Training(); t != "" {
		label += " " + t
	}
	if c.Augment != "" {
		label += " + " + c.Augment
	}
	return label
}

// CompareGroups tests whether seed group a's test accuracies are higher
// than b's over the seeds both ran (CompareSeeds), from the points they
// were grouped from.
func CompareGroups(a, b SeedGroup, points []SweepPoint) (SeedComparison, error) {
	of := func(g SeedGroup) []SweepPoint {
		want := seedless(g.Config)
		var out []SweepPoint
		for _, p := range points {
			if seedless(p.Config) == want {
				out = append(out, p)
			}
		}
		return out
	}
	return CompareSeeds(GroupLabel(a), GroupLabel(b), of(a), of(b))
}
