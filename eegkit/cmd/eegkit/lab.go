package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/train"
)

// cmdLab is `eegkit lab`: the lab's six runs, Table 1, the figures and the report.
func cmdLab(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lab", "[--epochs N] [--data DIR] --out DIR", stdout, stderr)
	epochs := fs.Int("epochs", lab.Epochs(), "epochs of every run")
	dataDir := fs.String("data", defaultData, dataHelp)
	out := fs.String("out", "", "output directory for the six runs, table1.md and the figures (required)")
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
	if *epochs < 1 {
		return usageError{fmt.Errorf("--epochs must be at least 1, got %d", *epochs)}
	}
	dev, err := device()
	if err != nil {
		return err
	}
	var bar *progress
	res, err := lab.Run(ctx, lab.Options{
		DataDir: *dataDir, OutDir: *out, Epochs: *epochs, Device: dev,
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
	fmt.Fprintf(stdout, "\nTable 1 (%s):\n\n%s\nbest: %s\n%s\n", res.Data, res.Table, res.Best, res.Verdict)
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	for _, dir := range res.RunDirs {
		if err := tracking.log(ctx, dir, stdout); err != nil {
			return err
		}
	}
	return nil
}
