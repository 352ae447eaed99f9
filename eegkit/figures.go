package eegkit

import (
	"fmt"
	"image/color"
	"math"
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

// traceColors colour example trials by [class][channel].
var traceColors = [2][2]color.RGBA{
	{{R: 31, G: 119, B: 180, A: 255}, {R: 23, G: 190, B: 207, A: 255}},
	{{R: 214, G: 39, B: 40, A: 255}, {R: 255, G: 127, B: 14, A: 255}},
}

// TrialFigure draws one example trial of each class, both channels, with the
// channels offset so they do not overlap.
func TrialFigure(ds *Dataset, left, right int) (*plot.Plot, error) {
	if left < 0 || right < 0 || left >= ds.Len() || right >= ds.Len() {
		return nil, fmt.Errorf("trial figure: trials %d and %d, have %d", left, right, ds.Len())
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Example trials: %s (trial %d) and %s (trial %d)", ClassNames[0], left, ClassNames[1], right)
	p.X.Label.Text = "Time (s)"
	p.Y.Label.Text = "µV (channels offset)"
	p.Add(plotter.NewGrid())
	offset := 0.0
	for ci, trial := range []int{left, right} {
		x := ds.Trial(trial)
		for ch := range Channels {
			xy := make(plotter.XYs, Samples)
			for t := range Samples {
				xy[t] = plotter.XY{X: float64(t) / SampleRate, Y: float64(x[ch*Samples+t]) + offset}
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color = traceColors[ci][ch]
			l.Width = vg.Points(0.6)
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s %s", ClassNames[ci], ChannelNames[ch]), l)
			offset -= 60
		}
	}
	p.Legend.Top = true
	p.Y.Max = 110 // room for the legend above the first trace
	return p, nil
}

// SpectrumFigure draws the average power spectra (log scale, 1–40 Hz) of
// both classes over C3 and C4.
func SpectrumFigure(title string, s *Spectra) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "Frequency (Hz)"
	p.Y.Label.Text = "Power (µV²/Hz)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	for ch := range 2 {
		for c := range 2 {
			var xy plotter.XYs
			for k, f := range s.Freqs {
				if f >= 1 && f <= 40 && s.Power[c][ch][k] > 0 {
					xy = append(xy, plotter.XY{X: f, Y: s.Power[c][ch][k]})
				}
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color = traceColors[ch][0] // C3 blue, C4 red
			if c == 1 {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s, %s", ChannelNames[ch], ClassNames[c]), l)
		}
	}
	p.Legend.Top = true
	var ticks []plot.Tick
	for f := 5; f <= 40; f += 5 {
		ticks = append(ticks, plot.Tick{Value: float64(f), Label: fmt.Sprint(f)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 1, 40
	return p, nil
}

// HeatmapFigure draws values[i][j] (a fraction, shown in %) on a grid with
// rows labelled by rowLabels and columns by colLabels, each cell annotated.
func HeatmapFigure(title, rowName, colName string, rowLabels, colLabels []string, values [][]float64) (*plot.Plot, error) {
	if len(values) != len(rowLabels) || len(values) == 0 {
		return nil, fmt.Errorf("heat map: %d rows of values for %d labels", len(values), len(rowLabels))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range values {
		if len(r) != len(colLabels) {
			return nil, fmt.Errorf("heat map: a row has %d values for %d columns", len(r), len(colLabels))
		}
		for _, v := range r {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = colName
	p.Y.Label.Text = rowName
	var labels plotter.XYLabels
	for i, r := range values {
		for j, v := range r {
			pts := plotter.XYs{{X: float64(j) - 0.5, Y: float64(i) - 0.5}, {X: float64(j) + 0.5, Y: float64(i) - 0.5},
				{X: float64(j) + 0.5, Y: float64(i) + 0.5}, {X: float64(j) - 0.5, Y: float64(i) + 0.5}}
			poly, err := plotter.NewPolygon(pts)
			if err != nil {
				return nil, err
			}
			poly.Color = heatColor(v, lo, hi)
			poly.LineStyle.Width = 0
			p.Add(poly)
			text := "–"
			if !math.IsNaN(v) {
				text = fmt.Sprintf("%.1f%%", 100*v)
			}
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(i)})
			labels.Labels = append(labels.Labels, text)
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = -0.5
		l.TextStyle[i].YAlign = -0.5
	}
	p.Add(l)
	p.NominalX(colLabels...)
	p.NominalY(rowLabels...)
	p.X.Min, p.X.Max = -0.5, float64(len(colLabels))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(rowLabels))-0.5
	return p, nil
}

// heatColor maps v in [lo, hi] from light yellow to dark green.
func heatColor(v, lo, hi float64) color.Color {
	if math.IsNaN(v) {
		return color.Gray{Y: 220}
	}
	t := 0.5
	if hi > lo {
		t = (v - lo) / (hi - lo)
	}
	mix := func(a, b uint8) uint8 { return uint8(float64(a) + t*(float64(b)-float64(a))) }
	return color.RGBA{R: mix(255, 0), G: mix(255, 104), B: mix(204, 55), A: 255}
}
