package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/preprocess"
	"github.com/eegkit/eegkit/eegkit/recording"
)

// cmdEpochs is `eegkit epochs`: trials cut from recordings, in a trials
// file the other commands read.
func cmdEpochs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("epochs", "FILE|DIR… --events 769=left,770=right --tmin S --tmax S --out trials.npz", stdout, stderr)
	events := fs.String("events", "", "event=class pairs: the events that start trials (a GDF code or BDF trigger \"769\", an annotation \"T1\", a name \"left hand\") and their classes (required)")
	tmin := fs.Float64("tmin", 0, "window start relative to each event, s")
	tmax := fs.Float64("tmax", 0, "window end relative to each event, s (its sample included, as MNE's Epochs; see --drop-last)")
	dropLast := fs.Bool("drop-last", false, "leave out the window's last sample: (tmax−tmin)·rate samples, as braindecode's windows")
	channels := fs.String("channels", "", "channels to keep, comma-separated, in this order; default every channel in a voltage unit at the highest rate")
	subject := fs.String("subject", "", "subject of the trials; default the --out file's name without _train/_test (A01 for A01_train.npz)")
	session := fs.String("session", "", "session of the trials, recorded per trial")
	out := fs.String("out", "", "trials file to write, .npz (required); NAME_train.npz and NAME_test.npz pairs in one folder make a --data folder")
	force := fs.Bool("force", false, "overwrite --out if it exists")
	pre := fs.String("preprocess", "", "preprocessing of each recording before cutting, steps separated by commas: "+preprocess.Usage())
	ops, err := parseOperands(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(ops) == 0:
		return usageError{errors.New("give the recordings to cut: files (EDF, BDF, GDF, BrainVision .vhdr) or folders of them")}
	case *out == "" || !strings.EqualFold(filepath.Ext(*out), ".npz"):
		return usageError{fmt.Errorf("--out %q: give the .npz trials file to write", *out)}
	case *events == "":
		return usageError{errors.New("--events is required: event=class pairs, e.g. 769=left,770=right")}
	}
	opt := datasets.EpochOptions{TMin: *tmin, TMax: *tmax, DropLast: *dropLast}
	if opt.Preprocess, err = preprocess.ParsePipeline(*pre); err != nil {
		return usageError{fmt.Errorf("--preprocess: %w", err)}
	}
	if opt.Events, err = datasets.ParseEventClasses(*events); err != nil {
		return usageError{fmt.Errorf("--events: %w", err)}
	}
	if *channels != "" {
		for _, c := range strings.Split(*channels, ",") {
			if c = strings.TrimSpace(c); c == "" {
				return usageError{fmt.Errorf("--channels %q has an empty name", *channels)}
			}
			opt.Channels = append(opt.Channels, c)
		}
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return fmt.Errorf("%s exists; use --force to overwrite it, or write another file", *out)
	}
	paths, err := recordingPaths(ops)
	if err != nil {
		return err
	}
	if *subject == "" {
		*subject = strings.TrimSuffix(filepath.Base(*out), filepath.Ext(*out))
		for _, split := range []string{"_train", "_test"} {
			*subject = strings.TrimSuffix(*subject, split)
		}
	}
	var sources []datasets.Source
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := recording.Read(p)
		if err != nil {
			return err
		}
		sources = append(sources, datasets.Source{Rec: rec, Subject: *subject, Session: *session,
			Run: strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))})
	}
	ep, err := datasets.Epochs(sources, opt)
	if err != nil {
		return err
	}
	spec := ""
	if opt.Preprocess != nil {
		spec = opt.Preprocess.Spec
	}
	if err := datasets.WriteTrials(*out, ep, datasets.TrialsInfo{Preprocess: spec}); err != nil {
		return err
	}
	counts := ep.Counts()
	var per []string
	for k, name := range ep.ClassNames {
		n := 0
		for _, c := range counts {
			n += c[k]
		}
		per = append(per, fmt.Sprintf("%d %s", n, name))
	}
	fmt.Fprintf(stdout, "cut %d trials (%s) of %s from %d recording(s); dropped %d marked rejected and %d outside the recording; wrote %s\n",
		ep.Len(), strings.Join(per, ", "), ep.Shape, len(sources), ep.Rejected, ep.Outside, *out)
	return nil
}

// recordingPaths are the recordings the operands name: files as given,
// folders' recordings by name.
func recordingPaths(ops []string) ([]string, error) {
	var paths []string
	for _, op := range ops {
		st, err := os.Stat(op)
		if err != nil {
			return nil, fmt.Errorf("%s: no such file or folder", op)
		}
		if !st.IsDir() {
			paths = append(paths, op)
			continue
		}
		entries, err := os.ReadDir(op)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, e := range entries {
			if !e.IsDir() && recording.IsRecording(e.Name()) {
				found = append(found, filepath.Join(op, e.Name()))
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s holds no recording (%s)", op, strings.Join(recording.Extensions(), ", "))
		}
		sort.Strings(found)
		paths = append(paths, found...)
	}
	return paths, nil
}
