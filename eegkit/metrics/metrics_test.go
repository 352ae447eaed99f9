package metrics

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eegkit/eegkit/eegkit/eeg"
)

// TestROCAUCNeverLoops: a NaN score made the tie-grouping loop spin forever.
func TestROCAUCNeverLoops(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name   string
		scores []float64
		labels []int32
		want   float64 // NaN: undefined
	}{
		{"separable", []float64{-2, -1, 1, 2}, []int32{0, 0, 1, 1}, 1},
		{"reversed", []float64{2, 1, -1, -2}, []int32{0, 0, 1, 1}, 0},
		{"all tied", []float64{3, 3, 3, 3}, []int32{0, 1, 0, 1}, 0.5},
		{"NaN score", []float64{nan, 1, 2, nan}, []int32{0, 1, 0, 1}, nan},
		{"one class", []float64{1, 2, 3}, []int32{1, 1, 1}, nan},
		{"infinite scores", []float64{math.Inf(-1), math.Inf(1)}, []int32{0, 1}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan float64, 1)
			go func() { done <- ROCAUC(c.scores, c.labels) }()
			select {
			case got := <-done:
				if math.IsNaN(c.want) != math.IsNaN(got) || (!math.IsNaN(got) && got != c.want) {
					t.Errorf("AUC %g, want %g", got, c.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("rocAUC does not return")
			}
		})
	}
}

// TestUndefinedMetricsAreNull: a one-class evaluation set made the AUC NaN,
// which json refused, so no run.json was written.
func TestUndefinedMetricsAreNull(t *testing.T) {
	ds := &eeg.Dataset{Y: []int32{1, 1, 1}, Subject: []int{0, 0, 0}, Subjects: []string{"S"}}
	m := Score(ds, [][]float32{{0, 1}, {1, 0}, {0, 2}}, []int32{1, 0, 1})
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"auc":null`) || !strings.Contains(string(raw), "one class") {
		t.Errorf("JSON %s", raw)
	}
	var back Metrics
	if err := json.Unmarshal(raw, &back); err != nil || !math.IsNaN(back.AUC) || back.Accuracy != m.Accuracy {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	m2 := Score(&eeg.Dataset{Y: []int32{0, 1}}, [][]float32{{0, 1}, {1, 0}}, []int32{1, 0})
	raw, _ = json.Marshal(m2)
	if err := json.Unmarshal(raw, &back); err != nil || back.AUC != m2.AUC {
		t.Errorf("a defined AUC does not round-trip: %s", raw)
	}
	if !strings.Contains(m.String(), "ROC-AUC undefined") {
		t.Errorf("String: %s", m.String())
	}
}

func TestScore(t *testing.T) {
	ds := &eeg.Dataset{Y: []int32{0, 0, 1, 1}, Subject: []int{0, 1, 0, 1}, Subjects: []string{"A", "B"}}
	logits := [][]float32{{2, 0}, {0, 1}, {0, 3}, {0, 3}}
	m := Score(ds, logits, []int32{0, 1, 1, 1})
	if m.Accuracy != 0.75 || !reflect.DeepEqual(m.Confusion, [][]int{{1, 1}, {0, 2}}) || m.PerSubject["A"] != 1 || m.PerSubject["B"] != 0.5 {
		t.Errorf("metrics %+v", m)
	}
	// kappa: po = 0.75, pe = (2·1 + 2·3)/16 = 0.5 → 0.5. AUC: scores -2, 1, 3, 3 for labels 0, 0, 1, 1 → 1.
	if math.Abs(m.Kappa-0.5) > 1e-12 || m.AUC != 1 {
		t.Errorf("kappa %v, AUC %v; want 0.5, 1", m.Kappa, m.AUC)
	}
	for _, tc := range []struct {
		scores []float64
		labels []int32
		want   float64
	}{
		{[]float64{0.1, 0.4, 0.35, 0.8}, []int32{0, 0, 1, 1}, 0.75}, // scikit-learn's roc_auc_score example
		{[]float64{1, 1, 1, 1}, []int32{0, 1, 0, 1}, 0.5},
		{[]float64{3, 2, 1}, []int32{1, 0, 0}, 1},
		{[]float64{3, 2, 1}, []int32{0, 1, 1}, 0},
	} {
		if got := ROCAUC(tc.scores, tc.labels); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("rocAUC(%v, %v) = %v, want %v", tc.scores, tc.labels, got, tc.want)
		}
	}
	if !math.IsNaN(ROCAUC([]float64{1, 2}, []int32{1, 1})) {
		t.Error("AUC of one class is not NaN")
	}
	if k := CohenKappa([][]int{{10, 0}, {0, 10}}); k != 1 {
		t.Errorf("kappa of perfect predictions %v", k)
	}
}
