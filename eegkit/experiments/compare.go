package experiments

import (
	"fmt"
	"math"
	"strings"

	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/stats"
	"github.com/eegkit/eegkit/eegkit/train"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RunLabel names a run in a table or legend: its model key, its activation
// where the model has one, and "(tweaked)" for a named model built with
// another architecture, and its augmentation ("eegnet/elu", "eegnet/elu
// (tweaked)", "shallowfbcspnet + mirror:0.5").
func RunLabel(r *train.Run) string {
	label := r.Config.Model
	if r.Config.Activation != "" {
		label += "/" + r.Config.Activation
	}
	if _, err := models.New(r.Config.Model, nn.NoActivation); err == nil && r.Config.Arch != nil {
		label += " (tweaked)" // the named model with another architecture
	}
	if r.Config.Augment != "" {
		label += " + " + r.Config.Augment
	}
	return label
}

// CompareRuns is a Markdown table of runs side by side: model, trainable
// parameters, batch, learning rate, epochs, the last epoch's train and test
// accuracy, the reported metrics of the kept model (metrics.Reported: test
// accuracy, Cohen's kappa and ROC-AUC unless more are registered), and the
// run id.
func CompareRuns(runs []*train.Run) string {
	var sb strings.Builder
	reported := metrics.Reported()
	sb.WriteString("| model | parameters | batch | lr | epochs | train acc |")
	for _, m := range reported {
		sb.WriteString(" " + m.Title + " |")
	}
	sb.WriteString(" run id |\n|---|" + strings.Repeat("---:|", 5+len(reported)) + "---|\n")
	for _, r := range runs {
		params := "?"
		if r.Net != nil {
			params = fmt.Sprint(r.Net.Model.NumParams())
		}
		f := r.Final()
		fmt.Fprintf(&sb, "| %s | %s | %d | %g | %d | %s |", RunLabel(r), params, r.Config.Batch, r.Config.LR, len(r.History), metrics.Percent(f.TrainAcc))
		for _, m := range reported {
			if m.Name == metrics.Accuracy {
				sb.WriteString(" " + AccuracyCell(r.Test.Accuracy, r.Test.Trials) + " |")
				continue
			}
			sb.WriteString(" " + m.Format(r.Test.Value(m.Name)) + " |")
		}
		fmt.Fprintf(&sb, " `%s` |\n", RunID(r.Config, r.DataID))
	}
	return sb.String()
}

// compareColors are the colours of up to ten runs in a comparison figure
// (matplotlib's tab10, as the lab's figures).
var compareColors = plot.Tab10()

// compareDashes are the runs' line styles, cycled: solid, dashed, dotted, dash-dot.
var compareDashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}, {vg.Points(7), vg.Points(2), vg.Points(1.5), vg.Points(2)}}

// CompareFigure draws the test accuracy per epoch of each run, one colour
// each, with a caption naming the data and the runs' ids.
func CompareFigure(title string, runs []*train.Run) (*plot.Figure, error) {
	if len(runs) == 0 || len(runs) > len(compareColors) {
		return nil, fmt.Errorf("a comparison figure shows 1 to %d runs, got %d", len(compareColors), len(runs))
	}
	p := plot.NewFigure(title, "Epoch", "Test accuracy (%)")
	p.Add(plotter.NewGrid())
	lowest := 100.0
	var sources, ids []string
	for i, r := range runs {
		if len(r.History) == 0 {
			return nil, fmt.Errorf("run %s has no finished epoch to draw", RunLabel(r))
		}
		xy := make(plotter.XYs, len(r.History))
		for j, e := range r.History {
			xy[j] = plotter.XY{X: float64(e.Epoch), Y: 100 * e.TestAcc}
			lowest = math.Min(lowest, 100*e.TestAcc)
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = compareColors[i], vg.Points(1.2)
		l.Dashes = compareDashes[i%len(compareDashes)] // runs with equal curves stay visible
		p.Add(l)
		p.Legend.Add(RunLabel(r), l)
		sources = append(sources, r.Data)
		ids = append(ids, RunID(r.Config, r.DataID))
	}
	p.X.Min = 0
	p.Y.Min, p.Y.Max = math.Max(0, 5*math.Floor(lowest/5)), 100
	p.Caption = plot.DataCaption(sources) + " · runs: " + strings.Join(ids, ", ")
	return p, nil
}

// IntervalFigure draws each run's test accuracy (its kept model's) with its
// 95 % Wilson interval over the test trials, one column per run, with a
// caption naming the data and the runs' ids: how far apart the runs are
// next to how sure each number is.
func IntervalFigure(title string, runs []*train.Run) (*plot.Figure, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("an interval figure needs at least one run")
	}
	p := plot.NewFigure(title, "", "Test accuracy (%)")
	p.Add(plotter.NewGrid())
	var labels, sources, ids []string
	lowest := 100.0
	for i, r := range runs {
		n := r.Test.Trials
		if n <= 0 {
			return nil, fmt.Errorf("run %s has no test evaluation to draw", RunLabel(r))
		}
		acc := r.Test.Accuracy
		iv := stats.Wilson(int(math.Round(acc*float64(n))), n, stats.Z95)
		lowest = math.Min(lowest, 100*iv.Lo)
		bar, err := plotter.NewLine(plotter.XYs{{X: float64(i), Y: 100 * iv.Lo}, {X: float64(i), Y: 100 * iv.Hi}})
		if err != nil {
			return nil, err
		}
		bar.Color, bar.Width = compareColors[i%len(compareColors)], vg.Points(2.2)
		dot, err := plotter.NewScatter(plotter.XYs{{X: float64(i), Y: 100 * acc}})
		if err != nil {
			return nil, err
		}
		dot.GlyphStyle.Color, dot.GlyphStyle.Radius, dot.GlyphStyle.Shape = compareColors[i%len(compareColors)], vg.Points(4), draw.CircleGlyph{}
		p.Add(bar, dot)
		labels = append(labels, RunLabel(r))
		sources = append(sources, r.Data)
		ids = append(ids, RunID(r.Config, r.DataID))
	}
	p.Categories(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(runs))-0.5
	p.Y.Min, p.Y.Max = math.Max(0, 5*math.Floor(lowest/5)), 100
	caption := plot.DataCaption(sources) + " · 95 % Wilson intervals"
	if len(ids) <= 4 {
		caption += " · runs: " + strings.Join(ids, ", ")
	}
	p.Caption = caption
	return p, nil
}
