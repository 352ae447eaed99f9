package eegkit

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// accuracyColors gives each activation its colour; train is solid, test dashed.
var accuracyColors = map[Activation]color.RGBA{
	ReLU:      {R: 31, G: 119, B: 180, A: 255},
	LeakyReLU: {R: 255, G: 127, B: 14, A: 255},
	ELU:       {R: 44, G: 160, B: 44, A: 255},
}

// AccuracyFigure draws the lab's accuracy-per-epoch figure for one model:
// train and test accuracy (%) of each activation's run. runs maps activations
// to their histories; missing activations are left out.
func AccuracyFigure(model string, runs map[Activation][]EpochStats) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Activation function comparison (%s)", model)
	p.X.Label.Text = "Epoch"
	p.Y.Label.Text = "Accuracy (%)"
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	n := 0
	for _, act := range Activations {
		h, ok := runs[act]
		if !ok || len(h) == 0 {
			continue
		}
		for _, test := range []bool{false, true} {
			xy := make(plotter.XYs, len(h))
			for i, e := range h {
				acc := e.TrainAcc
				if test {
					acc = e.TestAcc
				}
				xy[i] = plotter.XY{X: float64(e.Epoch), Y: 100 * acc}
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color = accuracyColors[act]
			l.Width = vg.Points(1)
			name := act.Name() + "_train"
			if test {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
				name = act.Name() + "_test"
			}
			p.Add(l)
			p.Legend.Add(name, l)
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no history to plot for %s", model)
	}
	p.Legend.ThumbnailWidth = vg.Points(20)
	p.Y.Max = 100
	return p, nil
}

// SavePlot writes p as both PNG and SVG: base + ".png" and base + ".svg".
// It returns the two paths.
func SavePlot(p *plot.Plot, base string) ([]string, error) {
	var paths []string
	for _, ext := range []string{".png", ".svg"} {
		path := base + ext
		if err := p.Save(8*vg.Inch, 5*vg.Inch, path); err != nil {
			return nil, fmt.Errorf("saving %s: %w", filepath.Base(path), err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
