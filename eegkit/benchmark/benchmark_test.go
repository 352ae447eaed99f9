package benchmark

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/experiments"
)

// synthetic is a pool of n synthetic subjects of 2 sessions × trials trials.
func synthetic(t *testing.T, n, trials int) *Pool {
	t.Helper()
	dir := t.TempDir()
	if err := datasets.GenerateSubjects(dir, 1, n, 2, trials); err != nil {
		t.Fatal(err)
	}
	d, err := datasets.LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := PoolOf(d, "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFolds checks what each scheme trains on and tests on: within a
// session, k folds that partition it with both classes in each, and never
// a test trial in training; across sessions, a subject's other session;
// across subjects, every other subject, or the other groups of subjects;
// the competition, the data's own split.
func TestFolds(t *testing.T) {
	p := synthetic(t, 3, 20)
	within, err := Folds(p, WithinSession, 5, 1)
	if err != nil || len(within) != 3*2*5 {
		t.Fatalf("within-session: %d folds, %v", len(within), err)
	}
	seen := map[int]int{}
	for _, f := range within {
		if len(f.Tests) != 1 || len(f.Tests[0].Trials) != 4 || len(f.Train) != 16 {
			t.Fatalf("fold %s: %d train, tests %v", f.Key(), len(f.Train), f.Tests)
		}
		classes := map[int32]int{}
		for _, i := range f.Tests[0].Trials {
			seen[i]++
			classes[p.Y[i]]++
			if slices.Contains(f.Train, i) || p.Subjects[p.Subject[i]] != f.Subject || p.Session[i] != f.Tests[0].Session {
				t.Fatalf("fold %s tests trial %d of %s session %s", f.Key(), i, p.Subjects[p.Subject[i]], p.Session[i])
			}
		}
		if classes[0] != 2 || classes[1] != 2 {
			t.Errorf("fold %s is not stratified: %v", f.Key(), classes)
		}
	}
	if len(seen) != p.Len() {
		t.Errorf("the folds test %d of %d trials", len(seen), p.Len())
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("trial %d is tested %d times", i, n)
		}
	}
	cross, _ := Folds(p, CrossSession, 0, 1)
	if len(cross) != 6 || cross[0].Tests[0].Session != "1" || len(cross[0].Train) != 20 || p.Session[cross[0].Train[0]] != "2" {
		t.Errorf("cross-session folds %+v", cross[0])
	}
	subj, _ := Folds(p, CrossSubject, 0, 1)
	if len(subj) != 3 || len(subj[0].Train) != 80 || len(subj[0].Tests) != 2 || !subj[0].Pooled {
		t.Errorf("cross-subject fold %s: %d train, %d tests", subj[0].Key(), len(subj[0].Train), len(subj[0].Tests))
	}
	grouped, _ := Folds(p, CrossSubject, 2, 1) // 3 subjects in 2 groups
	tested := map[string]int{}
	for _, f := range grouped {
		for _, test := range f.Tests {
			tested[test.Subject]++
			for _, i := range f.Train {
				if p.Subjects[p.Subject[i]] == test.Subject {
					t.Fatalf("group fold %s trains on %s, which it tests", f.Key(), test.Subject)
				}
			}
		}
	}
	if len(grouped) != 2 || len(tested) != 3 || tested["S01"] != 2 || grouped[0].Subject != "G1" {
		t.Errorf("cross-subject in 2 groups: %d folds testing %v", len(grouped), tested)
	}
	comp, _ := Folds(p, Competition, 0, 1)
	if len(comp) != 3 || p.InTest[comp[0].Train[0]] || !p.InTest[comp[0].Tests[0].Trials[0]] {
		t.Errorf("competition folds %+v", comp[0])
	}
	for scheme, want := range map[string]string{"leave-one-out": "unknown evaluation", WithinSession: "at least 2 folds"} {
		if _, err := Folds(p, scheme, 1, 1); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", scheme, err)
		}
	}
}

// TestSchemesOrderScores runs the CSP baseline on 6 synthetic subjects
// under three schemes: within a session it scores higher than across
// sessions, and across sessions higher than across subjects, as real EEG
// does — the data's differences, not the code's. A finished benchmark
// resumes without training anything again, and two shards write the same
// folds as one run.
func TestSchemesOrderScores(t *testing.T) {
	p := synthetic(t, 6, 100)
	pipes, err := ParsePipelines("csp,tslr")
	if err != nil {
		t.Fatal(err)
	}
	mean := map[string]float64{}
	for _, scheme := range []string{WithinSession, CrossSession, CrossSubject} {
		dir := t.TempDir()
		plan := Plan{Dataset: "synthetic", DataID: "synthetic", Evaluation: scheme, Pipelines: []string{"csp", "tslr"}, Seed: 1}
		if scheme == WithinSession {
			plan.Folds = 5
		}
		scores, err := Run(context.Background(), dir, p, pipes, plan, experiments.Shard{}, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res := Results(scores)
		for _, r := range res {
			if r.Pipeline == "csp" {
				mean[scheme] += r.Score / float64(len(res)/2)
			}
		}
		// resume: nothing to do
		again, err := Run(context.Background(), dir, p, pipes, plan, experiments.Shard{}, Options{}, func(int, int, string) {
			t.Errorf("%s: a finished benchmark trained again", scheme)
		})
		if err != nil || len(again) != len(scores) {
			t.Fatalf("%s resumed: %d scores, %v", scheme, len(again), err)
		}
		if scheme == CrossSession {
			shardDir := t.TempDir()
			for k := range 2 {
				if _, err := Run(context.Background(), shardDir, p, pipes, plan, experiments.Shard{K: k, N: 2}, Options{}, nil); err != nil {
					t.Fatal(err)
				}
			}
			merged, err := ReadScores(shardDir)
			if err != nil || len(merged) != len(scores) {
				t.Fatalf("two shards wrote %d scores, one run %d (%v)", len(merged), len(scores), err)
			}
		}
		other := plan
		other.Seed = 2
		if _, err := Run(context.Background(), dir, p, pipes, other, experiments.Shard{}, Options{}, nil); err == nil || !strings.Contains(err.Error(), "other settings") {
			t.Errorf("a benchmark of another seed in the same directory: %v", err)
		}
	}
	t.Logf("CSP mean ROC-AUC: within-session %.3f, cross-session %.3f, cross-subject %.3f", mean[WithinSession], mean[CrossSession], mean[CrossSubject])
	if !(mean[WithinSession] > mean[CrossSession] && mean[CrossSession] > mean[CrossSubject]) {
		t.Errorf("scores within-session %.3f, cross-session %.3f, cross-subject %.3f; want them in that order", mean[WithinSession], mean[CrossSession], mean[CrossSubject])
	}
}

// TestVerdict says in words what the statistics show: the pipeline that
// beats every other significantly, and that none does when that is so.
func TestVerdict(t *testing.T) {
	var res []Result
	for i, s := range []string{"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"} {
		base := 0.6 + 0.03*float64(i)
		res = append(res, Result{Dataset: "d", Pipeline: "good", Subject: s, Score: base + 0.1},
			Result{Dataset: "d", Pipeline: "bad", Subject: s, Score: base},
			Result{Dataset: "d", Pipeline: "same", Subject: s, Score: base + 0.001*float64(i%2*2-1)})
	}
	st, err := Statistics(res, 1)
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Join(Verdict(st), "\n")
	if !strings.Contains(v, "good is significantly best") || !strings.Contains(v, "good > bad on 8 of 8 subjects, p = 0.004 (permutation (exact))") {
		t.Errorf("verdict:\n%s", v)
	}
	var flat []Result
	for _, r := range res {
		if r.Pipeline != "good" {
			flat = append(flat, r)
		}
	}
	st, _ = Statistics(flat, 1)
	if v := strings.Join(Verdict(st), "\n"); !strings.Contains(v, "no pipeline is significantly best") || !strings.Contains(v, "No difference between pipelines is significant") {
		t.Errorf("verdict of equal pipelines:\n%s", v)
	}
	if _, err := Statistics(append(flat, Result{Dataset: "d", Pipeline: "bad", Subject: "S9", Score: 0.5}), 1); err == nil {
		t.Error("pipelines scored on different subjects were compared")
	}
}
