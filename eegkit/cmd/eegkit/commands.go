package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

const defaultData = "data"

// dataHelp describes --data.
const dataHelp = "data: a directory with the lab's four .npz files, or with EEGMMIDB subject folders (S001/S001R04.edf, …)"

// The models and activations the flags take.
const (
	modelNames = "eegnet, deepconvnet (the lab's), eegnetv4 or shallowfbcspnet (braindecode's)"
	modelHelp  = "model: " + modelNames
	actHelp    = "activation: relu, leakyrelu or elu (default: the model's own, elu; shallowfbcspnet takes none)"
)

// modelFlags builds the model named by --model and --act; unknown names are usage errors.
func modelFlags(model, act string) (*nn.Model, error) {
	a, err := nn.ParseActivation(act)
	if err != nil {
		return nil, usageError{err}
	}
	m, err := models.New(model, a)
	if err != nil {
		return nil, usageError{err}
	}
	return m, nil
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", "--model eegnet|deepconvnet|eegnetv4|shallowfbcspnet [--act relu|leakyrelu|elu] --out DIR [flags]", stdout, stderr)
	model := fs.String("model", "eegnet", modelHelp)
	actName := fs.String("act", "", actHelp)
	epochs := fs.Int("epochs", 0, "epochs (0: the lab preset, 300)")
	batch := fs.Int("batch", 0, "batch size (0: the lab preset for the model and activation)")
	lr := fs.Float64("lr", 0, "Adam learning rate (0: the lab preset)")
	wd := fs.Float64("weight-decay", 0, "Adam weight decay (L2)")
	dropout := fs.Float64("dropout", -1, "dropout probability for every dropout layer (-1: the lab's)")
	seed := fs.Uint64("seed", 1, "random seed (weights, shuffling, dropout, validation split)")
	seeds := fs.Int("seeds", 1, "train with seeds seed, seed+1, … and report mean ± std (each run in DIR/seed-N)")
	proto := addProtocolFlags(fs)
	dataDir := newDataFlags(fs)
	out := fs.String("out", "", "output directory for the model, history.csv and history.json (required)")
	replace := fs.Bool("replace", false, "replace a run of another configuration or other data that --out holds (without it, that is refused)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
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
	if set["epochs"] {
		cfg.Epochs = *epochs
	}
	if set["batch"] {
		cfg.Batch = *batch
	}
	if set["lr"] {
		cfg.LR = *lr
	}
	cfg.WeightDecay = *wd
	if set["dropout"] {
		cfg.Dropout = dropout
	}
	proto.apply(&cfg)
	every, err := proto.checkpointEvery()
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
		points = append(points, experiments.NewSweepPoint(run, time.Since(start)))
	}
	if len(points) > 1 {
		table := experiments.ResultsTable(experiments.GroupSeeds(points))
		note := fmt.Sprintf("\nData: %s. %s. Mean ± sample std over seeds %v.\n", data.Source, cfg.Protocol(), seedValues)
		if err := os.WriteFile(filepath.Join(*out, "seeds.md"), []byte(table+note), 0o644); err != nil {
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
	bar := newProgress(stderr, cfg)
	run, trainErr := train.Fit(ctx, cfg, data, train.FitOptions{Progress: bar.update, CheckpointDir: dir, CheckpointEvery: every})
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

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "--model-dir DIR [--data DIR] [--split test|train]", stdout, stderr)
	modelDir := fs.String("model-dir", "", "directory written by eegkit train (required)")
	dataDir := newDataFlags(fs)
	split := fs.String("split", "test", "which set to evaluate: test or train")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *modelDir == "" {
		return usageError{errors.New("--model-dir is required")}
	}
	if *split != "test" && *split != "train" {
		return usageError{fmt.Errorf("--split must be test or train, got %q", *split)}
	}
	run, err := train.LoadRun(*modelDir)
	if err != nil {
		return err
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	ds := data.Test
	if *split == "train" {
		ds = data.Train
	}
	m, err := run.Net.Evaluate(ds)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model: %s (%s)\ndata: %s (%s), %s set\n", run.Config, *modelDir, data.Source, dataDir, *split)
	if !run.Complete {
		fmt.Fprintf(stdout, "note: this run is incomplete: its training was interrupted after %d of %d epochs, and this is the model of epoch %d\n",
			len(run.History), run.Config.Epochs, len(run.History))
	}
	if run.DataID != "" && run.DataID != data.ID() {
		fmt.Fprintf(stdout, "note: the model was trained on other data (%s)\n", run.Data)
	}
	fmt.Fprint(stdout, m.String())
	return nil
}

func cmdPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", "(--model-dir DIR | --model M --act A --weights W.npz) --input X.npz --out Y.npz", stdout, stderr)
	modelDir := fs.String("model-dir", "", "directory written by eegkit train")
	model := fs.String("model", "", "model for --weights: "+modelNames)
	actName := fs.String("act", "", actHelp)
	weights := fs.String("weights", "", "state_dict .npz (PyTorch names), instead of --model-dir")
	input := fs.String("input", "", "input .npz with key signal: [N,750,2] as in the lab files or [N,1,2,750] (required)")
	out := fs.String("out", "", "output .npz with logits [N,2] and pred [N] (required; an existing file is replaced only if it holds predictions)")
	force := fs.Bool("force", false, "replace an existing --out file even if it does not hold predictions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *input == "" || *out == "" {
		return usageError{errors.New("--input and --out are required")}
	}
	if err := checkPredictOut(*out, *input, *weights, *modelDir, *force); err != nil {
		return err
	}
	var net *train.Net
	switch {
	case *modelDir != "" && *weights != "":
		return usageError{errors.New("give either --model-dir or --weights, not both")}
	case *modelDir != "":
		run, err := train.LoadRun(*modelDir)
		if err != nil {
			return err
		}
		net = run.Net
	case *weights != "":
		if *model == "" {
			return usageError{errors.New("--weights needs --model (and --act where the model takes one)")}
		}
		m, err := modelFlags(*model, *actName)
		if err != nil {
			return err
		}
		sd, err := nn.LoadWeights(*weights, m)
		if err != nil {
			return err
		}
		if net, err = train.NewNet(m, sd, 1); err != nil {
			return err
		}
	default:
		return usageError{errors.New("give --model-dir, or --weights with --model and --act")}
	}
	trials, nans, err := eeg.ReadTrials(*input, net.Model.Input[1], net.Model.Input[2])
	if err != nil {
		return err
	}
	if nans > 0 {
		fmt.Fprintf(stderr, "eegkit predict: %d NaN values in %s replaced by the array's nanmean\n", nans, *input)
	}
	logits, pred, err := net.Predict(trials)
	if err != nil {
		return err
	}
	if err := eeg.WritePredictions(*out, logits, pred); err != nil {
		return err
	}
	names := trials.ClassNames()
	counts := make([]int, max(len(names), net.Model.Classes()))
	for _, p := range pred {
		counts[p]++
	}
	var parts []string
	for c, n := range counts {
		name := fmt.Sprintf("class %d", c)
		if c < len(names) && len(counts) == len(names) {
			name = names[c]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	fmt.Fprintf(stdout, "%d trials: %s; wrote %s\n", len(pred), strings.Join(parts, ", "), *out)
	return nil
}

func cmdSummary(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("summary", "--model eegnet|deepconvnet|eegnetv4|shallowfbcspnet [--act relu|leakyrelu|elu]", stdout, stderr)
	model := fs.String("model", "eegnet", modelHelp)
	actName := fs.String("act", "", actHelp)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := modelFlags(*model, *actName)
	if err != nil {
		return err
	}
	table, err := m.SummaryTable()
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, table)
	return nil
}

func cmdGenData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen-data", "--out DIR [--seed N]", stdout, stderr)
	out := fs.String("out", "", "directory to write S4b/X11b × train/test .npz into (required)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives identical files")
	force := fs.Bool("force", false, "overwrite lab files already in --out")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	for _, split := range []string{"train", "test"} {
		for _, f := range datasets.LabFiles(split) {
			p := filepath.Join(*out, f)
			if datasets.IsGenuine(p) { // --force or not
				return fmt.Errorf("%s is the genuine course file; refusing to overwrite it (generate into another directory)", p)
			}
			if _, err := os.Stat(p); err == nil && !*force {
				return fmt.Errorf("%s exists; use --force to overwrite it", p)
			}
		}
	}
	if err := datasets.GenerateLab(*out, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote synthetic BCI-IIIb-like data (seed %d) to %s: %s\n", *seed, *out,
		strings.Join(append(datasets.LabFiles("train"), datasets.LabFiles("test")...), ", "))
	return nil
}

func cmdLab(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lab", "[--epochs N] [--data DIR] --out DIR", stdout, stderr)
	epochs := fs.Int("epochs", train.LabEpochs, "epochs of every run")
	dataDir := fs.String("data", defaultData, dataHelp)
	out := fs.String("out", "", "output directory for the six runs, table1.md and the figures (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if *epochs < 1 {
		return usageError{fmt.Errorf("--epochs must be at least 1, got %d", *epochs)}
	}
	var bar *progress
	res, err := lab.Run(ctx, lab.Options{
		DataDir: *dataDir, OutDir: *out, Epochs: *epochs,
		Progress: func(cfg train.TrainConfig, k, n int) func(train.EpochStats) {
			bar.done()
			fmt.Fprintf(stderr, "run %d of %d: training %s\n", k, n, cfg) // the bar does not repeat the model
			bar = newProgress(stderr, cfg)
			return bar.update
		},
		Log: func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) },
	})
	bar.done()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; finished runs are saved in %s and reused, and the interrupted run resumes from its last checkpoint, when the lab is run again", *out)
		}
		return err
	}
	fmt.Fprintf(stdout, "\nTable 1 (%s):\n\n%s\nbest: %s\n", res.Data, res.Table, res.Best)
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	return nil
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", "--model eegnet|deepconvnet|eegnetv4|shallowfbcspnet [--act elu] [--batch 64] [--epochs 3]", stdout, stderr)
	model := fs.String("model", "eegnet", modelHelp)
	actName := fs.String("act", "", actHelp)
	batch := fs.Int("batch", 64, "training batch size")
	epochs := fs.Int("epochs", 3, "timed training epochs and evaluations (after one warm-up)")
	latency := fs.Int("latency-runs", 200, "single-trial inferences; the median is reported")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) of the whole benchmark to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	m, err := modelFlags(*model, *actName)
	if err != nil {
		return err
	}
	if *batch < 2 || *epochs < 1 || *latency < 1 {
		return usageError{fmt.Errorf("--batch must be at least 2, --epochs and --latency-runs at least 1")}
	}
	res, err := train.Benchmark(m.Key(), m.Act, *batch, *epochs, *latency)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(raw))
	return nil
}

// checkPredictOut refuses an --out that would destroy data: the input, the
// weights, a file of the model directory or a genuine course file, and
// (unless force) any existing file that does not hold predictions.
func checkPredictOut(out, input, weights, modelDir string, force bool) error {
	st, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return checkInsideDir(out, modelDir)
	}
	if err != nil {
		return fmt.Errorf("--out %s: %v", out, err)
	}
	if st.IsDir() {
		return fmt.Errorf("--out %s is a directory; name the .npz file to write", out)
	}
	for _, other := range []struct{ flag, path string }{{"--input", input}, {"--weights", weights}} {
		if o, err := os.Stat(other.path); other.path != "" && err == nil && os.SameFile(st, o) {
			return fmt.Errorf("--out %s is the %s file; write the predictions to another file", out, other.flag)
		}
	}
	if err := checkInsideDir(out, modelDir); err != nil {
		return err
	}
	if datasets.IsGenuine(out) {
		return fmt.Errorf("--out %s is a genuine course data file; refusing to overwrite it", out)
	}
	if !force && !eeg.IsPredictionsFile(out) {
		return fmt.Errorf("--out %s exists and does not hold predictions (logits, pred); refusing to overwrite it: choose another file, or add --force", out)
	}
	return nil
}

// checkInsideDir refuses an output file inside the model directory dir.
func checkInsideDir(out, dir string) error {
	if dir == "" {
		return nil
	}
	a, err1 := filepath.Abs(filepath.Dir(out))
	b, err2 := filepath.Abs(dir)
	if ra, err := filepath.EvalSymlinks(a); err == nil {
		a = ra
	}
	if rb, err := filepath.EvalSymlinks(b); err == nil {
		b = rb
	}
	if err1 == nil && err2 == nil && a == b {
		return fmt.Errorf("--out %s is inside the model directory %s; write the predictions elsewhere", out, dir)
	}
	return nil
}
