package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/benchmark"
)

// cmdBenchmark is `eegkit benchmark`: pipelines scored per subject under an
// evaluation scheme, compared across subjects as MOABB compares them.
func cmdBenchmark(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "report" {
		return cmdBenchmarkReport(args[1:], stdout, stderr)
	}
	fs := newFlags("benchmark", "--evaluation "+strings.Join(benchmark.Evaluations(), "|")+" --pipelines eegnet,csp,… --data DIR --out DIR [flags]\n       eegkit benchmark report DIR [DIR… --out DIR]", stdout, stderr)
	evaluation := fs.String("evaluation", benchmark.WithinSession, "what trains and what tests: "+strings.Join(benchmark.Evaluations(), ", "))
	pipelines := fs.String("pipelines", "", "comma-separated: models with their presets (eegnet, eegnet:elu, shallowfbcspnet, …), models of your configuration (NAME=CONFIG.json: a train configuration, run.json or run directory) and baselines (logvar, csp, mdm, tslr) (required)")
	folds := fs.Int("folds", 0, "within-session: the folds of each subject's session (default 5); cross-subject: k groups of subjects, each tested on the others (default 0: leave one subject out)")
	epochs := fs.Int("epochs", 0, "training epochs of the models (default each model's preset)")
	seed := fs.Uint64("seed", 1, "seed of the folds, the models' weights and the random permutation tests")
	seeds := fs.Int("seeds", 1, "train each model this many times on each fold (seeds --seed, --seed+1, …) and average its scores with the folds'")
	dataset := fs.String("dataset", "", "the dataset's name in the tables (default the data directory's name)")
	augmentFlag := fs.String("augment", "", "the models' "+augmentHelp)
	shardFlag := fs.String("shard", "", "run only share K of N of the folds (K from 0), as a sweep's --shard; default from a Slurm job array or a Kubernetes Indexed Job (--shards)")
	shards := fs.Int("shards", 0, "the number of shards of a Kubernetes Indexed Job, which JOB_COMPLETION_INDEX counts")
	out := fs.String("out", "", "output directory: plan.json, folds/, results.csv, folds.csv, statistics.csv, results.md, figures (required; shards share it)")
	dataDir := newDataFlags(fs)
	ml := newMLflowFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := ml.check(); err != nil {
		return err
	}
	switch {
	case *out == "":
		return usageError{errors.New("--out is required")}
	case *pipelines == "":
		return usageError{errors.New("--pipelines is required: models and baselines separated by commas, e.g. eegnet,csp")}
	case *seeds < 1:
		return usageError{fmt.Errorf("--seeds %d: train each model at least once (1)", *seeds)}
	case *epochs < 0:
		return usageError{fmt.Errorf("--epochs %d: give the number of epochs, or 0 for each model's preset", *epochs)}
	case *folds < 0:
		return usageError{fmt.Errorf("--folds %d: give the number of folds, or 0 for the scheme's default", *folds)}
	}
	pipes, err := benchmark.ParsePipelines(*pipelines)
	if err != nil {
		return usageError{fmt.Errorf("--pipelines: %w", err)}
	}
	if !slices.Contains(benchmark.Evaluations(), *evaluation) {
		return usageError{fmt.Errorf("--evaluation %q: want one of %s", *evaluation, strings.Join(benchmark.Evaluations(), ", "))}
	}
	shard, from, err := sweepShard(*shardFlag, *shards)
	if err != nil {
		return err
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	if *dataset == "" {
		*dataset = filepath.Base(filepath.Clean(dataDir.String()))
	}
	pool, err := benchmark.PoolOf(data, *dataset)
	if err != nil {
		return err
	}
	specs, err := augmentSpecs(*augmentFlag, false, data)
	if err != nil {
		return err
	}
	plan := benchmark.NewPlan(pool, data, *evaluation, pipes, benchmark.Settings{Folds: *folds, Epochs: *epochs, Seeds: *seeds, Augment: specs[0], Seed: *seed})
	dev, err := device()
	if err != nil {
		return err
	}
	if !shard.Whole() {
		fmt.Fprintf(stdout, "benchmark: shard %s (%s) of %s into %s\n", shard, from, *evaluation, *out)
	}
	start := time.Now()
	progress := func(done, total int, what string) {
		fmt.Fprintf(stderr, "benchmark: %d/%d %s\n", done+1, total, what)
	}
	opt := benchmark.Options{Device: dev}
	if ml.client != nil {
		opt.Finished = func(path string, scores []benchmark.Score) error { return ml.logFold(ctx, path, scores) }
	}
	if _, err := benchmark.Run(ctx, *out, pool, pipes, plan, shard, opt, progress); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "benchmark: %s of %s on %s (%s) in %.1f s\n", *evaluation, strings.Join(plan.Pipelines, ", "), *dataset, data.Source, time.Since(start).Seconds())
	if !shard.Whole() {
		fmt.Fprintf(stdout, "benchmark: shard %s done; when every shard is, merge them with: eegkit benchmark report %s\n", shard, *out)
		return nil
	}
	return benchmarkReport(*out, stdout)
}

// cmdBenchmarkReport is `eegkit benchmark report DIR [DIR…] [--out DIR]`.
func cmdBenchmarkReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("benchmark report", "DIR [DIR…] [--out DIR]", stdout, stderr)
	out := fs.String("out", "", "with several benchmark directories (one dataset each): where the combined report goes (required then)")
	dirs, err := parseOperands(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(dirs) == 0:
		return usageError{errors.New("give a benchmark directory, or several (one dataset each) with --out")}
	case len(dirs) > 1 && *out == "":
		return usageError{errors.New("--out is required to combine several benchmark directories")}
	case *out == "":
		*out = dirs[0]
	}
	return benchmarkReport(*out, stdout, dirs...)
}

// benchmarkReport writes into dir the tables, statistics, verdict and
// figures of the finished folds of the benchmark directories from (dir
// itself when none), and prints the tables and the verdict.
func benchmarkReport(dir string, stdout io.Writer, from ...string) error {
	if len(from) == 0 {
		from = []string{dir}
	}
	r, err := benchmark.ReadReport(from...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files, err := r.Write(dir)
	if err != nil {
		return err
	}
	for _, d := range r.Datasets {
		fmt.Fprint(stdout, benchmark.Table(r.Results, d))
	}
	for _, v := range r.Verdict {
		fmt.Fprintln(stdout, v)
	}
	fmt.Fprintf(stdout, "wrote %s: %s\n", dir, strings.Join(files, ", "))
	return nil
}
