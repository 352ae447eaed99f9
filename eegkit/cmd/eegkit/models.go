package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// cmdModels is `eegkit models`: the model registry, one line per model.
func cmdModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("models", "", stdout, stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tALSO\tPARAMETERS (LAB INPUT)\tPRESET\tWHAT")
	for _, e := range models.Entries() {
		m, err := models.New(e.Name, nn.NoActivation)
		if err != nil {
			return err
		}
		p, err := models.PresetOf(e.Name, nn.NoActivation)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\tbatch %d, lr %g, %d epochs (%s)\t%s\n", e.Name, strings.Join(e.Aliases, ", "), m.NumParams(),
			p.Batch, p.LR, p.Epochs, p.Source, e.Doc)
	}
	return tw.Flush()
}
