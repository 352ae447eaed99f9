package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchmarkCommand writes 3 synthetic subjects of 2 sessions, scores
// the CSP baseline and EEGNet (1 epoch) across sessions, and checks the
// tables (results.csv in MOABB's columns), the statistics, the verdict and
// the four figures; a second run resumes with nothing to train, `report`
// rewrites the same and combines it with a second dataset's benchmark, and
// bad requests get one line.
func TestBenchmarkCommand(t *testing.T) {
	dir := t.TempDir()
	data, out := filepath.Join(dir, "subjects"), filepath.Join(dir, "bench")
	if code, stdout, stderr := runCLI("gen-data", "--out", data, "--subjects", "3", "--sessions", "2", "--trials", "20"); code != 0 ||
		!strings.Contains(stdout, "wrote 3 synthetic subjects") {
		t.Fatalf("gen-data --subjects: exit %d\n%s%s", code, stdout, stderr)
	}
	args := []string{"benchmark", "--evaluation", "cross-session", "--pipelines", "csp,eegnet:elu", "--epochs", "1", "--data", data, "--out", out}
	code, stdout, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("benchmark: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "| csp |") || !strings.Contains(stdout, "| eegnet:elu |") || !strings.Contains(stdout, "subjects: ") {
		t.Errorf("benchmark printed:\n%s", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if !strings.HasPrefix(lines[0], "score,time,samples,subject,session,channels,n_sessions,dataset,pipeline,") || len(lines) != 1+2*3*2 {
		t.Errorf("results.csv has %d lines, header %q", len(lines), lines[0])
	}
	st, _ := os.ReadFile(filepath.Join(out, "statistics.csv"))
	if !strings.Contains(string(st), "subjects,csp,eegnet:elu,") || !strings.Contains(string(st), "permutation (exact)") {
		t.Errorf("statistics.csv:\n%s", st)
	}
	for _, f := range []string{"folds.csv", "results.md", "plan.json", "scores.png", "scores.svg", "paired.png", "significance.png", "forest.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("benchmark wrote no %s", f)
		}
	}
	if code, _, stderr = runCLI(args...); code != 0 || strings.Contains(stderr, "benchmark: 1/") {
		t.Errorf("a finished benchmark run again trained (exit %d):\n%s", code, stderr)
	}
	if code, stdout, _ = runCLI("benchmark", "report", out); code != 0 || !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("benchmark report: exit %d\n%s", code, stdout)
	}
	// a second dataset, and the two combined: Stouffer's p-values, the forest plot over both
	data2, out2, both := filepath.Join(dir, "subjects2"), filepath.Join(dir, "bench2"), filepath.Join(dir, "both")
	if code, _, stderr := runCLI("gen-data", "--out", data2, "--subjects", "4", "--trials", "20", "--seed", "2"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI("benchmark", "--evaluation", "cross-session", "--pipelines", "eegnet:elu,csp", "--epochs", "1",
		"--data", data2, "--dataset", "other", "--out", out2); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr = runCLI("benchmark", "report", out, out2, "--out", both)
	st, _ = os.ReadFile(filepath.Join(both, "statistics.csv"))
	if code != 0 || !strings.Contains(string(st), "combined,csp,eegnet:elu,") || !strings.Contains(string(st), "Stouffer over datasets") ||
		!strings.Contains(stdout, "over all datasets: ") {
		t.Errorf("combined report: exit %d %s\n%s\n%s", code, stderr, stdout, st)
	}
	for _, f := range []string{"scores_subjects.png", "scores_other.png", "forest.png", "significance.svg"} {
		if _, err := os.Stat(filepath.Join(both, f)); err != nil {
			t.Errorf("the combined report wrote no %s", f)
		}
	}
	// the models augmented: the plan records it, and a plan without it is another benchmark
	out3 := filepath.Join(dir, "bench_aug")
	if code, _, stderr := runCLI("benchmark", "--evaluation", "cross-session", "--pipelines", "eegnet:elu", "--epochs", "1", "--augment", "mirror:0.5",
		"--data", data, "--out", out3); code != 0 {
		t.Fatal(stderr)
	}
	if plan, _ := os.ReadFile(filepath.Join(out3, "plan.json")); !strings.Contains(string(plan), `"augment": "mirror:0.5"`) {
		t.Errorf("plan.json of an augmented benchmark:\n%s", plan)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"benchmark", "--pipelines", "eegnet:elu", "--evaluation", "cross-session", "--epochs", "1", "--data", data, "--out", out3}, "other settings"},
		{[]string{"benchmark", "--pipelines", "csp", "--augment", "wobble:1", "--data", data, "--out", out3}, "--augment"},
		{[]string{"benchmark", "--pipelines", "csp", "--data", data}, "--out is required"},
		{[]string{"benchmark", "--pipelines", "csp", "--seeds", "0", "--data", data, "--out", out}, "--seeds 0"},
		{[]string{"benchmark", "--pipelines", "mine=" + filepath.Join(dir, "none.json"), "--data", data, "--out", out}, "read the configuration"},
		{[]string{"benchmark", "--pipelines", "resnet", "--data", data, "--out", out}, "neither a model"},
		{[]string{"benchmark", "--pipelines", "csp", "--evaluation", "loso", "--data", data, "--out", out}, "--evaluation"},
		{[]string{"benchmark", "--pipelines", "csp", "--evaluation", "within-session", "--data", data, "--out", out}, "other settings"},
		{[]string{"benchmark", "report", dir}, "not a benchmark directory"},
		{[]string{"benchmark", "report", out, out2}, "--out is required"},
		{[]string{"benchmark", "report", out, out, "--out", both}, "name each dataset once"},
	} {
		code, _, stderr := runCLI(c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, %q; want one line with %q", c.args, code, stderr, c.want)
		}
	}
}
