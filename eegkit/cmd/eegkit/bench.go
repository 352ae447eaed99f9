package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/eegkit/eegkit/eegkit/cmd/eegkit/internal/bench"
)

// cmdBench is `eegkit bench`: the training, evaluation and latency benchmark as one JSON line.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", "--model "+modelUsage+" [--act elu] [--batch 64] [--epochs 3] [--trials 1080] [--profile]", stdout, stderr)
	model := fs.String("model", "eegnet", modelHelp)
	actName := fs.String("act", "", actHelp)
	batch := fs.Int("batch", 64, "training batch size")
	epochs := fs.Int("epochs", 3, "timed training epochs and evaluations (after one warm-up)")
	latency := fs.Int("latency-runs", 200, "single-trial inferences; the median is reported")
	trials := fs.Int("trials", bench.BenchTrials, "trials of the training epoch and the evaluation (fewer time a large model sooner)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) of the whole benchmark to this file")
	layers := fs.Bool("profile", false, "instead, time each layer's forward and backward pass in a training step (a Markdown table)")
	reps := fs.Int("reps", 20, "with --profile: timed runs of each measurement (the median is reported)")
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
	if *batch < 2 || *epochs < 1 || *latency < 1 || *trials < 2 {
		return usageError{fmt.Errorf("--batch and --trials must be at least 2, --epochs and --latency-runs at least 1")}
	}
	dev, err := device()
	if err != nil {
		return err
	}
	if *layers {
		p, err := bench.ProfileLayers(dev, m.Key(), m.Act, *batch, *reps)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, p.Table())
		return nil
	}
	res, err := bench.Benchmark(dev, m.Key(), m.Act, *batch, *epochs, *latency, *trials)
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
