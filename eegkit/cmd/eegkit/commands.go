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

	"github.com/eegkit/eegkit/eegkit"
)

const defaultData = "data"

// modelFlags builds the model named by --model and --act; unknown names are usage errors.
func modelFlags(model, act string) (*eegkit.Model, error) {
	a, err := eegkit.ParseActivation(act)
	if err != nil {
		return nil, usageError{err}
	}
	m, err := eegkit.NewModel(model, a)
	if err != nil {
		return nil, usageError{err}
	}
	return m, nil
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", "--model eegnet|deepconvnet --act relu|leakyrelu|elu [flags]", stderr)
	model := fs.String("model", "eegnet", "model: eegnet or deepconvnet")
	actName := fs.String("act", "elu", "activation: relu, leakyrelu or elu")
	epochs := fs.Int("epochs", 0, "epochs (0: the lab preset, 300)")
	batch := fs.Int("batch", 0, "batch size (0: the lab preset for the model and activation)")
	lr := fs.Float64("lr", 0, "Adam learning rate (0: the lab preset)")
	wd := fs.Float64("weight-decay", 0, "Adam weight decay (L2)")
	dropout := fs.Float64("dropout", -1, "dropout probability for every dropout layer (-1: the lab's)")
	seed := fs.Uint64("seed", 1, "random seed (weights, shuffling, dropout)")
	dataDir := fs.String("data", defaultData, "directory with the lab's four .npz files")
	out := fs.String("out", "", "output directory for the model, history.csv and history.json (required)")
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
	cfg, err := eegkit.Preset(m.Key(), m.Act)
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
	cfg.WeightDecay, cfg.Seed = *wd, *seed
	if set["dropout"] {
		cfg.Dropout = dropout
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	data, err := eegkit.LoadLab(*dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data: %s (%s)\ntraining %s\n", data.Source, *dataDir, cfg)
	bar := newProgress(stderr, cfg)
	run, trainErr := eegkit.Train(ctx, cfg, data, bar.update)
	bar.done()
	if run == nil {
		return trainErr
	}
	if len(run.History) > 0 || trainErr == nil {
		if err := run.Save(*out); err != nil {
			return err
		}
	}
	if trainErr != nil {
		if errors.Is(trainErr, context.Canceled) {
			return fmt.Errorf("interrupted after %d of %d epochs; what finished is saved in %s", len(run.History), cfg.Epochs, *out)
		}
		return trainErr
	}
	f := run.Final()
	fmt.Fprintf(stdout, "final: train accuracy %.2f%%, test accuracy %.2f%%\n", 100*f.TrainAcc, 100*f.TestAcc)
	fmt.Fprint(stdout, run.Test.String())
	fmt.Fprintf(stdout, "saved %s, %s, %s, %s in %s\n", eegkit.WeightsFile, eegkit.RunFile, eegkit.HistoryCSVFile, eegkit.HistoryJSONFile, *out)
	return nil
}

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "--model-dir DIR [--data DIR] [--split test|train]", stderr)
	modelDir := fs.String("model-dir", "", "directory written by `eegkit train` (required)")
	dataDir := fs.String("data", defaultData, "directory with the lab's four .npz files")
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
	run, err := eegkit.LoadRun(*modelDir)
	if err != nil {
		return err
	}
	data, err := eegkit.LoadLab(*dataDir)
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
	fmt.Fprintf(stdout, "model: %s (%s)\ndata: %s (%s), %s set\n", run.Config, *modelDir, data.Source, *dataDir, *split)
	fmt.Fprint(stdout, m.String())
	return nil
}

func cmdPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", "(--model-dir DIR | --model M --act A --weights W.npz) --input X.npz --out Y.npz", stderr)
	modelDir := fs.String("model-dir", "", "directory written by `eegkit train`")
	model := fs.String("model", "", "model for --weights: eegnet or deepconvnet")
	actName := fs.String("act", "", "activation for --weights: relu, leakyrelu or elu")
	weights := fs.String("weights", "", "state_dict .npz (PyTorch names), instead of --model-dir")
	input := fs.String("input", "", "input .npz with key signal: [N,750,2] as in the lab files or [N,1,2,750] (required)")
	out := fs.String("out", "", "output .npz with logits [N,2] and pred [N] (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *input == "" || *out == "" {
		return usageError{errors.New("--input and --out are required")}
	}
	var net *eegkit.Net
	switch {
	case *modelDir != "" && *weights != "":
		return usageError{errors.New("give either --model-dir or --weights, not both")}
	case *modelDir != "":
		run, err := eegkit.LoadRun(*modelDir)
		if err != nil {
			return err
		}
		net = run.Net
	case *weights != "":
		if *model == "" || *actName == "" {
			return usageError{errors.New("--weights needs --model and --act")}
		}
		m, err := modelFlags(*model, *actName)
		if err != nil {
			return err
		}
		sd, err := eegkit.LoadWeights(*weights, m)
		if err != nil {
			return err
		}
		if net, err = eegkit.NewNet(m, sd, 1); err != nil {
			return err
		}
	default:
		return usageError{errors.New("give --model-dir, or --weights with --model and --act")}
	}
	trials, nans, err := eegkit.ReadTrials(*input)
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
	if err := eegkit.WritePredictions(*out, logits, pred); err != nil {
		return err
	}
	counts := [2]int{}
	for _, p := range pred {
		counts[p]++
	}
	fmt.Fprintf(stdout, "%d trials: %d %s, %d %s; wrote %s\n", len(pred), counts[0], eegkit.ClassNames[0], counts[1], eegkit.ClassNames[1], *out)
	return nil
}

func cmdSummary(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("summary", "--model eegnet|deepconvnet [--act relu|leakyrelu|elu]", stderr)
	model := fs.String("model", "eegnet", "model: eegnet or deepconvnet")
	actName := fs.String("act", "elu", "activation: relu, leakyrelu or elu")
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
	fs := newFlags("gen-data", "--out DIR [--seed N]", stderr)
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
		for _, f := range eegkit.LabFiles(split) {
			p := filepath.Join(*out, f)
			if _, err := os.Stat(p); err == nil && !*force {
				if eegkit.IsGenuine(p) {
					return fmt.Errorf("%s is the genuine course file; refusing to overwrite it", p)
				}
				return fmt.Errorf("%s exists; use --force to overwrite it", p)
			}
		}
	}
	if err := eegkit.GenerateLab(*out, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote synthetic BCI-IIIb-like data (seed %d) to %s: %s\n", *seed, *out,
		strings.Join(append(eegkit.LabFiles("train"), eegkit.LabFiles("test")...), ", "))
	return nil
}

func cmdLab(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lab", "[--epochs N] [--data DIR] --out DIR", stderr)
	epochs := fs.Int("epochs", eegkit.LabEpochs, "epochs of every run")
	dataDir := fs.String("data", defaultData, "directory with the lab's four .npz files")
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
	res, err := eegkit.RunLab(ctx, eegkit.LabOptions{
		DataDir: *dataDir, OutDir: *out, Epochs: *epochs,
		Progress: func(cfg eegkit.TrainConfig, e eegkit.EpochStats) {
			if bar == nil || bar.cfg != cfg {
				bar.done()
				bar = newProgress(stderr, cfg)
			}
			bar.update(e)
			if e.Epoch == cfg.Epochs {
				bar.done()
				bar = nil
			}
		},
		Log: func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) },
	})
	bar.done()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; finished runs are saved in %s and are reused when the lab is run again", *out)
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
	fs := newFlags("bench", "--model eegnet|deepconvnet [--act elu] [--batch 64] [--epochs 3]", stderr)
	model := fs.String("model", "eegnet", "model: eegnet or deepconvnet")
	actName := fs.String("act", "elu", "activation: relu, leakyrelu or elu")
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
	res, err := eegkit.Benchmark(m.Key(), m.Act, *batch, *epochs, *latency)
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
