package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Options configure Run.
type Options struct {
	DataDir string // the lab's four files (Run)
	OutDir  string // the run store: where runs, Table 1 and the figures go
	Epochs  int    // 0: the lab's 300
	// Progress, if not nil, makes the epoch callback of each run that trains.
	Progress ProgressFunc
	// Log, if not nil, receives one line per event (run started, reused, saved).
	Log func(format string, args ...any)
	// Device is where the runs train (the zero Device: the pure-Go backend).
	Device train.Device
}

// logf is opt.Log, or a function that drops its lines.
func (opt Options) logf() func(string, ...any) {
	if opt.Log == nil {
		return func(string, ...any) {}
	}
	return opt.Log
}

// Result is the outcome of the six runs.
type Result struct {
	Data string                        `json:"data"`
	Runs map[string]map[string]float64 `json:"test_accuracy"` // model -> activation -> final test accuracy
	Best string                        `json:"best"`          // "EEGNet/ELU"
	// Verdict says whether Best is significantly better than the runner-up
	// (McNemar's exact test on their predictions of the test set).
	Verdict string   `json:"best_vs_runner_up"`
	Table   string   `json:"-"`     // Table 1 as Markdown
	Files   []string `json:"files"` // figures and table written
	RunDirs []string `json:"-"`     // the six runs' directories, EEGNet's first
}

// Run reproduces the lab: the six preset runs (EEGNet and DeepConvNet ×
// ReLU, LeakyReLU, ELU), each kept in the run store OutDir (see Store), then Table 1
// (table1.md) and Figures 9 and 10 (figure9_eegnet.{png,svg},
// figure10_deepconvnet.{png,svg}). A run already saved in OutDir with the same
// configuration and data is reused, so an interrupted lab resumes where it stopped.
func Run(ctx context.Context, opt Options) (*Result, error) {
	logf := opt.logf()
	data, err := datasets.LoadData(opt.DataDir)
	if err != nil {
		return nil, err
	}
	logf("data: %s (%s): %d train, %d test trials", data.Source, opt.DataDir, data.Train.Len(), data.Test.Len())
	lock, err := train.LockDir(opt.OutDir) // one lab at a time writes the table and figures
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if err := safefile.RemoveOrphanTemps(opt.OutDir); err != nil {
		return nil, err
	}
	runs, err := ensure(ctx, data, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{Data: data.Source, Runs: runs.Accuracies()}
	store := experiments.OpenStore(opt.OutDir)
	for _, model := range Models() {
		for _, act := range nn.Activations() {
			if r := runs[model][act]; r != nil {
				res.RunDirs = append(res.RunDirs, store.RunDir(r.Config, data))
			}
		}
	}
	res.Table, res.Best = runs.Table1()
	c, err := runs.BestVsRunnerUp(data.Test)
	if err != nil {
		return nil, err
	}
	res.Verdict = c.Verdict()
	tablePath := filepath.Join(opt.OutDir, "table1.md")
	note := fmt.Sprintf("\nData: %s. Test accuracy after the last epoch (the lab's protocol).\n\n%s\n", data.Source, res.Verdict)
	if err := safefile.WriteFile(tablePath, []byte(res.Table+note)); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, tablePath)
	for i, model := range Models() {
		p, err := runs.AccuracyFigure(model)
		if err != nil {
			return nil, err
		}
		paths, err := plot.SavePlot(p, filepath.Join(opt.OutDir, fmt.Sprintf("figure%d_%s", 9+i, model)))
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, paths...)
	}
	raw, _ := json.MarshalIndent(res, "", "  ")
	if err := safefile.WriteFile(filepath.Join(opt.OutDir, "lab.json"), append(raw, '\n')); err != nil {
		return nil, err
	}
	return res, nil
}

// Models lists the lab's two models, in the order of its tables.
func Models() []string { return []string{"eegnet", "deepconvnet"} }

// Epochs is the lab's number of epochs for every run: its models' presets'.
func Epochs() int {
	p, err := models.PresetOf(Models()[0], nn.ELU)
	if err != nil {
		panic(err) // the lab's models are registered
	}
	return p.Epochs
}

// Table1 renders the lab's Table 1 from the runs themselves: each cell the
// final test accuracy with its 95 % Wilson interval on the run's test
// trials, the best in bold.
func (lr Runs) Table1() (table, best string) {
	_, best = Table1(lr.Accuracies())
	var rows []table1Row
	for _, model := range Models() {
		if runs := lr[model]; runs != nil {
			rows = append(rows, table1Row{lr.ModelName(model), func(act nn.Activation) (string, bool) {
				r := runs[act]
				if r == nil {
					return "", false
				}
				return experiments.AccuracyCell(r.Final().TestAcc, r.Test.Trials), true
			}})
		}
	}
	return renderTable1(rows, best), best
}

// table1Row is a model's row of Table 1: its name and its cell for an
// activation (false where it has no run).
type table1Row struct {
	name string
	cell func(nn.Activation) (string, bool)
}

// renderTable1 is Table 1 as Markdown, the cell of best in bold.
func renderTable1(rows []table1Row, best string) string {
	var sb strings.Builder
	sb.WriteString("| | ReLU | Leaky ReLU | ELU |\n|---|---|---|---|\n")
	for _, row := range rows {
		sb.WriteString("| " + row.name + " |")
		for _, act := range nn.Activations() {
			cell, ok := row.cell(act)
			switch {
			case !ok:
				cell = "–"
			case row.name+"/"+act.Label() == best:
				cell = "**" + cell + "**"
			}
			sb.WriteString(" " + cell + " |")
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// Table1 renders the lab's Table 1 (test accuracy per model and activation)
// as Markdown with the best run in bold, and names the best run.
func Table1(acc map[string]map[string]float64) (table, best string) {
	bestAcc := -1.0
	for _, model := range []string{"EEGNet", "DeepConvNet"} {
		for _, act := range nn.Activations() {
			if v, ok := acc[model][act.Label()]; ok && v > bestAcc {
				bestAcc, best = v, model+"/"+act.Label()
			}
		}
	}
	var rows []table1Row
	for _, model := range []string{"EEGNet", "DeepConvNet"} {
		if accs := acc[model]; accs != nil {
			rows = append(rows, table1Row{model, func(act nn.Activation) (string, bool) {
				v, ok := accs[act.Label()]
				return fmt.Sprintf("%.2f%%", 100*v), ok
			}})
		}
	}
	return renderTable1(rows, best), best
}
