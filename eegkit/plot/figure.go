package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/safefile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a plot as eegkit draws it for a paper or a notebook: its legend,
// framed, stands to the right of the axes, so it never covers a curve; a heat
// map has its colour bar there instead.
type Figure struct {
	*plot.Plot
	// Caption, if set, is a line of small text under the axes that says what
	// the figure shows: which data and which runs.
	Caption  string
	ColorBar *plot.Plot // drawn to the right when set (heat maps)
}

// captionStyle is the caption's text style: small and grey, left-aligned.
var captionStyle = draw.TextStyle{Color: color.Gray{Y: 80}, Font: font.From(sans, 8.5), Handler: plot.DefaultTextHandler}

// DataCaption says which data a figure shows: "Data: …" of the distinct
// sources in their order ("Data: none recorded" if all are empty).
func DataCaption(sources []string) string {
	var list []string
	for _, s := range sources {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		return "Data: none recorded"
	}
	return "Data: " + strings.Join(list, "; ")
}

// Tab10 are matplotlib's ten categorical colours ("tab10"), the colours of
// the lines or groups a figure tells apart, in order.
func Tab10() []color.RGBA {
	return []color.RGBA{{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
		{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255}}
}

// Figure sizes: 8 × 5 inches; PNGs at 2× pixel density (192 dpi, 1536 × 960).
const (
	FigureWidth  = 8 * vg.Inch
	FigureHeight = 5 * vg.Inch
	FigureDPI    = 192
)

// sans is the figures' typeface (gonum's default is a serif).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// NewFigure is a plot with eegkit's style: sans-serif text, a title with a
// margin below it and round tick values on both axes.
func NewFigure(title, xLabel, yLabel string) *Figure {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.Title.Padding = vg.Points(10)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, 11)
		ax.Tick.Label.Font = font.From(sans, 10)
		ax.Tick.Marker = RoundTicks{}
	}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Legend.Padding = vg.Points(3)
	return &Figure{Plot: p}
}

// Categories labels the x axis with names at 0, 1, …, tilting the labels
// by 30° when they would run into each other (more than about 12
// characters each at this width).
func (f *Figure) Categories(names ...string) {
	f.NominalX(names...)
	room := 96 / max(1, len(names)) // characters per category at 10 pt on 8 inches
	for _, n := range names {
		if len([]rune(n)) > room {
			f.X.Tick.Label.Rotation = math.Pi / 6
			f.X.Tick.Label.XAlign, f.X.Tick.Label.YAlign = draw.XRight, draw.YTop
			return
		}
	}
}

// RoundTicks labels an axis at round values: steps of 1, 2 or 5 × 10ⁿ giving
// about six major ticks (epochs 0, 50, …, 300; accuracy every 5 or 10).
type RoundTicks struct{}

// Ticks implements plot.Ticker.
func (RoundTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := roundStep((hi - lo) / 6)
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9))) // a label has the step's decimals: 0.7, not 0.7000000000000001
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		if v = math.Round(v/step) * step; v == 0 {
			v = 0 // not -0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
		if minor := v + step/2; minor < hi {
			ticks = append(ticks, plot.Tick{Value: minor})
		}
	}
	return ticks
}

// EpochTicks marks an axis of epochs: whole numbers only, every one of a
// short run (1, 2, 3) and round ones of a long run with the first epoch
// (1, 50, 100, …, 300).
type EpochTicks struct{}

// Ticks implements plot.Ticker.
func (EpochTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi >= lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	label := func(v float64) plot.Tick { return plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)} }
	first := math.Ceil(lo)
	ticks := []plot.Tick{label(first)}
	step := math.Max(1, roundStep((hi-lo)/6))
	for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
		if v > first {
			ticks = append(ticks, label(v))
		}
	}
	return ticks
}

// roundStep is the smallest of 1, 2, 5 × 10ⁿ that is at least raw.
func roundStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// draw draws the figure on c: the axes on the left, and the framed legend (or
// the colour bar) in a column at the right.
func (f *Figure) draw(c draw.Canvas) {
	if f.Caption != "" {
		h := captionStyle.Height(f.Caption)
		c.FillText(captionStyle, vg.Point{X: c.Min.X + vg.Points(8), Y: c.Min.Y + vg.Points(6)}, f.Caption)
		c = draw.Crop(c, 0, 0, h+vg.Points(10), 0)
	}
	legend := f.Legend
	var side vg.Length
	var box vg.Rectangle
	hasLegend := legend.Rectangle(c).Size().X > 0 // it has entries
	pad := vg.Points(6)
	switch {
	case f.ColorBar != nil:
		side = vg.Points(90)
	case hasLegend:
		size := legend.Rectangle(c).Size()
		side = size.X + 4*pad
		top := c.Max.Y - vg.Points(40) // level with the top of the axes, below the title
		box = vg.Rectangle{Min: vg.Point{X: c.Max.X - side + pad, Y: top - size.Y - 2*pad}, Max: vg.Point{X: c.Max.X - pad, Y: top}}
		f.Legend = plot.NewLegend() // drawn outside the axes below
	}
	main := draw.Crop(c, 0, -side, 0, 0)
	f.Plot.Draw(main)
	f.Legend = legend
	switch {
	case f.ColorBar != nil:
		// Its tick labels stand left of the bar: leave a gap after the axes, and room at the right edge.
		f.ColorBar.Draw(draw.Crop(c, c.Size().X-side+vg.Points(14), -vg.Points(24), vg.Points(30), -vg.Points(30)))
	case hasLegend:
		frame := vg.Path{}
		frame.Move(box.Min)
		frame.Line(vg.Point{X: box.Max.X, Y: box.Min.Y})
		frame.Line(box.Max)
		frame.Line(vg.Point{X: box.Min.X, Y: box.Max.Y})
		frame.Close()
		c.SetColor(color.White)
		c.Fill(frame)
		c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 128}, Width: vg.Points(0.6)})
		c.Stroke(frame)
		inner := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: box.Min.X + pad, Y: box.Min.Y + pad}, Max: vg.Point{X: box.Max.X - pad, Y: box.Max.Y - pad}}}
		legend.Draw(inner)
	}
}

// Render draws the figure as "png" (at FigureDPI) or "svg".
func (f *Figure) Render(format string) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "png":
		img := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI), vgimg.UseBackgroundColor(color.White))
		f.draw(draw.New(img))
		if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
			return nil, err
		}
	case "svg":
		svg := vgsvg.New(FigureWidth, FigureHeight)
		f.draw(draw.New(svg))
		if _, err := svg.WriteTo(&buf); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("figure format %q: want png or svg", format)
	}
	return buf.Bytes(), nil
}

// Save writes the figure as base.png (at FigureDPI) and base.svg, each
// atomically, and returns the two paths.
func (f *Figure) Save(base string) ([]string, error) {
	var paths []string
	for _, format := range []string{"png", "svg"} {
		raw, err := f.Render(format)
		if err != nil {
			return nil, err
		}
		path := base + "." + format
		if err := safefile.WriteFile(path, raw); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// heatColors maps [Min, Max] from light yellow to dark green (a
// palette.ColorMap, for the heat map's cells and its colour bar).
type heatColors struct{ min, max, alpha float64 }

func (h *heatColors) At(v float64) (color.Color, error) { return heatColor(v, h.min, h.max), nil }
func (h *heatColors) Max() float64                      { return h.max }
func (h *heatColors) Min() float64                      { return h.min }
func (h *heatColors) SetMax(v float64)                  { h.max = v }
func (h *heatColors) SetMin(v float64)                  { h.min = v }
func (h *heatColors) Alpha() float64                    { return h.alpha }
func (h *heatColors) SetAlpha(a float64)                { h.alpha = a }

// Palette returns n colours evenly spaced over [Min, Max].
func (h *heatColors) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = heatColor(h.min+(h.max-h.min)*float64(i)/float64(max(n-1, 1)), h.min, h.max)
	}
	return colorList(cs)
}

// colorList is a palette.Palette.
type colorList []color.Color

func (c colorList) Colors() []color.Color { return c }
