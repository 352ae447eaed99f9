package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/eegkit/eegkit/eegkit/train"
)

// cmdEval is `eegkit eval`: a saved model's metrics on the test or training set.
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
	dev, err := device()
	if err != nil {
		return err
	}
	run, err := train.LoadRunOn(*modelDir, dev)
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
