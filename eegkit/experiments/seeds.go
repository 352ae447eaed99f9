package experiments

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/stats"
	"github.com/eegkit/eegkit/eegkit/train"
)

// MeanStd is the mean and sample standard deviation of a metric over
// repeated runs (NaN values, e.g. a validation accuracy under the lab's
// protocol, are left out).
type MeanStd struct {
	Mean, Std float64
	N         int
}

// NewMeanStd summarises values.
func NewMeanStd(values []float64) MeanStd {
	var m MeanStd
	for _, v := range values {
		if !math.IsNaN(v) {
			m.Mean += v
			m.N++
		}
	}
	if m.N == 0 {
		return MeanStd{Mean: math.NaN(), Std: math.NaN()}
	}
	m.Mean /= float64(m.N)
	if m.N > 1 {
		for _, v := range values {
			if !math.IsNaN(v) {
				m.Std += (v - m.Mean) * (v - m.Mean)
			}
		}
		m.Std = math.Sqrt(m.Std / float64(m.N-1))
	}
	return m
}

// Percent renders a fraction as "83.43 ± 0.52 %" ("83.43 %" for one run, "–" for none).
func (m MeanStd) Percent() string {
	switch {
	case m.N == 0:
		return "–"
	case m.N == 1:
		return fmt.Sprintf("%.2f %%", 100*m.Mean)
	}
	return fmt.Sprintf("%.2f ± %.2f %%", 100*m.Mean, 100*m.Std)
}

// Plain renders the value with the given decimals, "0.691 ± 0.012".
func (m MeanStd) Plain(decimals int) string {
	switch {
	case m.N == 0:
		return "–"
	case m.N == 1:
		return strconv.FormatFloat(m.Mean, 'f', decimals, 64)
	}
	return strconv.FormatFloat(m.Mean, 'f', decimals, 64) + " ± " + strconv.FormatFloat(m.Std, 'f', decimals, 64)
}

// SeedGroup is one configuration run with several seeds.
type SeedGroup struct {
	Config    train.TrainConfig // Seed is the first seed
	Seeds     []uint64
	TrainAcc  MeanStd
	ValAcc    MeanStd
	TestAcc   MeanStd
	Test      map[string]MeanStd // every registered test metric, by name (metrics.All)
	Trials    int                // test trials of each point (0 if unknown)
	BestEpoch MeanStd
}

// seedless identifies a configuration whatever its seed.
func seedless(c train.TrainConfig) string {
	c.Seed = 0
	raw, _ := json.Marshal(c)
	return string(raw)
}

// GroupSeeds groups points that differ only in their seed, keeping the
// points' order (of each group's first point).
func GroupSeeds(points []SweepPoint) []SeedGroup {
	var keys []string
	byKey := map[string][]SweepPoint{}
	for _, p := range points {
		k := seedless(p.Config) + "\x00" + p.DataID + "\x00" + p.Data
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], p)
	}
	out := make([]SeedGroup, 0, len(keys))
	for _, k := range keys {
		ps := byKey[k]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Config.Seed < ps[j].Config.Seed })
		g := SeedGroup{Config: ps[0].Config}
		col := func(f func(SweepPoint) float64) MeanStd {
			v := make([]float64, len(ps))
			for i, p := range ps {
				v[i] = f(p)
			}
			return NewMeanStd(v)
		}
		for _, p := range ps {
			g.Seeds = append(g.Seeds, p.Config.Seed)
		}
		g.Trials = ps[0].Trials
		g.TrainAcc = col(func(p SweepPoint) float64 { return p.TrainAcc })
		g.ValAcc = col(func(p SweepPoint) float64 { return p.ValAcc })
		g.TestAcc = col(func(p SweepPoint) float64 { return p.TestAcc })
		g.Test = map[string]MeanStd{}
		for _, m := range metrics.All() {
			g.Test[m.Name] = col(func(p SweepPoint) float64 {
				if v, ok := p.Test[m.Name]; ok {
					return v
				}
				return math.NaN()
			})
		}
		g.BestEpoch = col(func(p SweepPoint) float64 { return float64(p.BestEpoch) })
		out = append(out, g)
	}
	return out
}

// SortGroups orders groups by mean validation accuracy, best first (groups
// without a validation split after them, by mean train accuracy): the test
// set never decides the ranking.
func SortGroups(groups []SeedGroup) {
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		av, bv := a.ValAcc.N > 0, b.ValAcc.N > 0
		switch {
		case av && bv:
			return a.ValAcc.Mean > b.ValAcc.Mean
		case av != bv:
			return av
		}
		return a.TrainAcc.Mean > b.TrainAcc.Mean
	})
}

// AccuracyCell renders an accuracy on n trials with its 95 % Wilson
// interval, "83.43 % [81.1, 85.6]" (without the interval when n is unknown).
func AccuracyCell(acc float64, n int) string {
	switch {
	case math.IsNaN(acc):
		return "–"
	case n <= 0:
		return fmt.Sprintf("%.2f %%", 100*acc)
	}
	iv := stats.Wilson(int(math.Round(acc*float64(n))), n, stats.Z95)
	return fmt.Sprintf("%.2f %% [%.1f, %.1f]", 100*acc, 100*iv.Lo, 100*iv.Hi)
}

// ResultsTable renders seed groups as a Markdown table, in the given order:
// hyperparameters, then mean ± std over seeds of each metric of the kept
// model (a single seed's accuracy with its 95 % Wilson interval). Baselines, if any, follow in rows of their own (they have no seed).
func ResultsTable(groups []SeedGroup, baselines ...*baselines.Result) string {
	var sb strings.Builder
	reported := metrics.Reported()
	augmented := slices.ContainsFunc(groups, func(g SeedGroup) bool { return g.Config.Augment != "" })
	trained := slices.ContainsFunc(groups, func(g SeedGroup) bool { return g.Config.Training() != "" })
	cols := 12 + len(reported)
	sb.WriteString("| rank | model | activation | batch | lr | weight decay | dropout | epochs | seeds | protocol |")
	if trained { // a column only when some row trains otherwise than the lab's Adam
		sb.WriteString(" training |")
		cols++
	}
	if augmented { // a column only when some row is augmented
		sb.WriteString(" augment |")
		cols++
	}
	sb.WriteString(" kept epoch | val acc |")
	for _, m := range reported {
		sb.WriteString(" " + m.Title + " |")
	}
	sb.WriteString("\n" + strings.Repeat("|---", cols) + "|\n")
	for i, g := range groups {
		c := g.Config
		dropout := "lab"
		if c.Dropout != nil {
			dropout = strconv.FormatFloat(*c.Dropout, 'g', -1, 64)
		}
		protocol := "lab"
		if c.ValFraction > 0 {
			protocol = fmt.Sprintf("val %g, %s", c.ValFraction, c.Selection())
			if c.Patience > 0 {
				protocol += fmt.Sprintf(", patience %d", c.Patience)
			}
		}
		fmt.Fprintf(&sb, "| %d | %s | %s | %d | %g | %g | %s | %d | %d | %s |", i+1, c.Model, c.Activation,
			c.Batch, c.LR, c.WeightDecay, dropout, c.Epochs, len(g.Seeds), protocol)
		if trained {
			t := c.Training()
			if t == "" {
				t = "adam"
			}
			sb.WriteString(" " + t + " |")
		}
		if augmented {
			aug := c.Augment
			if aug == "" {
				aug = "none"
			}
			sb.WriteString(" " + aug + " |")
		}
		fmt.Fprintf(&sb, " %s | %s |", g.BestEpoch.Plain(0), g.ValAcc.Percent())
		for _, m := range reported {
			v := g.Test[m.Name]
			switch {
			case m.Name == metrics.Accuracy && v.N == 1:
				sb.WriteString(" " + AccuracyCell(v.Mean, g.Trials) + " |")
			case m.Percent:
				sb.WriteString(" " + v.Percent() + " |")
			default:
				sb.WriteString(" " + v.Plain(3) + " |")
			}
		}
		sb.WriteString("\n")
	}
	for _, b := range baselines {
		fmt.Fprintf(&sb, "| – | %s | – | – | – | – | – | – | deterministic | fitted per subject on the training set |", b.Name)
		if trained {
			sb.WriteString(" – |")
		}
		if augmented {
			sb.WriteString(" – |")
		}
		sb.WriteString(" – | – |")
		for _, m := range reported {
			if m.Name == metrics.Accuracy {
				sb.WriteString(" " + AccuracyCell(b.Test.Accuracy, b.Test.Trials) + " |")
				continue
			}
			sb.WriteString(" " + m.Format(b.Test.Value(m.Name)) + " |")
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// gridAxes are the hyperparameters a results heat map can be drawn over.
var gridAxes = []struct {
	name  string
	value func(train.TrainConfig) string
}{
	{"model", func(c train.TrainConfig) string { return c.Model }},
	{"activation", func(c train.TrainConfig) string { return c.Activation }},
	{"batch size", func(c train.TrainConfig) string { return strconv.Itoa(c.Batch) }},
	{"learning rate", func(c train.TrainConfig) string { return strconv.FormatFloat(c.LR, 'g', -1, 64) }},
	{"weight decay", func(c train.TrainConfig) string { return strconv.FormatFloat(c.WeightDecay, 'g', -1, 64) }},
	{"dropout", func(c train.TrainConfig) string {
		if c.Dropout == nil {
			return "lab"
		}
		return strconv.FormatFloat(*c.Dropout, 'g', -1, 64)
	}},
	{"epochs", func(c train.TrainConfig) string { return strconv.Itoa(c.Epochs) }},
}

// ResultsHeatmap draws the mean validation accuracy (the mean test accuracy
// when no group has a validation split) over the first two hyperparameters
// that vary among the groups; cells of groups that share both values show
// their best mean.
func ResultsHeatmap(title string, groups []SeedGroup) (*plot.Figure, error) {
	var axes []int
	for a, ax := range gridAxes {
		seen := map[string]bool{}
		for _, g := range groups {
			seen[ax.value(g.Config)] = true
		}
		if len(seen) > 1 {
			axes = append(axes, a)
		}
	}
	for a := 0; len(axes) < 2 && a < len(gridAxes); a++ { // pad with constant axes
		if !slices.Contains(axes, a) {
			axes = append(axes, a)
		}
	}
	useVal := false
	for _, g := range groups {
		useVal = useVal || g.ValAcc.N > 0
	}
	metric := func(g SeedGroup) float64 { return g.TestAcc.Mean }
	what := "mean test accuracy (lab protocol)"
	if useVal {
		metric, what = func(g SeedGroup) float64 { return g.ValAcc.Mean }, "mean validation accuracy"
	}
	rowAx, colAx := gridAxes[axes[0]], gridAxes[axes[1]]
	var rows, cols []string
	for _, g := range groups {
		if r := rowAx.value(g.Config); !slices.Contains(rows, r) {
			rows = append(rows, r)
		}
		if c := colAx.value(g.Config); !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	SortAxis(rows)
	SortAxis(cols)
	values := make([][]float64, len(rows))
	for i := range rows {
		values[i] = make([]float64, len(cols))
		for j := range cols {
			values[i][j] = math.NaN()
		}
	}
	for _, g := range groups {
		i, j := slices.Index(rows, rowAx.value(g.Config)), slices.Index(cols, colAx.value(g.Config))
		if v := metric(g); !math.IsNaN(v) && (math.IsNaN(values[i][j]) || v > values[i][j]) {
			values[i][j] = v
		}
	}
	return plot.HeatmapFigure(title+": "+what, rowAx.name, colAx.name, rows, cols, values)
}

// SortAxis orders a heat map's axis values ascending: numerically when they
// are numbers (batch, learning rate), else as text.
func SortAxis(vals []string) {
	slices.SortStableFunc(vals, func(a, b string) int {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		if errA == nil && errB == nil {
			return cmp.Compare(x, y)
		}
		return strings.Compare(a, b)
	})
}
