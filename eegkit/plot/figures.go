package plot

import (
	"fmt"
	"image/color"
	"math"

	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// accuracyColors gives each activation its colour; train is solid, test dashed.
var accuracyColors = map[nn.Activation]color.RGBA{
	nn.ReLU:      {R: 31, G: 119, B: 180, A: 255},
	nn.LeakyReLU: {R: 255, G: 127, B: 14, A: 255},
	nn.ELU:       {R: 44, G: 160, B: 44, A: 255},
}

// AccuracyFigure draws the lab's accuracy-per-epoch figure for one model:
// train and test accuracy (%) of each activation's run. runs maps activations
// to their histories; missing activations are left out.
func AccuracyFigure(model string, runs map[nn.Activation][]train.EpochStats) (*Figure, error) {
	p := NewFigure(fmt.Sprintf("Activation function comparison (%s)", model), "Epoch", "Accuracy (%)")
	p.Add(plotter.NewGrid())
	n, lowest, last := 0, 100.0, 1
	for _, act := range nn.Activations() {
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
				lowest, last = math.Min(lowest, 100*acc), max(last, e.Epoch)
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color = accuracyColors[act]
			l.Width = vg.Points(1.2)
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
	p.X.Min, p.X.Max = 1, float64(max(last, 2)) // epochs count from 1
	p.X.Tick.Marker = EpochTicks{}
	p.Y.Min, p.Y.Max = math.Max(0, 5*math.Floor(lowest/5)), 100
	return p, nil
}

// SavePlot writes f as base.png and base.svg (see Figure.Save) and returns the paths.
func SavePlot(f *Figure, base string) ([]string, error) { return f.Save(base) }

// traceColors colour example trials by [class][channel].
var traceColors = [2][2]color.RGBA{
	{{R: 31, G: 119, B: 180, A: 255}, {R: 23, G: 190, B: 207, A: 255}},
	{{R: 214, G: 39, B: 40, A: 255}, {R: 255, G: 127, B: 14, A: 255}},
}

// TrialFigure draws two example trials (in the lab one of each class) over
// C3 and C4 (or the first two channels of data without them), with the
// channels offset so they do not overlap.
func TrialFigure(ds *eeg.Dataset, left, right int) (*Figure, error) {
	if left < 0 || right < 0 || left >= ds.Len() || right >= ds.Len() {
		return nil, fmt.Errorf("trial figure: trials %d and %d, have %d", left, right, ds.Len())
	}
	rows, ok := ds.Rows("C3", "C4")
	if !ok {
		rows = []int{0, min(1, ds.NChans()-1)}[:min(2, ds.NChans())]
	}
	names, classes := ds.ChannelNames, ds.ClassNames
	times, rate := ds.Times, ds.Rate
	p := NewFigure(fmt.Sprintf("Example trials: %s (trial %d) and %s (trial %d)", classes[ds.Y[left]], left, classes[ds.Y[right]], right),
		"Time (s)", "µV (channels offset)")
	p.Add(plotter.NewGrid())
	offset := 0.0
	for ci, trial := range []int{left, right} {
		x := ds.Trial(trial)
		for ch, row := range rows {
			xy := make(plotter.XYs, times)
			for t := range times {
				xy[t] = plotter.XY{X: float64(t) / rate, Y: float64(x[row*times+t]) + offset}
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color = traceColors[ci][ch]
			l.Width = vg.Points(0.6)
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s %s", classes[ds.Y[trial]], names[row]), l)
			offset -= 60
		}
	}
	return p, nil
}

// SpectrumFigure draws the average power spectra (log scale, 1–40 Hz) of
// both classes over C3 and C4.
func SpectrumFigure(title string, s *dsp.Spectra) (*Figure, error) {
	p := NewFigure(title, "Frequency (Hz)", "Power (µV²/Hz)")
	p.Add(plotter.NewGrid())
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
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
			p.Legend.Add(fmt.Sprintf("%s, %s", [2]string{"C3", "C4"}[ch], s.Classes[c]), l)
		}
	}
	var ticks []plot.Tick
	for f := 5; f <= 40; f += 5 {
		ticks = append(ticks, plot.Tick{Value: float64(f), Label: fmt.Sprint(f)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 1, 40
	return p, nil
}

// HeatmapFigure draws values[i][j] (a fraction, shown in %) on a grid with
// rows labelled by rowLabels and columns by colLabels, each cell annotated in
// a colour that contrasts with it, and a colour bar.
func HeatmapFigure(title, rowName, colName string, rowLabels, colLabels []string, values [][]float64) (*Figure, error) {
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
	f := NewFigure(title, colName, rowName)
	var labels plotter.XYLabels
	var dark []bool
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
			f.Add(poly)
			text := "–"
			if !math.IsNaN(v) {
				text = fmt.Sprintf("%.1f%%", 100*v)
			}
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(i)})
			labels.Labels = append(labels.Labels, text)
			dark = append(dark, !math.IsNaN(v) && hi > lo && (v-lo)/(hi-lo) > 0.55)
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = font.From(sans, 11)
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
		if dark[i] { // white on the dark greens, black on the light yellows
			l.TextStyle[i].Color = color.White
		}
	}
	f.Add(l)
	f.NominalX(colLabels...)
	f.NominalY(rowLabels...)
	f.X.Min, f.X.Max = -0.5, float64(len(colLabels))-0.5
	f.Y.Min, f.Y.Max = -0.5, float64(len(rowLabels))-0.5
	if hi > lo {
		bar := plot.New()
		bar.HideX()
		bar.Y.Tick.Label.Font = font.From(sans, 10)
		bar.Y.Tick.Marker = percentTicks{}
		bar.Add(&plotter.ColorBar{ColorMap: &heatColors{min: lo, max: hi, alpha: 1}, Vertical: true, Colors: 64})
		f.ColorBar = bar
	}
	return f, nil
}

// percentTicks labels a colour bar of fractions in percent, at round values.
type percentTicks struct{}

// Ticks implements plot.Ticker.
func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := RoundTicks{}.Ticks(100*lo, 100*hi)
	for i := range ticks {
		ticks[i].Value /= 100
		if ticks[i].Label != "" {
			ticks[i].Label += "%"
		}
	}
	return ticks
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
