package main

import (
	"context"
	"fmt"
	"io"

	"github.com/eegkit/eegkit/eegkit/models"
)

// cmdSummary is `eegkit summary`: a model's layers, output shapes, parameters and preset.
func cmdSummary(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("summary", "--model "+modelUsage+" [--act relu|leakyrelu|elu]", stdout, stderr)
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
	p, err := models.PresetOf(*model, m.Act)
	if err != nil {
		return err
	}
	trainer := ""
	if p.Optimizer != "" {
		trainer = ", " + p.Optimizer
		if p.WeightDecay != 0 {
			trainer += fmt.Sprintf(" weight decay %g", p.WeightDecay)
		}
	}
	if p.Schedule != "" {
		trainer += ", " + p.Schedule + " schedule"
	}
	fmt.Fprintf(stdout, "preset: batch %d, lr %g%s, %d epochs (%s)\n", p.Batch, p.LR, trainer, p.Epochs, p.Source)
	return nil
}
