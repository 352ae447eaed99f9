package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/stats"
)

// Metrics summarise a model's predictions on a dataset.
type Metrics struct {
	Trials     int                `json:"trials"`
	Accuracy   float64            `json:"accuracy"`          // fraction of trials classified correctly
	Loss       float64            `json:"loss"`              // mean cross-entropy
	Kappa      float64            `json:"kappa"`             // Cohen's kappa of predictions vs labels (the BCI competition's metric)
	AUC        float64            `json:"auc"`               // ROC-AUC: of the class-1 score (logit difference) for 2 classes, the macro one-vs-rest mean for more; NaN (JSON null) when undefined
	Confusion  [][]int            `json:"confusion"`         // [true class][predicted class]; 0 = left, 1 = right in the lab
	Classes    []string           `json:"classes,omitempty"` // the class names in label order (absent from runs saved before they were: the lab's)
	PerSubject map[string]float64 `json:"per_subject"`       // accuracy per subject
	Extra      map[string]float64 `json:"extra,omitempty"`   // the registered metrics beyond these, by name (Register, Value)
}

// classNames are the metrics' class names. Metrics saved without them
// (runs of the lab's two classes, before they were recorded) name the lab's.
func (m Metrics) classNames() []string {
	if len(m.Classes) == len(m.Confusion) {
		return m.Classes
	}
	if len(m.Confusion) == 2 {
		return []string{"left hand", "right hand"}
	}
	names := make([]string, len(m.Confusion))
	for i := range names {
		names[i] = fmt.Sprintf("class %d", i)
	}
	return names
}

// Score computes accuracy, cross-entropy, Cohen's kappa, ROC-AUC, the
// confusion matrix and per-subject accuracy of predictions for ds, for as
// many classes as the logits have.
func Score(ds *eeg.Dataset, logits [][]float32, pred []int32) Metrics {
	k := ds.NClasses()
	if len(logits) > 0 {
		k = len(logits[0])
	}
	m := Metrics{Trials: ds.Len(), PerSubject: map[string]float64{}, Confusion: make([][]int, k), Classes: ds.ClassNames}
	if len(m.Classes) != k {
		m.Classes = nil
	}
	for i := range m.Confusion {
		m.Confusion[i] = make([]int, k)
	}
	if ds.Len() == 0 {
		m.AUC = math.NaN()
		return m
	}
	subjN := make([]int, len(ds.Subjects))
	subjOK := make([]int, len(ds.Subjects))
	for i, y := range ds.Y {
		m.Confusion[y][pred[i]]++
		ok := pred[i] == y
		if ds.Subject != nil {
			subjN[ds.Subject[i]]++
			if ok {
				subjOK[ds.Subject[i]]++
			}
		}
		m.Loss += logSumExp(logits[i], -1) - float64(logits[i][y])
	}
	m.Loss /= float64(ds.Len())
	p := Predictions{Y: ds.Y, Logits: logits, Pred: pred, Confusion: m.Confusion}
	for _, e := range registry {
		m.set(e.Name, e.Compute(p))
	}
	for s, n := range subjN {
		if n > 0 {
			m.PerSubject[ds.Subjects[s]] = float64(subjOK[s]) / float64(n)
		}
	}
	return m
}

// logSumExp is log Σ_j exp(l_j) over the logits, leaving out index skip (-1: none).
func logSumExp(l []float32, skip int) float64 {
	mx := math.Inf(-1)
	for j, v := range l {
		if j != skip {
			mx = math.Max(mx, float64(v))
		}
	}
	sum := 0.0
	for j, v := range l {
		if j != skip {
			sum += math.Exp(float64(v) - mx)
		}
	}
	return mx + math.Log(sum)
}

// macroAUC is the ROC-AUC of the logits: for two classes, of the class-1
// score l₁ − l₀; for K > 2, the mean over the classes present (with other
// classes present too) of the one-vs-rest AUC of the score
// l_k − log Σ_{j≠k} exp(l_j), which ranks trials as the softmax probability
// of class k does (scikit-learn's roc_auc_score(multi_class="ovr",
// average="macro")). NaN when it is defined for no class.
func macroAUC(logits [][]float32, y []int32) float64 {
	k := len(logits[0])
	if k == 2 {
		scores := make([]float64, len(logits))
		for i, l := range logits {
			scores[i] = float64(l[1]) - float64(l[0])
		}
		return ROCAUC(scores, y)
	}
	sum, n := 0.0, 0
	for c := range k {
		scores := make([]float64, len(logits))
		labels := make([]int32, len(logits))
		for i, l := range logits {
			scores[i] = float64(l[c]) - logSumExp(l, c)
			if y[i] == int32(c) {
				labels[i] = 1
			}
		}
		if a := ROCAUC(scores, labels); !math.IsNaN(a) {
			sum += a
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// aucText is the ROC-AUC to 3 decimals, or why it is undefined.
func (m Metrics) aucText() string {
	if math.IsNaN(m.AUC) {
		return "undefined (the set holds one class)"
	}
	return fmt.Sprintf("%.3f", m.AUC)
}

// Subjects are the names of PerSubject, sorted.
func (m Metrics) Subjects() []string {
	subs := make([]string, 0, len(m.PerSubject))
	for s := range m.PerSubject {
		subs = append(subs, s)
	}
	sort.Strings(subs)
	return subs
}

// String renders the metrics as a short report with the confusion matrix.
func (m Metrics) String() string {
	var sb strings.Builder
	auc := m.aucText()
	ci := stats.Wilson(int(math.Round(m.Accuracy*float64(m.Trials))), m.Trials, stats.Z95)
	fmt.Fprintf(&sb, "accuracy %s (95 %% CI %.1f–%.1f %%) on %d trials (loss %.4f, kappa %.3f, ROC-AUC %s)\n", Percent(m.Accuracy), 100*ci.Lo, 100*ci.Hi, m.Trials, m.Loss, m.Kappa, auc)
	for _, s := range m.Subjects() {
		fmt.Fprintf(&sb, "  %-6s %s\n", s, Percent(m.PerSubject[s]))
	}
	fmt.Fprintf(&sb, "confusion (rows true, columns predicted):\n")
	names := m.classNames()
	fmt.Fprintf(&sb, "  %-11s", "")
	for _, c := range names {
		fmt.Fprintf(&sb, " %10s", c)
	}
	sb.WriteString("\n")
	for i, row := range m.Confusion {
		fmt.Fprintf(&sb, "  %-11s", names[i])
		for _, v := range row {
			fmt.Fprintf(&sb, " %10d", v)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// CohenKappa is (observed agreement − chance agreement) / (1 − chance
// agreement) of a K×K confusion matrix c, with p_o = Σ_k c_kk / n and
// p_e = Σ_k (row_k/n)(col_k/n); 0 when chance agreement is 1.
func CohenKappa(c [][]int) float64 {
	n, diag := 0, 0
	rows, cols := make([]int, len(c)), make([]int, len(c))
	for i, row := range c {
		for j, v := range row {
			n += v
			rows[i] += v
			cols[j] += v
			if i == j {
				diag += v
			}
		}
	}
	if n == 0 {
		return 0
	}
	po := float64(diag) / float64(n)
	pe := 0.0
	for i := range c {
		pe += float64(rows[i]) * float64(cols[i]) / (float64(n) * float64(n))
	}
	if pe == 1 {
		return 0
	}
	return (po - pe) / (1 - pe)
}

// ROCAUC is the area under the ROC curve of scores for class 1: the
// probability that a random class-1 trial scores above a random class-0 one
// (ties count one half). NaN when a class is missing.
func ROCAUC(scores []float64, labels []int32) float64 {
	for _, s := range scores {
		if math.IsNaN(s) {
			return math.NaN()
		}
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i + 1 // a group holds at least one score, so the loop always advances
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avgRank := float64(i+j+1) / 2 // ranks i+1 … j, averaged over ties
		for k := i; k < j; k++ {
			if labels[idx[k]] == 1 {
				rankSum += avgRank
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// metricsJSON is Metrics as JSON, where an undefined ROC-AUC is null.
type metricsJSON struct {
	Trials     int                `json:"trials"`
	Accuracy   float64            `json:"accuracy"`
	Loss       float64            `json:"loss"`
	Kappa      float64            `json:"kappa"`
	AUC        *float64           `json:"auc"`
	AUCNote    string             `json:"auc_undefined,omitempty"`
	Confusion  [][]int            `json:"confusion"`
	Classes    []string           `json:"classes,omitempty"`
	PerSubject map[string]float64 `json:"per_subject"`
}

// MarshalJSON writes an undefined ROC-AUC (one class in the set) as null
// with the reason, since JSON has no NaN.
func (m Metrics) MarshalJSON() ([]byte, error) {
	j := metricsJSON{Trials: m.Trials, Accuracy: m.Accuracy, Loss: m.Loss, Kappa: m.Kappa, Confusion: m.Confusion, Classes: m.Classes, PerSubject: m.PerSubject}
	if math.IsNaN(m.AUC) {
		j.AUCNote = "the set holds trials of one class only (or of no two classes)"
	} else {
		j.AUC = &m.AUC
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes (null ROC-AUC as NaN).
func (m *Metrics) UnmarshalJSON(raw []byte) error {
	var j metricsJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return err
	}
	*m = Metrics{Trials: j.Trials, Accuracy: j.Accuracy, Loss: j.Loss, Kappa: j.Kappa, AUC: math.NaN(), Confusion: j.Confusion, Classes: j.Classes, PerSubject: j.PerSubject}
	if j.AUC != nil {
		m.AUC = *j.AUC
	}
	return nil
}

// Markdown renders the metrics for a notebook: a line with accuracy, loss,
// kappa and ROC-AUC, a table of accuracy per subject and the confusion matrix
// (Metrics.String is the same report as plain text, for a terminal).
func (m Metrics) Markdown() string {
	var sb strings.Builder
	auc := m.aucText()
	fmt.Fprintf(&sb, "Accuracy **%s** on %d trials (loss %.4f, Cohen's kappa %.3f, ROC-AUC %s).\n\n", Percent(m.Accuracy), m.Trials, m.Loss, m.Kappa, auc)
	if len(m.PerSubject) > 0 {
		sb.WriteString("| subject | accuracy |\n|---|---:|\n")
		for _, s := range m.Subjects() {
			fmt.Fprintf(&sb, "| %s | %s |\n", s, Percent(m.PerSubject[s]))
		}
		sb.WriteString("\n")
	}
	sb.WriteString("Confusion matrix (rows true, columns predicted):\n\n")
	sb.WriteString(m.ConfusionMarkdown())
	return sb.String()
}

// ConfusionMarkdown renders a confusion matrix as a Markdown table.
func (m Metrics) ConfusionMarkdown() string {
	names := m.classNames()
	var sb strings.Builder
	sb.WriteString("| true \\ predicted | " + strings.Join(names, " | ") + " |\n|---" + strings.Repeat("|---", len(names)) + "|\n")
	for i, row := range m.Confusion {
		sb.WriteString("| " + names[i])
		for _, v := range row {
			fmt.Fprintf(&sb, " | %d", v)
		}
		sb.WriteString(" |\n")
	}
	return sb.String()
}

// Percent prints a fraction as a percentage with one decimal.
func Percent(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
