package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/train"
)

// defaultStore is where the lab and the notebooks keep their runs.
const defaultStore = "runs/lab"

// cmdRuns lists, shows and removes the runs of a run store.
func cmdRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show" && args[0] != "rm" && args[0] != "-h" && args[0] != "--help") {
		return usageError{errors.New("want a subcommand: list, show RUN or rm RUN")}
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" {
		sub, rest = "list", args
	}
	fs := newFlags("runs "+sub, "[--dir DIR] "+map[string]string{"list": "", "show": "RUN", "rm": "RUN"}[sub], stdout, stderr)
	dir := fs.String("dir", defaultStore, "the run store (a directory of runs, as lab and the notebooks keep them)")
	// RUN (an id prefix or a name) may stand before or after the flags.
	ops, err := parseOperands(fs, rest)
	if err != nil {
		return err
	}
	ref := ""
	switch {
	case sub != "list" && len(ops) == 1:
		ref = ops[0]
	case sub == "list" && len(ops) > 0, len(ops) > 1:
		return usageError{fmt.Errorf("unexpected argument %q", ops[len(ops)-1])}
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory, so it holds no run store: give the --dir that eegkit lab, train or a notebook trained into", *dir)
	}
	store := experiments.OpenStore(*dir)
	switch sub {
	case "list":
		runs, err := store.List()
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			fmt.Fprintf(stdout, "%s holds no runs\n", *dir)
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tEPOCHS\tTEST ACC\tSAVED\tDATA")
		for _, r := range runs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%.2f%%\t%s\t%s\n", r.ID, r.Name, r.Status, r.Epochs, r.Config.Epochs,
				100*r.TestAcc, r.Saved.Local().Format("2006-01-02 15:04"), shortData(r))
		}
		return tw.Flush()
	case "show":
		if ref == "" {
			return usageError{errors.New("runs show needs a RUN (an id or a name from eegkit runs list)")}
		}
		r, err := store.Find(ref)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "id: %s\nname: %s\ndirectory: %s\nstatus: %s\nconfiguration: %s\nprotocol: %s\ndata: %s (%s)\nepochs: %d of %d\n",
			r.ID, r.Name, r.Dir, r.Status, r.Config, r.Config.Protocol(), r.Data, r.DataID, r.Epochs, r.Config.Epochs)
		if r.Problem != "" {
			fmt.Fprintf(stdout, "problem: %s\n", r.Problem)
		}
		if r.Status == experiments.StatusFinished {
			run, err := train.LoadRun(r.Dir)
			if err != nil {
				return err
			}
			fmt.Fprint(stdout, run.Test.String())
		}
		return nil
	default: // rm
		if ref == "" {
			return usageError{errors.New("runs rm needs a RUN (an id or a name from eegkit runs list)")}
		}
		r, err := store.Remove(ref)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %s (%s, %s)\n", r.Dir, r.Config, r.Status)
		return nil
	}
}

// shortData names a run's data in a few words.
func shortData(r experiments.StoredRun) string {
	if len(r.Data) > 40 {
		return r.Data[:37] + "…"
	}
	return r.Data
}
