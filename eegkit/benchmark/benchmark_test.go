package benchmark

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
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
				if _, err := ReadReport(shardDir); k == 0 && (err == nil || !strings.Contains(err.Error(), "not finished: csp lacks 6 (")) {
					t.Errorf("the report of one shard of two: %v; want it to name the missing folds", err)
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

// TestPlanSeedsAndConfigs runs a model of one's own configuration
// (NAME=CONFIG.json) twice per fold (--seeds 2) beside CSP, adds a
// pipeline to the finished directory without training the others again,
// and refuses a changed configuration or other settings in it; Select
// reports the pipelines asked for only.
func TestPlanSeedsAndConfigs(t *testing.T) {
	p := synthetic(t, 3, 20)
	dir, cfgPath := t.TempDir(), filepath.Join(t.TempDir(), "mine.json")
	writeConfig := func(lr string) {
		t.Helper()
		if err := os.WriteFile(cfgPath, []byte(`{"model": "eegnet", "activation": "elu", "epochs": 1, "batch": 16, "lr": `+lr+`}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig("0.001")
	data := &eeg.Data{Train: p.Dataset, Test: p.Dataset, Source: "synthetic"}
	run := func(list string, s Settings, progress func(int, int, string)) ([]Score, Plan, error) {
		t.Helper()
		pipes, err := ParsePipelines(list)
		if err != nil {
			t.Fatal(err)
		}
		plan := NewPlan(p, data, CrossSession, pipes, s)
		scores, err := Run(context.Background(), dir, p, pipes, plan, experiments.Shard{}, Options{}, progress)
		return scores, plan, err
	}
	scores, _, err := run("csp,mine="+cfgPath, Settings{Seeds: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seeds := map[uint64]int{}
	byFold := map[string][]float64{}
	for _, s := range scores {
		seeds[s.Seed]++
		if s.Pipeline == "mine" {
			k := s.Subject + s.Session
			byFold[k] = append(byFold[k], s.Score)
		}
	}
	if seeds[0] != 6 || seeds[1] != 6 || seeds[2] != 6 {
		t.Errorf("scores per seed %v; want 6 of CSP (seed 0) and 6 of each of the model's seeds 1 and 2", seeds)
	}
	differ := false
	for _, v := range byFold {
		differ = differ || len(v) == 2 && v[0] != v[1]
	}
	if !differ {
		t.Errorf("the model's two seeds scored the same on every fold: %v", byFold)
	}
	for _, r := range Results(scores) {
		if want := map[string]int{"csp": 1, "mine": 2}[r.Pipeline]; r.Folds != want {
			t.Errorf("%s on %s %s averaged %d trainings, want %d", r.Pipeline, r.Subject, r.Session, r.Folds, want)
		}
	}
	// a pipeline added: only its folds train, and the plan keeps all three
	var trained []string
	if _, plan, err := run("tslr,csp", Settings{Seeds: 2}, func(_, _ int, what string) { trained = append(trained, what) }); err != nil {
		t.Fatal(err)
	} else if len(trained) != 6 || slices.ContainsFunc(trained, func(w string) bool { return !strings.HasPrefix(w, "tslr on ") }) {
		t.Errorf("adding tslr trained %v", trained)
	} else if got, _ := ReadPlan(dir); !slices.Equal(got.Pipelines, []string{"csp", "mine", "tslr"}) || got.Configs["mine"].LR != 0.001 {
		t.Errorf("plan.json after adding tslr: %+v (Run's plan %v)", got, plan.Pipelines)
	}
	r, err := ReadReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := r.Select([]string{"tslr", "csp"})
	if err != nil || !slices.Equal(sel.Plan.Pipelines, []string{"tslr", "csp"}) || !slices.Equal(Pipelines(sel.Results), []string{"tslr", "csp"}) ||
		len(sel.Statistics) != 2 {
		t.Errorf("Select(tslr, csp): %v, %v, %d statistics", err, sel.Plan.Pipelines, len(sel.Statistics))
	}
	if _, err := r.Select([]string{"mdm"}); err == nil || !strings.Contains(err.Error(), "has no pipeline mdm") {
		t.Errorf("Select(mdm): %v", err)
	}
	writeConfig("0.002")
	for _, c := range []struct {
		list string
		s    Settings
		want string
	}{
		{"mine=" + cfgPath, Settings{Seeds: 2}, "another configuration"},
		{"csp", Settings{Seeds: 3}, "other settings"},
		{"csp", Settings{Seeds: 2, Epochs: 5}, "other settings"},
	} {
		if _, _, err := run(c.list, c.s, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v in the finished directory: %v; want %q", c.list, c.s, err, c.want)
		}
	}
}

// TestReadConfig reads a model's configuration from JSON, a run.json and
// a run directory, and says what is wrong with a bad one in one line.
func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cfg := `{"model": "deepconvnet", "activation": "relu", "epochs": 7, "batch": 32, "lr": 0.0005, "seed": 9}`
	for _, path := range []string{write("plain.json", cfg), write("run/run.json", `{"config": `+cfg+`, "protocol": "x"}`), filepath.Join(dir, "run")} {
		got, err := ReadConfig(path)
		if err != nil || got.Model != "deepconvnet" || got.Epochs != 7 || got.LR != 0.0005 || got.Seed != 1 {
			t.Errorf("ReadConfig(%s) = %+v, %v; want deepconvnet, 7 epochs, lr 5e-4 and the benchmark's seed", path, got, err)
		}
	}
	for _, c := range []struct{ text, want string }{
		{`{"model": "eegnet", "activation": "elu", "epochs": 1, "batch": 8, "lr": 0.001, "learning_rate": 1}`, `unknown field "learning_rate"`},
		{`{"epochs": 1, "batch": 8, "lr": 0.001}`, "names no model"},
		{`{"model": "eegnet", "activation": "elu", "epochs": 0, "batch": 8, "lr": 0.001}`, "epoch"},
		{`[1, 2]`, "not a JSON training configuration"},
	} {
		path := write("bad.json", c.text)
		if _, err := ReadConfig(path); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ReadConfig(%s): %v; want one line with %q", c.text, err, c.want)
		}
	}
	for list, want := range map[string]string{
		"=" + filepath.Join(dir, "plain.json"):    "name the configuration",
		"mine=" + filepath.Join(dir, "none.json"): "read the configuration",
		"csp,csp": "given twice",
	} {
		if _, err := ParsePipelines(list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePipelines(%s): %v; want %q", list, err, want)
		}
	}
}
