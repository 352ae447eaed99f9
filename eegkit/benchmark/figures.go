package benchmark

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"

	"github.com/eegkit/eegkit/eegkit/plot"
	"gonum.org/v1/gonum/stat/distuv"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The pipelines' colours, in order.
var palette = plot.Tab10()

func colorOf(i int) color.RGBA { return palette[i%len(palette)] }

// scoreName is what the score is: ROC-AUC for two classes, else accuracy.
func scoreName(classes int) string {
	if classes == 2 {
		return "ROC-AUC"
	}
	return "accuracy"
}

// ScoreFigure draws each subject's score per pipeline (a dot per subject,
// its sessions averaged), and the mean over subjects with its 95 %
// t-interval; the chance level as a dashed line.
func ScoreFigure(results []Result, dataset string, classes int, caption string) (*plot.Figure, error) {
	pipes := Pipelines(results)
	f := plot.NewFigure(fmt.Sprintf("Scores per subject: %s", dataset), "pipeline", scoreName(classes))
	f.Caption = caption
	lo := 1.0
	for i, p := range pipes {
		sc := SubjectScores(results, dataset, p)
		names := make([]string, 0, len(sc))
		for s := range sc {
			names = append(names, s)
		}
		sort.Strings(names)
		pts := make(plotter.XYs, len(names))
		v := make([]float64, len(names))
		for k, s := range names {
			// subjects spread across the column, in name order, so a subject keeps its place in every column
			off := 0.0
			if len(names) > 1 {
				off = -0.2 + 0.4*float64(k)/float64(len(names)-1)
			}
			pts[k] = plotter.XY{X: float64(i) + off, Y: sc[s]}
			v[k] = sc[s]
			lo = min(lo, sc[s])
		}
		sp, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sp.GlyphStyle.Color, sp.GlyphStyle.Radius, sp.GlyphStyle.Shape = colorOf(i), vg.Points(3), draw.CircleGlyph{}
		f.Add(sp)
		mean, sd := meanStd(v)
		half := 0.0
		if len(v) > 1 {
			half = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(v) - 1)}.Quantile(0.975) * sd / math.Sqrt(float64(len(v)))
		}
		for _, seg := range [][2]plotter.XY{{{X: float64(i) - 0.3, Y: mean}, {X: float64(i) + 0.3, Y: mean}},
			{{X: float64(i), Y: mean - half}, {X: float64(i), Y: mean + half}}} {
			l, err := plotter.NewLine(plotter.XYs{seg[0], seg[1]})
			if err != nil {
				return nil, err
			}
			l.LineStyle.Width, l.LineStyle.Color = vg.Points(2.2), color.Black
			f.Add(l)
		}
		lo = min(lo, mean-half)
	}
	chance := 0.5
	if classes > 2 {
		chance = 1 / float64(classes)
	}
	cl, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: chance}, {X: float64(len(pipes)) - 0.5, Y: chance}})
	if err != nil {
		return nil, err
	}
	cl.LineStyle.Dashes, cl.LineStyle.Color = []vg.Length{vg.Points(4), vg.Points(3)}, color.Gray{Y: 120}
	f.Add(cl)
	f.Legend.Add(fmt.Sprintf("chance (%.2f)", chance), cl)
	bar, _ := plotter.NewLine(plotter.XYs{{}, {}})
	bar.LineStyle.Width = vg.Points(2.2)
	f.Legend.Add("mean, 95 % CI", bar)
	f.Categories(pipes...)
	f.X.Min, f.X.Max = -0.5, float64(len(pipes))-0.5
	f.Y.Min, f.Y.Max = math.Min(chance, lo)-0.05, 1.0
	return f, nil
}

// PairedFigure draws one line per subject from its score with pipeline a
// to its score with b: blue where a scores higher, red where b does.
func PairedFigure(results []Result, dataset, a, b string, classes int, caption string) (*plot.Figure, error) {
	sa, sb := SubjectScores(results, dataset, a), SubjectScores(results, dataset, b)
	f := plot.NewFigure(fmt.Sprintf("%s against %s, per subject: %s", a, b, dataset), "", scoreName(classes))
	f.Caption = caption
	names := make([]string, 0, len(sa))
	for s := range sa {
		if _, ok := sb[s]; ok {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s and %s share no subject on %s", a, b, dataset)
	}
	sort.Strings(names)
	up, down := 0, 0
	var upLine, downLine *plotter.Line
	for _, s := range names {
		l, pts, err := plotter.NewLinePoints(plotter.XYs{{X: 0, Y: sa[s]}, {X: 1, Y: sb[s]}})
		if err != nil {
			return nil, err
		}
		c := palette[0]
		if sb[s] > sa[s] {
			c, down = palette[3], down+1
			downLine = l
		} else {
			up++
			upLine = l
		}
		l.LineStyle.Color, l.LineStyle.Width = c, vg.Points(1.4)
		pts.GlyphStyle.Color, pts.GlyphStyle.Radius, pts.GlyphStyle.Shape = c, vg.Points(3), draw.CircleGlyph{}
		f.Add(l, pts)
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: []plotter.XY{{X: 1.04, Y: sb[s]}}, Labels: []string{s}})
		if err != nil {
			return nil, err
		}
		lab.TextStyle[0].Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 8)
		lab.TextStyle[0].YAlign = draw.YCenter
		f.Add(lab)
	}
	if upLine != nil {
		f.Legend.Add(fmt.Sprintf("%s higher (%d)", a, up), upLine)
	}
	if downLine != nil {
		f.Legend.Add(fmt.Sprintf("%s higher (%d)", b, down), downLine)
	}
	f.NominalX(a, b)
	f.X.Min, f.X.Max = -0.3, 1.3
	return f, nil
}

// SignificanceFigure is the matrix of all pairs on a dataset (or
// "combined"): row pipe1, column pipe2, each cell pipe1 > pipe2's p-value
// and SMD, shaded by −log₁₀ p where p < Alpha, grey where not.
func SignificanceFigure(st []Statistic, dataset, caption string) (*plot.Figure, error) {
	var pipes []string
	cell := map[[2]string]Statistic{}
	for _, s := range st {
		if s.Dataset != dataset {
			continue
		}
		if !slices.Contains(pipes, s.Pipe1) {
			pipes = append(pipes, s.Pipe1)
		}
		cell[[2]string{s.Pipe1, s.Pipe2}] = s
	}
	if len(pipes) < 2 {
		return nil, fmt.Errorf("no pairs of pipelines on %s", dataset)
	}
	f := plot.NewFigure(fmt.Sprintf("Is the row's pipeline better than the column's? %s", dataset), "pipe2", "pipe1")
	f.Caption = caption
	n := len(pipes)
	var labels plotter.XYLabels
	for i, a := range pipes {
		for j, b := range pipes {
			y := float64(n - 1 - i)
			pts := plotter.XYs{{X: float64(j) - 0.5, Y: y - 0.5}, {X: float64(j) + 0.5, Y: y - 0.5}, {X: float64(j) + 0.5, Y: y + 0.5}, {X: float64(j) - 0.5, Y: y + 0.5}}
			poly, err := plotter.NewPolygon(pts)
			if err != nil {
				return nil, err
			}
			poly.LineStyle.Color, poly.LineStyle.Width = color.White, vg.Points(1)
			text := ""
			switch s, ok := cell[[2]string{a, b}]; {
			case a == b:
				poly.Color = color.Gray{Y: 255}
			case ok && s.P < Alpha:
				depth := math.Min(1, -math.Log10(s.P)/4) // p = 1e-4 and below: darkest
				poly.Color = color.RGBA{uint8(230 - 200*depth), uint8(240 - 130*depth), uint8(250 - 70*depth), 255}
				text = fmt.Sprintf("p = %s\nSMD %.2f", formatP(s.P), s.SMD)
			case ok:
				poly.Color = color.Gray{Y: 235}
				text = fmt.Sprintf("p = %s", formatP(s.P))
			}
			f.Add(poly)
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: y})
			labels.Labels = append(labels.Labels, text)
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 10)
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
	}
	f.Add(l)
	rev := make([]string, n)
	for i, p := range pipes {
		rev[n-1-i] = p
	}
	f.Categories(pipes...)
	f.NominalY(rev...)
	f.X.Min, f.X.Max, f.Y.Min, f.Y.Max = -0.5, float64(n)-0.5, -0.5, float64(n)-0.5
	f.X.Tick.Marker, f.Y.Tick.Marker = gplot.ConstantTicks(nominal(pipes)), gplot.ConstantTicks(nominal(rev))
	return f, nil
}

func nominal(names []string) []gplot.Tick {
	t := make([]gplot.Tick, len(names))
	for i, n := range names {
		t[i] = gplot.Tick{Value: float64(i), Label: n}
	}
	return t
}

// ForestFigure is the meta-analysis of a pair across datasets: each
// dataset's standardised mean difference of a − b with its approximate
// 95 % interval (±1.96·√(1/n + smd²/2n)), and the combined effect.
func ForestFigure(st []Statistic, a, b, caption string) (*plot.Figure, error) {
	var rows []Statistic
	var combined *Statistic
	for i, s := range st {
		if s.Pipe1 == a && s.Pipe2 == b {
			if s.Dataset == "combined" {
				combined = &st[i]
			} else {
				rows = append(rows, s)
			}
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no statistics of %s against %s", a, b)
	}
	if combined != nil {
		rows = append(rows, *combined)
	}
	f := plot.NewFigure(fmt.Sprintf("%s − %s across datasets: standardised mean difference", a, b), "SMD", "")
	f.Caption = caption
	var names []string
	lo, hi := 0.0, 0.0
	for i, s := range rows {
		y := float64(len(rows) - 1 - i)
		half := 1.96 * math.Sqrt(1/float64(s.NSub)+s.SMD*s.SMD/(2*float64(s.NSub)))
		if math.IsInf(s.SMD, 0) {
			half = 0
		}
		l, err := plotter.NewLine(plotter.XYs{{X: s.SMD - half, Y: y}, {X: s.SMD + half, Y: y}})
		if err != nil {
			return nil, err
		}
		l.LineStyle.Width = vg.Points(1.6)
		f.Add(l)
		pt, err := plotter.NewScatter(plotter.XYs{{X: s.SMD, Y: y}})
		if err != nil {
			return nil, err
		}
		pt.GlyphStyle.Radius, pt.GlyphStyle.Shape = vg.Points(4), draw.BoxGlyph{}
		if s.Dataset == "combined" {
			pt.GlyphStyle.Shape, pt.GlyphStyle.Radius, pt.GlyphStyle.Color = draw.PyramidGlyph{}, vg.Points(6), palette[3]
		}
		f.Add(pt)
		names = append([]string{fmt.Sprintf("%s (n=%d, p=%s)", s.Dataset, s.NSub, formatP(s.P))}, names...)
		lo, hi = math.Min(lo, s.SMD-half), math.Max(hi, s.SMD+half)
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(len(rows)) - 0.5}})
	if err != nil {
		return nil, err
	}
	zero.LineStyle.Dashes, zero.LineStyle.Color = []vg.Length{vg.Points(4), vg.Points(3)}, color.Gray{Y: 120}
	f.Add(zero)
	f.NominalY(names...)
	f.Y.Min, f.Y.Max = -0.5, float64(len(rows))-0.5
	f.X.Min, f.X.Max = lo-0.2, hi+0.2
	return f, nil
}
