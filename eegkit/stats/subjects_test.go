package stats

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// readCSV reads a fixture CSV into rows keyed by its header.
func readCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			m[k] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEqualsMOABB runs the tests across subjects on the score tables of
// scripts/stats_fixtures.py and compares them with MOABB 1.7.2's
// compute_dataset_statistics and find_significant_differences: the exact
// permutation test, scipy's exact and approximate Wilcoxon tests and the
// effects within 1e-12, the random permutation test within 4 standard
// errors of its Monte-Carlo error, and the combination over datasets by
// Stouffer's method and the weighted effects.
func TestEqualsMOABB(t *testing.T) {
	// per dataset, pipeline and subject: the mean over sessions, as MOABB's collapse_session_scores
	sums := map[[3]string][]float64{}
	for _, r := range readCSV(t, "scores.csv") {
		k := [3]string{r["dataset"], r["pipeline"], r["subject"]}
		sums[k] = append(sums[k], num(t, r["score"]))
	}
	scores := map[[2]string]map[int]float64{} // dataset, pipeline → subject → score
	for k, v := range sums {
		s := 0.0
		for _, x := range v {
			s += x
		}
		key := [2]string{k[0], k[1]}
		if scores[key] == nil {
			scores[key] = map[int]float64{}
		}
		subj, _ := strconv.Atoi(k[2])
		scores[key][subj] = s / float64(len(v))
	}
	column := func(dataset, pipe string) []float64 {
		m := scores[[2]string{dataset, pipe}]
		subjects := make([]int, 0, len(m))
		for s := range m {
			subjects = append(subjects, s)
		}
		sort.Ints(subjects)
		out := make([]float64, len(subjects))
		for i, s := range subjects {
			out[i] = m[s]
		}
		return out
	}
	worst := map[string]float64{}
	type pair struct{ p, smd, nsub []float64 }
	perPair := map[[2]string]*pair{}
	for _, r := range readCSV(t, "statistics.csv") {
		if r["pipe1"] == r["pipe2"] {
			continue
		}
		got, err := CompareSubjects(column(r["dataset"], r["pipe1"]), column(r["dataset"], r["pipe2"]), 1)
		if err != nil {
			t.Fatal(err)
		}
		p, smd, nsub := num(t, r["p"]), num(t, r["smd"]), num(t, r["nsub"])
		tol := 1e-12
		if got.Test == "permutation (10000 random)" {
			tol = 4*math.Sqrt(p*(1-p)/RandomPerms) + 1.0/RandomPerms
		}
		if math.Abs(got.P-p) > tol || math.Abs(got.SMD-smd) > 1e-12 || float64(got.NSub) != nsub {
			t.Errorf("%s %s > %s: p %.17g, smd %.17g (%s); MOABB p %.17g, smd %.17g", r["dataset"], r["pipe1"], r["pipe2"], got.P, got.SMD, got.Test, p, smd)
		}
		worst[got.Test] = max(worst[got.Test], math.Abs(got.P-p))
		k := [2]string{r["pipe1"], r["pipe2"]}
		if perPair[k] == nil {
			perPair[k] = &pair{}
		}
		// the combination takes MOABB's own p-values, so the random test's draws do not enter it
		perPair[k].p, perPair[k].smd, perPair[k].nsub = append(perPair[k].p, p), append(perPair[k].smd, got.SMD), append(perPair[k].nsub, nsub)
	}
	for test, w := range worst {
		t.Logf("%-32s max |Δp| = %.2g", test, w)
	}
	for _, want := range []string{"permutation (exact)", "permutation (10000 random)", "Wilcoxon (exact)", "Wilcoxon (normal approximation)"} {
		if _, ok := worst[want]; !ok {
			t.Errorf("no comparison took the %s branch", want)
		}
	}
	worstComb := 0.0
	for _, r := range readCSV(t, "combined.csv") {
		pp := perPair[[2]string{r["pipe1"], r["pipe2"]}]
		p, smd := Stouffer(pp.p, pp.nsub), CombineEffects(pp.smd, pp.nsub)
		worstComb = max(worstComb, math.Abs(p-num(t, r["p"])), math.Abs(smd-num(t, r["smd"])))
		if math.Abs(p-num(t, r["p"])) > 1e-12*max(1, num(t, r["p"])) || math.Abs(smd-num(t, r["smd"])) > 1e-12 {
			t.Errorf("combined %s > %s: p %.17g smd %.17g; MOABB %s %s", r["pipe1"], r["pipe2"], p, smd, r["p"], r["smd"])
		}
	}
	t.Logf("combined over datasets: max |Δp|, |Δsmd| = %.2g", worstComb)
}

// TestWilcoxonBranches checks scipy's rules on small cases worked by hand:
// the exact distribution of R⁺ for n = 3 (8 sign patterns), the sign-flip
// enumeration with a tie, and that all-zero differences are no evidence.
func TestWilcoxonBranches(t *testing.T) {
	if d := wilcoxonDistribution(3); d[0] != 0.125 || d[3] != 0.25 || d[6] != 0.125 {
		t.Errorf("R⁺ distribution for n = 3: %v", d)
	}
	// d = 1, 2, 3 all positive: R⁺ = 6, P[R⁺ ≥ 6] = 1/8, two-sided 1/4
	if p, how := WilcoxonTwoSided([]float64{1, 2, 3}); p != 0.25 || how != "Wilcoxon (exact)" {
		t.Errorf("d = 1,2,3: p %g (%s)", p, how)
	}
	// a tie (1, 1, 2): every sign flip; R⁺ = 6 is the largest of 8 equally likely, two-sided 2/8
	if p, how := WilcoxonTwoSided([]float64{1, 1, 2}); p != 0.25 || how != "Wilcoxon (all sign flips)" {
		t.Errorf("d = 1,1,2: p %g (%s)", p, how)
	}
	if got, _ := CompareSubjects(make([]float64, 25), make([]float64, 25), 1); got.P != 0.5 || got.SMD != 0 {
		t.Errorf("identical pipelines over 25 subjects: %+v", got)
	}
	if _, err := CompareSubjects([]float64{1, 2}, []float64{1}, 1); err == nil {
		t.Error("different subject counts were accepted")
	}
	if _, err := CompareSubjects([]float64{1, math.NaN()}, []float64{1, 2}, 1); err == nil {
		t.Error("a NaN score was accepted")
	}
}
