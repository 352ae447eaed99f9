package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eegkit/eegkit/eegkit/datasets"
)

// cmdGenData is `eegkit gen-data`: the synthetic dataset in the lab's file format.
func cmdGenData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen-data", "--out DIR [--seed N] [--trials N] [--subjects N --sessions N]", stdout, stderr)
	out := fs.String("out", "", "directory to write S4b/X11b × train/test .npz into (required)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives identical files")
	trials := fs.Int("trials", datasets.LabTrialsPerFile, "trials per subject and session (an even number, at least 8; fewer for a quick try); 100 with --subjects")
	force := fs.Bool("force", false, "overwrite lab files already in --out")
	subjects := fs.Int("subjects", 0, "write this many synthetic subjects that differ as real ones do (some near chance), as trials files, instead of the lab's two")
	sessions := fs.Int("sessions", 2, "with --subjects: sessions per subject (its last one is the test file)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if err := datasets.CheckTrialsPerFile(*trials); err != nil {
		return usageError{fmt.Errorf("--trials: %w", err)}
	}
	if *subjects != 0 {
		if *trials == datasets.LabTrialsPerFile {
			*trials = 100
		}
		return genSubjects(*out, *seed, *subjects, *sessions, *trials, *force, stdout)
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
	if err := datasets.GenerateLabTrials(*out, *seed, *trials); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote synthetic BCI-IIIb-like data (seed %d) to %s: %s\n", *seed, *out,
		strings.Join(append(datasets.LabFiles("train"), datasets.LabFiles("test")...), ", "))
	return nil
}

// genSubjects is gen-data --subjects: synthetic subjects as trials files.
func genSubjects(out string, seed uint64, subjects, sessions, trials int, force bool, stdout io.Writer) error {
	for i := range subjects {
		for _, split := range []string{"train", "test"} {
			p := filepath.Join(out, fmt.Sprintf("S%02d_%s.npz", i+1, split))
			if _, err := os.Stat(p); err == nil && !force {
				return fmt.Errorf("%s exists; use --force to overwrite it", p)
			}
		}
	}
	if err := datasets.GenerateSubjects(out, seed, subjects, sessions, trials); err != nil {
		return usageError{err}
	}
	fmt.Fprintf(stdout, "wrote %d synthetic subjects (seed %d) of %d sessions × %d trials to %s: S01_train.npz … S%02d_test.npz\n",
		subjects, seed, sessions, trials, out, subjects)
	return nil
}
