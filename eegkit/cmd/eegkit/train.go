package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// cmdTrain is `eegkit train`: one run (or one per seed) in --out, resumed from its checkpoint when interrupted.
func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", "--model "+modelUsage+" [--act relu|leakyrelu|elu] --out DIR [flags]", stdout, stderr)
	model := fs.String("model", "eegnet", modelHelp)
	actName := fs.String("act", "", actHelp)
	epochs := fs.Int("epochs", 0, "epochs (0: the lab preset, 300)")
	batch := fs.Int("batch", 0, "batch size (0: the lab preset for the model and activation)")
	lr := fs.Float64("lr", 0, "learning rate (0: the lab preset)")
	wd := fs.Float64("weight-decay", 0, "weight decay: an L2 term of the gradient (adam, sgd), decoupled (adamw) (default: the preset's, 0 for the lab's models)")
	dropout := fs.Float64("dropout", -1, "dropout probability for every dropout layer (-1: the lab's)")
	seed := fs.Uint64("seed", 1, "random seed (weights, shuffling, dropout, validation split)")
	seeds := fs.Int("seeds", 1, "train with seeds seed, seed+1, … and report mean ± std (each run in DIR/seed-N)")
	proto := addProtocolFlags(fs)
	augmentFlag := fs.String("augment", "", augmentHelp)
	dataDir := newDataFlags(fs)
	out := fs.String("out", "", "output directory for the model, history.csv and history.json (required)")
	replace := fs.Bool("replace", false, "replace a run of another configuration or other data that --out holds (without it, that is refused)")
	tracking := newMLflowFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if err := tracking.check(); err != nil {
		return err
	}
	m, err := modelFlags(*model, *actName)
	if err != nil {
		return err
	}
	cfg, err := train.Preset(m.Key(), m.Act)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *epochs != 0 { // 0: the preset, as the help says
		cfg.Epochs = *epochs
	}
	if *batch != 0 { // 0: the preset, as the help says
		cfg.Batch = *batch
	}
	if *lr != 0 { // 0: the preset, as the help says
		cfg.LR = *lr
	}
	if set["weight-decay"] { // else the preset's
		cfg.WeightDecay = *wd
	}
	if set["dropout"] {
		cfg.Dropout = dropout
	}
	proto.apply(&cfg)
	if err := proto.trainer(&cfg); err != nil {
		return err
	}
	every, err := proto.check()
	if err != nil {
		return err
	}
	seedValues, err := seedList(*seed, *seeds)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	specs, err := augmentSpecs(*augmentFlag, false, data)
	if err != nil {
		return err
	}
	cfg.Augment = specs[0]
	fmt.Fprintf(stdout, "data: %s (%s)\n", data.Source, dataDir)
	var points []experiments.SweepPoint
	for _, s := range seedValues {
		c := cfg
		c.Seed = s
		dir := *out
		if len(seedValues) > 1 {
			dir = filepath.Join(*out, fmt.Sprintf("seed-%d", s))
		}
		start := time.Now()
		run, err := trainOne(ctx, c, data, dir, every, *replace, stdout, stderr)
		if err != nil {
			return err
		}
		if err := tracking.log(ctx, dir, stdout); err != nil {
			return err
		}
		points = append(points, experiments.NewSweepPoint(run, time.Since(start)))
	}
	if len(points) > 1 {
		table := experiments.ResultsTable(experiments.GroupSeeds(points))
		note := fmt.Sprintf("\nData: %s. %s. Mean ± sample std over seeds %v.\n", data.Source, cfg.Protocol(), seedValues)
		if err := safefile.WriteFile(filepath.Join(*out, "seeds.md"), []byte(table+note)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%s%swrote %s\n", table, note, filepath.Join(*out, "seeds.md"))
	}
	return nil
}

// trainOne trains (or resumes) one run into dir and prints its result. A
// run dir already holds with the same configuration and data is reused.
func trainOne(ctx context.Context, cfg train.TrainConfig, data *eeg.Data, dir string, every int, replace bool, stdout, stderr io.Writer) (*train.Run, error) {
	rd, err := train.OpenRunDir(dir, cfg, data.ID(), replace)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	if run := rd.Finished; run != nil {
		fmt.Fprintf(stdout, "%s already holds this run (%s, finished, on the same data); nothing to train\n", dir, cfg)
		fmt.Fprint(stdout, run.Test.String())
		return run, nil
	}
	fmt.Fprintf(stdout, "training %s\n%s\n", cfg, cfg.Protocol())
	dev, err := device()
	if err != nil {
		return nil, err
	}
	bar := newProgress(stderr, cfg)
	run, trainErr := train.Fit(ctx, cfg, data, train.FitOptions{Progress: bar.update, CheckpointDir: dir, CheckpointEvery: every, Device: dev})
	bar.done()
	if run == nil {
		return nil, trainErr
	}
	if len(run.ResumedAt) > 0 {
		fmt.Fprintf(stdout, "resumed from the checkpoint after epoch %d in %s\n", run.ResumedAt[len(run.ResumedAt)-1], dir)
	}
	if len(run.History) > 0 || trainErr == nil {
		if err := run.Save(dir); err != nil {
			return nil, err
		}
	}
	if trainErr != nil {
		if errors.Is(trainErr, context.Canceled) {
			msg := fmt.Sprintf("interrupted after %d of %d epochs; what finished is saved in %s", len(run.History), cfg.Epochs, dir)
			if every > 0 {
				msg += "; run the same command again to resume from the last checkpoint"
			}
			return nil, errors.New(msg)
		}
		return nil, trainErr
	}
	f := run.Final()
	fmt.Fprintf(stdout, "final epoch %d: train accuracy %.2f%%, test accuracy %.2f%%\n", f.Epoch, 100*f.TrainAcc, 100*f.TestAcc)
	if run.Val != nil {
		fmt.Fprintf(stdout, "kept the model of epoch %d: validation accuracy %.2f%%\n", run.BestEpoch, 100*run.Val.Accuracy)
	}
	fmt.Fprint(stdout, run.Test.String())
	fmt.Fprintf(stdout, "saved %s, %s, %s, %s in %s\n", train.WeightsFile, train.RunFile, train.HistoryCSVFile, train.HistoryJSONFile, dir)
	return run, nil
}
