package eegkit

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Metrics summarise a model's predictions on a dataset.
type Metrics struct {
	Trials     int                `json:"trials"`
	Accuracy   float64            `json:"accuracy"`    // fraction of trials classified correctly
	Loss       float64            `json:"loss"`        // mean cross-entropy
	Kappa      float64            `json:"kappa"`       // Cohen's kappa of predictions vs labels (the BCI competition's metric)
	AUC        float64            `json:"auc"`         // ROC-AUC of the right-hand score (logit difference); NaN (JSON null) when the set holds one class
	Confusion  [2][2]int          `json:"confusion"`   // [true class][predicted class]; 0 = left, 1 = right
	PerSubject map[string]float64 `json:"per_subject"` // accuracy per subject
}

// ClassNames are the lab's classes in label order.
var ClassNames = [2]string{"left hand", "right hand"}

// Predict returns the logits [N][2] and predicted classes of every trial of
// ds. Logits that are not finite are an error naming the first such trial: a
// NaN has no class.
func (n *Net) Predict(ds *Dataset) (logits [][2]float32, pred []int32, err error) {
	logits, err = n.Logits(ds.X, ds.Len())
	if err != nil {
		return nil, nil, err
	}
	pred = make([]int32, len(logits))
	for i, l := range logits {
		if !isFinite32(l[0]) || !isFinite32(l[1]) {
			return nil, nil, fmt.Errorf("the model's output for trial %d is %v, not finite: that trial's values or the model's weights are too large for float32 arithmetic (check the data's units and the weights)", i, l)
		}
		if l[1] > l[0] {
			pred[i] = 1
		}
	}
	return logits, pred, nil
}

// Evaluate classifies every trial of ds in evaluation mode and scores the predictions.
func (n *Net) Evaluate(ds *Dataset) (Metrics, error) {
	logits, pred, err := n.Predict(ds)
	if err != nil {
		return Metrics{}, err
	}
	return Score(ds, logits, pred), nil
}

// Score computes accuracy, cross-entropy, confusion matrix and per-subject
// accuracy of predictions for ds.
func Score(ds *Dataset, logits [][2]float32, pred []int32) Metrics {
	m := Metrics{Trials: ds.Len(), PerSubject: map[string]float64{}}
	if ds.Len() == 0 {
		return m
	}
	correct := 0
	subjN := make([]int, len(ds.Subjects))
	subjOK := make([]int, len(ds.Subjects))
	for i, y := range ds.Y {
		m.Confusion[y][pred[i]]++
		ok := pred[i] == y
		if ok {
			correct++
		}
		if ds.Subject != nil {
			subjN[ds.Subject[i]]++
			if ok {
				subjOK[ds.Subject[i]]++
			}
		}
		a, b := float64(logits[i][0]), float64(logits[i][1])
		mx := math.Max(a, b)
		lse := mx + math.Log(math.Exp(a-mx)+math.Exp(b-mx))
		m.Loss += lse - float64(logits[i][y])
	}
	m.Loss /= float64(ds.Len())
	m.Accuracy = float64(correct) / float64(ds.Len())
	m.Kappa = cohenKappa(m.Confusion)
	scores := make([]float64, len(logits))
	for i, l := range logits {
		scores[i] = float64(l[1]) - float64(l[0])
	}
	m.AUC = rocAUC(scores, ds.Y)
	for s, n := range subjN {
		if n > 0 {
			m.PerSubject[ds.Subjects[s]] = float64(subjOK[s]) / float64(n)
		}
	}
	return m
}

// String renders the metrics as a short report with the confusion matrix.
func (m Metrics) String() string {
	var sb strings.Builder
	auc := "undefined (the set holds one class)"
	if !math.IsNaN(m.AUC) {
		auc = fmt.Sprintf("%.3f", m.AUC)
	}
	fmt.Fprintf(&sb, "accuracy %s on %d trials (loss %.4f, kappa %.3f, ROC-AUC %s)\n", fmtPercent(m.Accuracy), m.Trials, m.Loss, m.Kappa, auc)
	var subs []string
	for s := range m.PerSubject {
		subs = append(subs, s)
	}
	sort.Strings(subs)
	for _, s := range subs {
		fmt.Fprintf(&sb, "  %-6s %s\n", s, fmtPercent(m.PerSubject[s]))
	}
	fmt.Fprintf(&sb, "confusion (rows true, columns predicted):\n")
	fmt.Fprintf(&sb, "  %-11s %10s %10s\n", "", ClassNames[0], ClassNames[1])
	for i := range 2 {
		fmt.Fprintf(&sb, "  %-11s %10d %10d\n", ClassNames[i], m.Confusion[i][0], m.Confusion[i][1])
	}
	return sb.String()
}

// cohenKappa is (observed agreement − chance agreement) / (1 − chance agreement)
// of a 2×2 confusion matrix; 0 when chance agreement is 1.
func cohenKappa(c [2][2]int) float64 {
	n := float64(c[0][0] + c[0][1] + c[1][0] + c[1][1])
	if n == 0 {
		return 0
	}
	po := float64(c[0][0]+c[1][1]) / n
	pe := (float64(c[0][0]+c[0][1])*float64(c[0][0]+c[1][0]) + float64(c[1][0]+c[1][1])*float64(c[0][1]+c[1][1])) / (n * n)
	if pe == 1 {
		return 0
	}
	return (po - pe) / (1 - pe)
}

// rocAUC is the area under the ROC curve of scores for class 1: the
// probability that a random class-1 trial scores above a random class-0 one
// (ties count one half). NaN when a class is missing.
func rocAUC(scores []float64, labels []int32) float64 {
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
	Confusion  [2][2]int          `json:"confusion"`
	PerSubject map[string]float64 `json:"per_subject"`
}

// MarshalJSON writes an undefined ROC-AUC (one class in the set) as null
// with the reason, since JSON has no NaN.
func (m Metrics) MarshalJSON() ([]byte, error) {
	j := metricsJSON{Trials: m.Trials, Accuracy: m.Accuracy, Loss: m.Loss, Kappa: m.Kappa, Confusion: m.Confusion, PerSubject: m.PerSubject}
	if math.IsNaN(m.AUC) {
		j.AUCNote = "the set holds trials of one class only"
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
	*m = Metrics{Trials: j.Trials, Accuracy: j.Accuracy, Loss: j.Loss, Kappa: j.Kappa, AUC: math.NaN(), Confusion: j.Confusion, PerSubject: j.PerSubject}
	if j.AUC != nil {
		m.AUC = *j.AUC
	}
	return nil
}

func isFinite32(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }
