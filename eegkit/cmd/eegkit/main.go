// Command eegkit trains and evaluates the lab's EEGNet and DeepConvNet on
// BCI Competition III dataset IIIb (or eegkit's synthetic stand-in), and the
// other registered models on any data it reads.
//
// Usage:
//
//	eegkit <command> [flags]
//
// Run `eegkit --help` for the commands (the table commands below), and
// `eegkit <command> --help` for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/eegkit/eegkit/eegkit/train"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"train", "train one model (progress bar; saves weights, history CSV/JSON)", cmdTrain},
	{"eval", "evaluate a saved model on a dataset", cmdEval},
	{"predict", "classify trials from an .npz file", cmdPredict},
	{"export", "write a trained model as an ONNX graph (for onnxruntime in C++, C#, Java, JavaScript, Python)", cmdExport},
	{"summary", "print a model's layers, output shapes and parameter counts", cmdSummary},
	{"models", "list the registered models: parameters for the lab's input, preset, what each is", cmdModels},
	{"gen-data", "write the synthetic BCI-IIIb-like dataset", cmdGenData},
	{"info", "say what a recording (EDF, EDF+, BDF, BDF+, GDF, BrainVision) holds: channels, rates, events (--json)", cmdInfo},
	{"epochs", "cut trials from recordings at their events into a trials file (--data reads NAME_train/NAME_test pairs)", cmdEpochs},
	{"lab", "run the lab's six runs, Table 1 and Figures 9 and 10", cmdLab},
	{"baseline", "fit a classical baseline (log-variance or CSP + LDA, Riemannian MDM or tangent space + LR)", cmdBaseline},
	{"sweep", "train a hyperparameter grid (CSV, resumable, parallel), table and heat map", cmdSweep},
	{"bench", "time training, evaluation and single-trial latency (one JSON line)", cmdBench},
	{"benchmark", "score pipelines per subject (within-session, cross-session, cross-subject, competition) and compare them across subjects as MOABB", cmdBenchmark},
	{"compare", "say whether one run is significantly better than another (McNemar's exact test; paired t-test over seeds)", cmdCompare},
	{"runs", "list, show or remove the runs of a run store (runs list|show RUN|rm RUN)", cmdRuns},
}

// usageError marks errors caused by how the command was called (exit code 2).
type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "eegkit: internal error: %v\n", r)
			code = 3
		}
	}()
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		printUsage(stdout)
		return 0
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "eegkit %s (%s, %s/%s)\n", train.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	}
	if _, err := train.PartsFromEnv(); err != nil {
		fmt.Fprintf(stderr, "eegkit: %v\n", err)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			var ue usageError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, &ue):
				fmt.Fprintf(stderr, "eegkit %s: %v (see eegkit %s --help)\n", c.name, ue.error, c.name)
				return 2
			default:
				fmt.Fprintf(stderr, "eegkit %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "eegkit: unknown command %q\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "eegkit: EEG motor-imagery classification (the EEGNet / DeepConvNet lab) in Go")
	fmt.Fprintln(w, "\nUsage: eegkit <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'eegkit <command> --help' for a command's flags, 'eegkit --version' for the version.")
	fmt.Fprintln(w, "Backend: the pure-Go backend by default; set GOMLX_BACKEND to choose another.")
}

// parseError prints the usage for --help (to stdout) and makes a usage
// error of anything else.
func parseError(fs *flagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(fs.stdout, "%s\n\nFlags:\n", fs.usage)
		fs.SetOutput(fs.stdout)
		fs.PrintDefaults()
		return err
	}
	return usageError{err}
}

// flagSet is a command's flags and where its --help goes.
type flagSet struct {
	*flag.FlagSet
	usage  string
	stdout io.Writer
}

// newFlags makes a FlagSet whose errors are returned (as one line, by run),
// not printed and exited on; --help prints the usage to stdout.
func newFlags(name, usage string, stdout, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, usage: fmt.Sprintf("Usage: eegkit %s %s", name, usage), stdout: stdout}
}

// parse parses flags and rejects stray positional arguments.
func parse(fs *flagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return parseError(fs, err)
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// parseOperands parses a command line whose operands (runs, files) may
// stand before or after the flags, and returns the operands.
func parseOperands(fs *flagSet, args []string) ([]string, error) {
	var ops []string
	for len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		ops, args = append(ops, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, parseError(fs, err)
	}
	return append(ops, fs.Args()...), nil
}

// device is where the command's networks compute: the backend of
// $GOMLX_BACKEND and the batch parts of $EEGKIT_PARTS (train.DeviceFromEnv).
// The command line is the one place of the program that reads them.
func device() (train.Device, error) { return train.DeviceFromEnv() }
