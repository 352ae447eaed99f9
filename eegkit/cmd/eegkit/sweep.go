package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/train"
)

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", "--out DIR [--model eegnet,deepconvnet,eegnetv4,shallowfbcspnet] [--act relu,elu] [--batch 12,64] [--lr 1e-3,5e-4] [flags]", stdout, stderr)
	models := fs.String("model", "eegnet", "models, comma-separated: eegnet, deepconvnet, eegnetv4, shallowfbcspnet")
	acts := fs.String("act", "", "activations, comma-separated: relu, leakyrelu, elu (empty: each model's own, elu; shallowfbcspnet takes none)")
	batches := fs.String("batch", "", "batch sizes, comma-separated (empty: each model's lab preset)")
	lrs := fs.String("lr", "", "learning rates, comma-separated (empty: each model's lab preset)")
	wds := fs.String("weight-decay", "0", "weight decays, comma-separated")
	dropouts := fs.String("dropout", "lab", "dropout probabilities, comma-separated (lab: the lab's)")
	epochs := fs.String("epochs", strconv.Itoa(train.LabEpochs), "epochs, comma-separated")
	seed := fs.Uint64("seed", 1, "first seed")
	seeds := fs.Int("seeds", 1, "seeds per point (seed, seed+1, …); tables show mean ± std")
	proto := addProtocolFlags(fs)
	baseline := fs.Bool("baseline", false, "add the classical baselines to the results table: log-variance and CSP + LDA (mu and beta bands; for 2 channels and 2 classes), Riemannian MDM and tangent space + logistic regression (8–30 Hz)")
	augments := fs.String("augment", "", augmentHelp+`; several, separated by ";", are a sweep axis ("none;mirror:0.5")`)
	workers := fs.Int("workers", 0, "points trained at the same time (0: 2 on a machine with at least 2 cores)")
	dataDir := newDataFlags(fs)
	out := fs.String("out", "", "output directory: sweep.csv, results.md, heatmap.{png,svg}, runs/ (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if *workers < 0 {
		return usageError{fmt.Errorf("--workers must be >= 0, got %d", *workers)}
	}
	g := experiments.Grid{Base: train.TrainConfig{}}
	var err error
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
	every, err := proto.checkpointEvery()
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
	csvPath := filepath.Join(*out, "sweep.csv")
	fmt.Fprintf(stdout, "data: %s (%s)\nsweep: %d points (%s) into %s\n", data.Source, dataDir, len(configs), configs[0].Protocol(), csvPath)
	points, err := experiments.Sweep(ctx, configs, data, experiments.SweepOptions{
		CSV: csvPath, RunsDir: filepath.Join(*out, "runs"), CheckpointEvery: every, Workers: *workers,
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
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; the %d finished points are in %s and unfinished ones resume from their checkpoints when the sweep is run again", len(points), csvPath)
		}
		return err
	}
	groups := experiments.GroupSeeds(points)
	experiments.SortGroups(groups)
	var rows []*baselines.Result
	if *baseline {
		for _, m := range baselines.Methods {
			cfg := baselines.Config{Method: m}
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
	table := experiments.ResultsTable(groups, rows...)
	note := fmt.Sprintf("\nData: %s. %s. Ranked by mean validation accuracy (by train accuracy without a validation split); the test set never ranks. Mean ± sample std over %d seed(s).\n",
		data.Source, configs[0].Protocol(), *seeds)
	if len(groups) > 1 && len(groups[0].Seeds) > 1 {
		// The two ranked first (by validation, never by the test set): does the first beat the second on the test set?
		if c, err := experiments.CompareGroups(groups[0], groups[1], points); err == nil {
			note += "\nFirst against second: " + c.Verdict() + "\n"
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "results.md"), []byte(table+note), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s%s", table, note)
	p, err := experiments.ResultsHeatmap("Sweep", groups)
	if err != nil {
		return err
	}
	p.Caption = "Data: " + data.Source
	files, err := plot.SavePlot(p, filepath.Join(*out, "heatmap"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s", filepath.Join(*out, "results.md"), csvPath)
	for _, f := range files {
		fmt.Fprintf(stdout, ", %s", f)
	}
	fmt.Fprintln(stdout)
	return nil
}
