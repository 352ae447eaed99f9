package metrics

import (
	"fmt"
	"math"
	"strings"
)

// Predictions are what a metric scores: the true classes, the logits
// [N][K], the predicted classes and their K×K confusion matrix
// [true][predicted].
type Predictions struct {
	Y         []int32
	Logits    [][]float32
	Pred      []int32
	Confusion [][]int
}

// A Metric scores predictions. Registered metrics are computed by Score,
// kept in run.json, written as columns of sweep CSVs and, when Report is
// set, shown in the results tables: adding a metric is one Register call.
type Metric struct {
	Name    string // key in Metrics.Value, CSV column and JSON: "balanced_accuracy"
	Title   string // table header: "balanced acc"
	Doc     string // one line: what it measures
	Percent bool   // shown as a percentage (accuracies) rather than to 3 decimals
	Report  bool   // a column of the results tables
	Compute func(p Predictions) float64
}

// Format renders a value of the metric for a table: "83.33 %" or "0.667";
// "–" for NaN.
func (m Metric) Format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case m.Percent:
		return fmt.Sprintf("%.2f %%", 100*v)
	}
	return fmt.Sprintf("%.3f", v)
}

// The built-in metrics' names. Accuracy, Kappa and AUC are also fields of
// Metrics.
const (
	Accuracy         = "accuracy"
	Kappa            = "kappa"
	AUC              = "auc"
	BalancedAccuracy = "balanced_accuracy"
)

var registry []Metric

// Register adds a metric under a name no other metric has. It is called
// from an init function and panics on a metric without a name (or with
// spaces, commas or quotes in it) or a Compute function, or on a taken name,
// as models.Register does.
func Register(m Metric) {
	if m.Name == "" || m.Compute == nil || strings.ContainsAny(m.Name, " ,\"") {
		panic(fmt.Sprintf("metrics.Register(%q): a metric needs a name without spaces, commas or quotes and a Compute function", m.Name))
	}
	if _, err := Lookup(m.Name); err == nil {
		panic(fmt.Sprintf("metrics.Register: the name %q is taken", m.Name))
	}
	if m.Title == "" {
		m.Title = m.Name
	}
	registry = append(registry, m)
}

// All lists the registered metrics in the order they were registered.
func All() []Metric { return append([]Metric(nil), registry...) }

// Reported lists the metrics shown in results tables.
func Reported() []Metric {
	var out []Metric
	for _, m := range registry {
		if m.Report {
			out = append(out, m)
		}
	}
	return out
}

// Lookup finds a metric by name.
func Lookup(name string) (Metric, error) {
	for _, m := range registry {
		if m.Name == name {
			return m, nil
		}
	}
	names := make([]string, len(registry))
	for i, m := range registry {
		names[i] = m.Name
	}
	return Metric{}, fmt.Errorf("unknown metric %q: use %s", name, strings.Join(names, ", "))
}

// Value is the metric called name: Accuracy, Kappa, AUC or one of Extra;
// NaN when m has no such value (metrics saved before it was registered).
func (m Metrics) Value(name string) float64 {
	switch name {
	case Accuracy:
		return m.Accuracy
	case Kappa:
		return m.Kappa
	case AUC:
		return m.AUC
	}
	if v, ok := m.Extra[name]; ok {
		return v
	}
	return math.NaN()
}

// set stores a metric's value where Value finds it.
func (m *Metrics) set(name string, v float64) {
	switch name {
	case Accuracy:
		m.Accuracy = v
	case Kappa:
		m.Kappa = v
	case AUC:
		m.AUC = v
	default:
		if m.Extra == nil {
			m.Extra = map[string]float64{}
		}
		m.Extra[name] = v
	}
}

// balancedAccuracy is the mean over the classes present of their recall,
// c_kk / Σ_j c_kj (scikit-learn's balanced_accuracy_score): chance is 1/K
// whatever the class balance.
func balancedAccuracy(p Predictions) float64 {
	sum, n := 0.0, 0
	for k, row := range p.Confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		if total > 0 {
			sum += float64(row[k]) / float64(total)
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

func init() {
	for _, m := range []Metric{
		{Name: Accuracy, Title: "test acc", Doc: "fraction of trials classified correctly", Percent: true, Report: true, Compute: func(p Predictions) float64 {
			ok := 0
			for i, y := range p.Y {
				if p.Pred[i] == y {
					ok++
				}
			}
			return float64(ok) / float64(len(p.Y))
		}},
		{Name: Kappa, Title: "kappa", Doc: "Cohen's kappa of predictions vs labels (the BCI competition's metric)", Report: true, Compute: func(p Predictions) float64 { return CohenKappa(p.Confusion) }},
		{Name: AUC, Title: "ROC-AUC", Doc: "ROC-AUC of the class-1 score for 2 classes, macro one-vs-rest for more", Report: true, Compute: func(p Predictions) float64 { return macroAUC(p.Logits, p.Y) }},
		{Name: BalancedAccuracy, Title: "balanced acc", Doc: "mean recall over the classes (chance 1/K whatever the balance)", Percent: true, Compute: balancedAccuracy},
	} {
		Register(m)
	}
}
