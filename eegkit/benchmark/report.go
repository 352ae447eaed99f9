package benchmark

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/stats"
	"gonum.org/v1/gonum/stat"
)

// Alpha is the level below which a benchmark calls a difference
// significant; as MOABB, the p-values are not corrected for the number of
// pairs compared.
const Alpha = 0.05

// Result is one row of results.csv: a pipeline's score on one session of
// one subject, its folds averaged (MOABB's columns first).
type Result struct {
	Score      float64
	Time       float64 // mean training time of a fold, s
	Samples    float64 // mean training trials of a fold
	Subject    string
	Session    string
	Channels   int
	NSessions  int
	Dataset    string
	Pipeline   string
	Evaluation string
	Accuracy   float64
	Kappa      float64
	Balanced   float64
	Folds      int // trainings averaged: folds, times seeds for a model
}

// Results averages the scores of each pipeline, subject and session over
// their folds (and a model's seeds), in the order they first appear.
func Results(scores []Score) []Result {
	type key struct{ dataset, pipeline, subject, session string }
	var order []key
	sums := map[key]*Result{}
	for _, s := range scores {
		k := key{s.Dataset, s.Pipeline, s.Subject, s.Session}
		r := sums[k]
		if r == nil {
			order = append(order, k)
			r = &Result{Subject: s.Subject, Session: s.Session, Channels: s.Channels, NSessions: s.NSessions, Dataset: s.Dataset,
				Pipeline: s.Pipeline, Evaluation: s.Evaluation}
			sums[k] = r
		}
		r.Score += s.Score
		r.Time += s.Time
		r.Samples += float64(s.Samples)
		r.Accuracy += s.Accuracy
		r.Kappa += s.Kappa
		r.Balanced += s.Balanced
		r.Folds++
	}
	out := make([]Result, len(order))
	for i, k := range order {
		r := *sums[k]
		n := float64(r.Folds)
		r.Score, r.Time, r.Samples, r.Accuracy, r.Kappa, r.Balanced = r.Score/n, r.Time/n, r.Samples/n, r.Accuracy/n, r.Kappa/n, r.Balanced/n
		out[i] = r
	}
	return out
}

// Pipelines are the pipelines of the results, in order of appearance.
func Pipelines(results []Result) []string {
	var out []string
	for _, r := range results {
		if !slices.Contains(out, r.Pipeline) {
			out = append(out, r.Pipeline)
		}
	}
	return out
}

// SubjectScores are each subject's score of a pipeline on a dataset, its
// sessions averaged (MOABB's collapse_session_scores), by subject name.
func SubjectScores(results []Result, dataset, pipeline string) map[string]float64 {
	sum, n := map[string]float64{}, map[string]int{}
	for _, r := range results {
		if r.Dataset == dataset && r.Pipeline == pipeline {
			sum[r.Subject] += r.Score
			n[r.Subject]++
		}
	}
	for s := range sum {
		sum[s] /= float64(n[s])
	}
	return sum
}

// Statistic is one row of statistics.csv: MOABB's test of pipe1 > pipe2
// across the subjects of a dataset ("combined" for the meta-analysis over
// datasets), and how many subjects pipe1 scored higher on.
type Statistic struct {
	Dataset      string
	Pipe1, Pipe2 string
	stats.SubjectTest
	Wins int // subjects on which pipe1 scores higher
}

// Statistics tests every ordered pair of pipelines across the subjects
// of each dataset (stats.CompareSubjects) and, with several datasets,
// combines each pair's p-values and effects over them as MOABB does
// (stats.Stouffer, stats.CombineEffects), as rows of dataset "combined".
func Statistics(results []Result, seed uint64) ([]Statistic, error) {
	var datasets []string
	for _, r := range results {
		if !slices.Contains(datasets, r.Dataset) {
			datasets = append(datasets, r.Dataset)
		}
	}
	pipes := Pipelines(results)
	var out []Statistic
	for _, d := range datasets {
		for _, a := range pipes {
			for _, b := range pipes {
				if a == b {
					continue
				}
				sa, sb := SubjectScores(results, d, a), SubjectScores(results, d, b)
				var subjects []string
				for s := range sa {
					if _, ok := sb[s]; ok {
						subjects = append(subjects, s)
					}
				}
				if len(subjects) != len(sa) || len(subjects) != len(sb) {
					return nil, fmt.Errorf("dataset %s: %s has scores of %d subjects, %s of %d; the tests compare the same subjects (finish the benchmark's folds, or merge its shards)", d, a, len(sa), b, len(sb))
				}
				sort.Strings(subjects)
				va, vb := make([]float64, len(subjects)), make([]float64, len(subjects))
				wins := 0
				for i, s := range subjects {
					va[i], vb[i] = sa[s], sb[s]
					if va[i] > vb[i] {
						wins++
					}
				}
				t, err := stats.CompareSubjects(va, vb, seed)
				if err != nil {
					return nil, fmt.Errorf("dataset %s, %s against %s: %w", d, a, b, err)
				}
				out = append(out, Statistic{Dataset: d, Pipe1: a, Pipe2: b, SubjectTest: t, Wins: wins})
			}
		}
	}
	if len(datasets) > 1 {
		for _, a := range pipes {
			for _, b := range pipes {
				if a == b {
					continue
				}
				var p, smd, nsub []float64
				wins, total := 0, 0
				for _, s := range out {
					if s.Pipe1 == a && s.Pipe2 == b {
						p, smd, nsub = append(p, s.P), append(smd, s.SMD), append(nsub, float64(s.NSub))
						wins, total = wins+s.Wins, total+s.NSub
					}
				}
				out = append(out, Statistic{Dataset: "combined", Pipe1: a, Pipe2: b, Wins: wins, SubjectTest: stats.SubjectTest{
					P: stats.Stouffer(p, nsub), SMD: stats.CombineEffects(smd, nsub), NSub: total, Test: "Stouffer over datasets"}})
			}
		}
	}
	return out, nil
}

// Verdict says in words what the statistics show, per dataset (or the
// combination): the pipeline that scores significantly higher than every
// other, if one does, and every significant difference, or that none is.
func Verdict(st []Statistic) []string {
	var datasets []string
	for _, s := range st {
		if !slices.Contains(datasets, s.Dataset) {
			datasets = append(datasets, s.Dataset)
		}
	}
	if slices.Contains(datasets, "combined") {
		datasets = []string{"combined"}
	}
	var lines []string
	for _, d := range datasets {
		beats := map[string]int{}
		var pipes []string
		var sig []string
		for _, s := range st {
			if s.Dataset != d {
				continue
			}
			if !slices.Contains(pipes, s.Pipe1) {
				pipes = append(pipes, s.Pipe1)
			}
			if s.P < Alpha {
				beats[s.Pipe1]++
				sig = append(sig, fmt.Sprintf("%s > %s on %d of %d subjects, p = %s (%s), SMD %.2f", s.Pipe1, s.Pipe2, s.Wins, s.NSub, formatP(s.P), s.Test, s.SMD))
			}
		}
		prefix := d + ": "
		if d == "combined" {
			prefix = "over all datasets: "
		}
		best := ""
		for _, p := range pipes {
			if beats[p] == len(pipes)-1 {
				best = p
			}
		}
		switch {
		case best != "":
			lines = append(lines, prefix+best+" is significantly best.")
		case len(pipes) > 1:
			lines = append(lines, prefix+"no pipeline is significantly best.")
		}
		if len(sig) == 0 {
			lines = append(lines, fmt.Sprintf("No difference between pipelines is significant (p ≥ %g for every pair).", Alpha))
		}
		lines = append(lines, sig...)
	}
	return lines
}

func formatP(p float64) string {
	if p < 0.001 {
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.3f", p)
}

// seed is a score's seed in a table: empty for a baseline's.
func seed(s uint64) string {
	if s == 0 {
		return ""
	}
	return strconv.FormatUint(s, 10)
}

// WriteTables writes results.csv (MOABB's columns first: score, time,
// samples, subject, session, channels, n_sessions, dataset, pipeline), the
// per-fold folds.csv and statistics.csv (dataset, pipe1, pipe2, p, smd,
// nsub, then test and wins) into dir.
func WriteTables(dir string, scores []Score, results []Result, st []Statistic) error {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) } // exact, so that a reader's statistics equal these
	tables := map[string][][]string{
		"results.csv":    {{"score", "time", "samples", "subject", "session", "channels", "n_sessions", "dataset", "pipeline", "evaluation", "accuracy", "kappa", "balanced_accuracy", "folds"}},
		"folds.csv":      {{"dataset", "evaluation", "pipeline", "subject", "session", "fold", "seed", "score", "accuracy", "kappa", "balanced_accuracy", "time", "samples", "tested", "channels", "n_sessions"}},
		"statistics.csv": {{"dataset", "pipe1", "pipe2", "p", "smd", "nsub", "test", "wins"}},
	}
	for _, r := range results {
		tables["results.csv"] = append(tables["results.csv"], []string{f(r.Score), f(r.Time), f(r.Samples), r.Subject, r.Session,
			strconv.Itoa(r.Channels), strconv.Itoa(r.NSessions), r.Dataset, r.Pipeline, r.Evaluation, f(r.Accuracy), f(r.Kappa), f(r.Balanced), strconv.Itoa(r.Folds)})
	}
	for _, s := range scores {
		tables["folds.csv"] = append(tables["folds.csv"], []string{s.Dataset, s.Evaluation, s.Pipeline, s.Subject, s.Session, strconv.Itoa(s.Fold), seed(s.Seed),
			f(s.Score), f(s.Accuracy), f(s.Kappa), f(s.Balanced), f(s.Time), strconv.Itoa(s.Samples), strconv.Itoa(s.Tested), strconv.Itoa(s.Channels), strconv.Itoa(s.NSessions)})
	}
	for _, s := range st {
		tables["statistics.csv"] = append(tables["statistics.csv"], []string{s.Dataset, s.Pipe1, s.Pipe2, strconv.FormatFloat(s.P, 'g', 17, 64),
			strconv.FormatFloat(s.SMD, 'g', 17, 64), strconv.Itoa(s.NSub), s.Test, strconv.Itoa(s.Wins)})
	}
	for name, rows := range tables {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(rows); err != nil {
			return err
		}
		if err := safefile.WriteFile(filepath.Join(dir, name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Table is a dataset's results in Markdown: per pipeline, its mean score
// over subjects with their sample standard deviation, and each subject's.
func Table(results []Result, dataset string) string {
	pipes := Pipelines(results)
	var subjects []string
	for _, r := range results {
		if r.Dataset == dataset && !slices.Contains(subjects, r.Subject) {
			subjects = append(subjects, r.Subject)
		}
	}
	var b strings.Builder
	b.WriteString("| pipeline | mean ± std over subjects |")
	for _, s := range subjects {
		b.WriteString(" " + s + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(subjects)) + "\n")
	for _, p := range pipes {
		sc := SubjectScores(results, dataset, p)
		var v []float64
		for _, s := range subjects {
			v = append(v, sc[s])
		}
		mean, sd := meanStd(v)
		fmt.Fprintf(&b, "| %s | %.3f ± %.3f |", p, mean, sd)
		for _, x := range v {
			fmt.Fprintf(&b, " %.3f |", x)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// meanStd is the mean and the sample standard deviation (0 for one value).
func meanStd(v []float64) (mean, sd float64) {
	if len(v) < 2 {
		return stat.Mean(v, nil), 0
	}
	return stat.MeanStdDev(v, nil)
}

// Report is the finished folds of one benchmark directory, or of several
// (one dataset each, the same pipelines and evaluation), and what they show.
type Report struct {
	Plan       Plan     // the first directory's; with several, Dataset and Data name them all
	Datasets   []string // the datasets, in the order of the directories
	Scores     []Score
	Results    []Result // in the plan's pipeline order
	Statistics []Statistic
	Verdict    []string
}

// ReadReport reads benchmark directories' plans and finished folds and
// computes their results, statistics (per dataset, and combined over
// several) and verdict.
func ReadReport(dirs ...string) (*Report, error) {
	r := &Report{}
	var data []string
	for i, dir := range dirs {
		plan, err := ReadPlan(dir)
		if err != nil {
			return nil, fmt.Errorf("%s is not a benchmark directory (no readable plan.json): %w", dir, err)
		}
		if i == 0 {
			r.Plan = plan
		} else if plan.Evaluation != r.Plan.Evaluation || !sameSet(plan.Pipelines, r.Plan.Pipelines) {
			return nil, fmt.Errorf("%s is a %s benchmark of %s, %s a %s one of %s: combine benchmarks of the same pipelines and evaluation",
				dir, plan.Evaluation, strings.Join(plan.Pipelines, ", "), dirs[0], r.Plan.Evaluation, strings.Join(r.Plan.Pipelines, ", "))
		}
		if slices.Contains(r.Datasets, plan.Dataset) {
			return nil, fmt.Errorf("%s's dataset is %s, as an earlier directory's: name each dataset once (--dataset)", dir, plan.Dataset)
		}
		if missing := plan.Missing(dir); len(missing) > 0 {
			var what []string
			for _, pipe := range plan.Pipelines {
				if m := missing[pipe]; len(m) > 0 {
					what = append(what, fmt.Sprintf("%s lacks %d (%s)", pipe, len(m), strings.Join(cut(m, 3), ", ")))
				}
			}
			return nil, fmt.Errorf("%s is not finished: %s; run the benchmark (each of its shards) again to finish it", dir, strings.Join(what, "; "))
		}
		scores, err := ReadScores(dir)
		if err != nil {
			return nil, err
		}
		r.Datasets, data = append(r.Datasets, plan.Dataset), append(data, plan.Data)
		r.Scores = append(r.Scores, scores...)
	}
	if len(dirs) > 1 {
		r.Plan.Dataset, r.Plan.Data = strings.Join(r.Datasets, ", "), strings.Join(data, "; ")
	}
	return r, r.compute()
}

// Select is the report of some of its pipelines only, in their order:
// a directory that holds more than the ones just asked for.
func (r *Report) Select(pipelines []string) (*Report, error) {
	s := &Report{Plan: r.Plan, Datasets: r.Datasets}
	s.Plan.Pipelines = nil
	for _, p := range pipelines {
		if !slices.Contains(r.Plan.Pipelines, p) {
			return nil, fmt.Errorf("the benchmark has no pipeline %s (it has %s)", p, strings.Join(r.Plan.Pipelines, ", "))
		}
		s.Plan.Pipelines = append(s.Plan.Pipelines, p)
	}
	for _, sc := range r.Scores {
		if slices.Contains(pipelines, sc.Pipeline) {
			s.Scores = append(s.Scores, sc)
		}
	}
	return s, s.compute()
}

// compute makes the results, statistics and verdict of the scores.
func (r *Report) compute() error {
	r.Results = Results(r.Scores)
	sort.SliceStable(r.Results, func(i, j int) bool {
		return slices.Index(r.Plan.Pipelines, r.Results[i].Pipeline) < slices.Index(r.Plan.Pipelines, r.Results[j].Pipeline)
	})
	var err error
	if r.Statistics, err = Statistics(r.Results, r.Plan.Seed); err != nil {
		return err
	}
	r.Verdict = Verdict(r.Statistics)
	return nil
}

// cut is the first n of a list, and "…" when there are more.
func cut(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), "…")
}

func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) })
}

// Caption names the data (its description cut to fit a figure's width),
// the evaluation and the pipelines of the report's figures.
func (r *Report) Caption() string {
	data := r.Plan.Data
	if runes := []rune(data); len(runes) > 90 {
		data = string(runes[:89]) + "…"
	}
	pipes := strings.Join(r.Plan.Pipelines, ", ")
	if len([]rune(data))+len([]rune(pipes)) > 110 { // the axis names them
		pipes = fmt.Sprintf("%d pipelines", len(r.Plan.Pipelines))
	}
	return fmt.Sprintf("Data: %s; %s; %s", data, r.Plan.Evaluation, pipes)
}

// Markdown is the report in words: the data and scheme, the scores per
// subject of each dataset, the verdict and how the tests were made.
func (r *Report) Markdown() string {
	var md strings.Builder
	fmt.Fprintf(&md, "Data: %s. Evaluation: %s", r.Plan.Data, r.Plan.Evaluation)
	if r.Plan.Folds > 0 {
		fmt.Fprintf(&md, " (%d folds)", r.Plan.Folds)
	}
	fmt.Fprintf(&md, ". Score: %s per subject, its sessions and folds averaged.\n\n", scoreName(len(r.Plan.Classes)))
	for _, d := range r.Datasets {
		if len(r.Datasets) > 1 {
			fmt.Fprintf(&md, "**%s**\n\n", d)
		}
		md.WriteString(Table(r.Results, d) + "\n")
	}
	fmt.Fprintf(&md, "%s\n\nThe tests are MOABB's, across subjects and one-sided: a paired permutation test under %d subjects, "+
		"Wilcoxon's signed-rank test from %d; over several datasets Stouffer's method weighted by √subjects. "+
		"The p-values are not corrected for the number of pairs.\n", strings.Join(r.Verdict, "  \n"), stats.PermCutoff, stats.PermCutoff)
	return md.String()
}

// Figures are the report's figures by file name: the scores per subject
// (of each dataset), and with two pipelines or more the first two paired
// (on the first dataset), the significance of every pair (combined over
// the datasets when several) and the first pair's forest plot.
func (r *Report) Figures() (names []string, figs []*plot.Figure, err error) {
	classes, caption := len(r.Plan.Classes), r.Caption()
	add := func(name string, f *plot.Figure, e error) {
		if err == nil && e != nil {
			err = e
		}
		if f != nil {
			f.Title.Text += " (" + r.Plan.Evaluation + ")"
		}
		names, figs = append(names, name), append(figs, f)
	}
	for _, d := range r.Datasets {
		name := "scores"
		if len(r.Datasets) > 1 {
			name += "_" + safeName(d)
		}
		f, e := ScoreFigure(r.Results, d, classes, caption)
		add(name, f, e)
	}
	if p := r.Plan.Pipelines; len(p) >= 2 {
		f, e := PairedFigure(r.Results, r.Datasets[0], p[0], p[1], classes, caption)
		add("paired", f, e)
		matrix := r.Datasets[0]
		if len(r.Datasets) > 1 {
			matrix = "combined"
		}
		f, e = SignificanceFigure(r.Statistics, matrix, caption)
		add("significance", f, e)
		f, e = ForestFigure(r.Statistics, p[0], p[1], caption)
		add("forest", f, e)
	}
	return names, figs, err
}

// Write writes the report into dir: results.csv, folds.csv,
// statistics.csv, results.md and the figures as PNG and SVG; it returns
// the files written.
func (r *Report) Write(dir string) ([]string, error) {
	if err := WriteTables(dir, r.Scores, r.Results, r.Statistics); err != nil {
		return nil, err
	}
	files := []string{"results.csv", "folds.csv", "statistics.csv", "results.md"}
	names, figs, err := r.Figures()
	if err != nil {
		return nil, err
	}
	md := fmt.Sprintf("# Benchmark: %s on %s\n\n%s\n", strings.Join(r.Plan.Pipelines, ", "), r.Plan.Dataset, r.Markdown())
	for i, f := range figs {
		paths, err := f.Save(filepath.Join(dir, names[i]))
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			files = append(files, filepath.Base(p))
		}
		md += fmt.Sprintf("\n![%s](%s.png)\n", names[i], names[i])
	}
	return files, safefile.WriteFile(filepath.Join(dir, "results.md"), []byte(md))
}
