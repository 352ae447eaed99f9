package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/train"
)

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "report" {
		return cmdSweepReport(args[1:], stdout, stderr)
	}
	fs := newFlags("sweep", "--out DIR [--model "+strings.ReplaceAll(modelUsage, "|", ",")+"] [--act relu,elu] [--batch 12,64] [--lr 1e-3,5e-4] [--shard K/N] [flags]\n       eegkit sweep report DIR", stdout, stderr)
	models := fs.String("model", "eegnet", "models, comma-separated: "+modelNames)
	acts := fs.String("act", "", "activations, comma-separated: relu, leakyrelu, elu (empty: each model's own, elu; shallowfbcspnet and sccnet take none)")
	batches := fs.String("batch", "", "batch sizes, comma-separated (empty: each model's lab preset)")
	lrs := fs.String("lr", "", "learning rates, comma-separated (empty: each model's lab preset)")
	wds := fs.String("weight-decay", "0", "weight decays, comma-separated")
	dropouts := fs.String("dropout", "lab", "dropout probabilities, comma-separated (lab: the lab's)")
	epochs := fs.String("epochs", "", "epochs, comma-separated (empty: each model's preset)")
	seed := fs.Uint64("seed", 1, "first seed")
	seeds := fs.Int("seeds", 1, "seeds per point (seed, seed+1, …); tables show mean ± std")
	proto := addProtocolFlags(fs)
	baseline := fs.Bool("baseline", false, "add the classical baselines to the results table: log-variance and CSP + LDA (mu and beta bands; for 2 channels and 2 classes), Riemannian MDM and tangent space + logistic regression (8–30 Hz)")
	augments := fs.String("augment", "", augmentHelp+`; several, separated by ";", are a sweep axis ("none;mirror:0.5")`)
	workers := fs.Int("workers", 0, "points trained at the same time (0: 2 on a machine with at least 2 cores)")
	shardFlag := fs.String("shard", "", "run only share K of N of the grid (K from 0; the same grid and N always give shard K the same points); default from a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shards); 0/1 is the whole grid")
	shards := fs.Int("shards", 0, "the number of shards of a Kubernetes Indexed Job (its completions), which JOB_COMPLETION_INDEX counts")
	dataDir := newDataFlags(fs)
	tracking := newMLflowFlags(fs)
	out := fs.String("out", "", "output directory: sweep.csv, results.md, heatmap.{png,svg}, plan.json, points/, runs/ (required; shards share it)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if *workers < 0 {
		return usageError{fmt.Errorf("--workers must be >= 0, got %d", *workers)}
	}
	shard, from, err := sweepShard(*shardFlag, *shards)
	if err != nil {
		return err
	}
	if err := tracking.check(); err != nil {
		return err
	}
	g := experiments.Grid{Base: train.TrainConfig{}}
	ident := func(s string) (string, error) { return s, nil }
	if g.Models, err = list("model", *models, ident); err != nil {
		return err
	}
	if g.Activations, err = list("act", *acts, ident); err != nil {
		return err
	}
	if g.Batches, err = list("batch", *batches, strconv.Atoi); err != nil {
		return err
	}
	if g.LRs, err = list("lr", *lrs, parseFloat); err != nil {
		return err
	}
	if g.WeightDecays, err = list("weight-decay", *wds, parseFloat); err != nil {
		return err
	}
	if g.Dropouts, err = list("dropout", *dropouts, parseDropout); err != nil {
		return err
	}
	if g.Epochs, err = list("epochs", *epochs, strconv.Atoi); err != nil {
		return err
	}
	if g.Seeds, err = seedList(*seed, *seeds); err != nil {
		return err
	}
	proto.apply(&g.Base)
	g.Base.Momentum, g.Base.Nesterov, g.Base.Warmup, g.Base.Clip = *proto.momentum, *proto.nesterov, *proto.warmup, *proto.clip
	if g.Optimizers, err = list("optimizer", *proto.optimizerFlag, func(s string) (string, error) { return normalOptimizer(s), nil }); err != nil {
		return err
	}
	if g.LabelSmoothings, err = list("label-smoothing", *proto.smoothingFlag, parseFloat); err != nil {
		return err
	}
	every, err := proto.check()
	if err != nil {
		return err
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	if *augments != "" {
		if g.Augments, err = augmentSpecs(*augments, true, data); err != nil {
			return err
		}
	}
	configs, err := g.Configs()
	if err != nil {
		return usageError{err}
	}
	extra, _ := json.Marshal(reportExtra{Data: dataDir.abs(), Baseline: *baseline})
	plan := experiments.NewSweepPlan(configs, data, *seeds, extra)
	// A single-machine sweep may change the grid of its directory (the
	// points it finished are reused); the shards of one sweep must agree.
	if old, err := experiments.WritePlan(*out, plan, shard.Whole()); err != nil {
		return err
	} else if old != nil {
		fmt.Fprintf(stderr, "eegkit sweep: %s had a grid of %d points; it now has this one of %d (finished points are reused)\n", *out, len(old.Points), len(configs))
	}
	dev, err := device()
	if err != nil {
		return err
	}
	opt := experiments.SweepOptions{
		Points: filepath.Join(*out, experiments.PointsDir), Shard: shard, Device: dev,
		RunsDir: filepath.Join(*out, "runs"), CheckpointEvery: every, Workers: *workers,
		Log: func(s string) { fmt.Fprintln(stderr, "eegkit sweep: "+s) },
		Progress: func(c train.TrainConfig, e train.EpochStats) {
			if e.Epoch%max(1, c.Epochs/10) == 0 || e.Epoch == c.Epochs {
				val := ""
				if c.ValFraction > 0 {
					val = fmt.Sprintf(" val %.1f%%", 100*e.ValAcc)
				}
				fmt.Fprintf(stderr, "%s: epoch %d/%d train %.1f%%%s (%.1fs/epoch)\n", c, e.Epoch, c.Epochs, 100*e.TrainAcc, val, e.Seconds)
			}
		},
	}
	mine := len(shard.Select(configs))
	fmt.Fprintf(stdout, "data: %s (%s)\n", data.Source, dataDir)
	if shard.Whole() {
		opt.CSV = filepath.Join(*out, "sweep.csv")
		fmt.Fprintf(stdout, "sweep: %d points (%s) into %s\n", len(configs), configs[0].Protocol(), *out)
	} else {
		fmt.Fprintf(stdout, "sweep: shard %s (%s): %d of %d points (%s) into %s\n", shard, from, mine, len(configs), configs[0].Protocol(), opt.Points)
	}
	points, err := experiments.Sweep(ctx, configs, data, opt)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; the %d finished points are in %s and unfinished ones resume from their checkpoints when the sweep is run again", len(points), opt.Points)
		}
		return err
	}
	for _, c := range shard.Select(configs) { // each point's run, logged once (a rerun logs what a failure left out)
		if err := tracking.log(ctx, experiments.PointRunDir(opt.RunsDir, c, data), stdout); err != nil {
			return err
		}
	}
	if !shard.Whole() {
		fmt.Fprintf(stdout, "shard %s: its %d points are finished in %s; once every shard is, merge them: eegkit sweep report %s\n", shard, len(points), opt.Points, *out)
		return nil
	}
	return sweepReport(*out, data, stdout)
}

// sweepShard is the shard the flags or the scheduler's variables ask for,
// and where it came from, in words.
func sweepShard(flagValue string, shards int) (experiments.Shard, string, error) {
	if shards < 0 {
		return experiments.Shard{}, "", usageError{fmt.Errorf("--shards must be >= 1, got %d", shards)}
	}
	if flagValue != "" {
		s, err := experiments.ParseShard(flagValue)
		if err != nil {
			return s, "", usageError{fmt.Errorf("--shard: %w", err)}
		}
		return s, "--shard", nil
	}
	s, from, ok, err := experiments.ShardFromEnv(os.Getenv, shards)
	if err != nil {
		return s, "", usageError{err}
	}
	if !ok && shards > 0 {
		return s, "", usageError{errors.New("--shards needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard K/N")}
	}
	return s, from, nil
}

// reportExtra is what the command line keeps in a sweep's plan: how to
// load its data again, for the baselines of the report.
type reportExtra struct {
	Data     dataSpec `json:"data"`
	Baseline bool     `json:"baseline,omitempty"`
}

func cmdSweepReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep report", "DIR", stdout, stderr)
	if len(args) == 1 && !strings.HasPrefix(args[0], "-") {
		return sweepReport(args[0], nil, stdout)
	}
	if len(args) > 1 && !strings.HasPrefix(args[0], "-") {
		return usageError{fmt.Errorf("unexpected argument %q after the sweep directory %q: give one directory", args[1], args[0])}
	}
	if err := parse(fs, args); err != nil { // --help
		return err
	}
	return usageError{errors.New("give one sweep directory (the --out of the sweep's shards)")}
}

// sweepReport merges a sweep directory's points (MergeSweep) and writes
// sweep.csv, results.md and the heat map, then says which of the plan's
// points are missing or failed. data, if not nil, is the plan's data
// (loaded again from the plan for the baselines otherwise).
func sweepReport(dir string, data *eeg.Data, stdout io.Writer) error {
	m, err := experiments.MergeSweep(dir)
	if err != nil {
		return err
	}
	var extra reportExtra
	if len(m.Plan.Extra) > 0 {
		if err := json.Unmarshal(m.Plan.Extra, &extra); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, experiments.PlanFile), err)
		}
	}
	var rows []*baselines.Result
	if extra.Baseline {
		if data == nil {
			if data, err = extra.Data.load(); err != nil {
				return fmt.Errorf("the baselines of %s: %w", dir, err)
			}
			if data.ID() != m.Plan.DataID {
				return fmt.Errorf("the baselines of %s: the data at %s changed since the sweep (content %s, the sweep's %s)", dir, extra.Data.Dir, data.ID(), m.Plan.DataID)
			}
		}
		for _, meth := range baselines.Methods() {
			cfg := baselines.Config{Method: meth}
			if !cfg.Takes(data.Train) {
				continue // log-variance and CSP take two channels and two classes
			}
			b, err := baselines.Run(cfg, data)
			if err != nil {
				return err
			}
			rows = append(rows, b)
		}
	}
	report, err := m.Report(rows...)
	if err != nil {
		return err
	}
	files, err := m.WriteReport(dir, report)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s", report.Markdown)
	if report.Heatmap != nil {
		fmt.Fprintf(stdout, "wrote %s\n", strings.Join(files, ", "))
	}
	if len(m.Missing) == 0 {
		return nil
	}
	for _, c := range m.Missing {
		if f, ok := m.FailureOf(c); ok {
			fmt.Fprintf(stdout, "failed:  %s: %s\n", c, f.Error)
		} else {
			fmt.Fprintf(stdout, "missing: %s\n", c)
		}
	}
	return fmt.Errorf("%s: %d of %d points missing, %d of them failed (listed on the standard output); run the shards again to finish them (each skips its finished points), then the report", dir, len(m.Missing), len(m.Plan.Points), len(m.Failed))
}
