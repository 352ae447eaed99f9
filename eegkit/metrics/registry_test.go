package metrics

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
)

// TestRegistry: the built-in metrics are registered and Score fills each;
// balanced accuracy is the mean recall; bad registrations are refused.
func TestRegistry(t *testing.T) {
	// 3 classes, unbalanced: class 0 has 4 trials (3 right), 1 has 2 (1 right), 2 has 1 (1 right).
	ds := &eeg.Dataset{Y: []int32{0, 0, 0, 0, 1, 1, 2}, Subject: make([]int, 7), Subjects: []string{"s"}, Shape: eeg.Shape{ClassNames: []string{"a", "b", "c"}}}
	pred := []int32{0, 0, 0, 1, 1, 0, 2}
	logits := make([][]float32, len(pred))
	for i, p := range pred {
		logits[i] = []float32{0, 0, 0}
		logits[i][p] = 1
	}
	m := Score(ds, logits, pred)
	for _, tc := range []struct {
		name string
		want float64
	}{
		{Accuracy, 5.0 / 7},
		{BalancedAccuracy, (3.0/4 + 1.0/2 + 1) / 3},
		{Kappa, CohenKappa(m.Confusion)},
		{AUC, macroAUC(logits, ds.Y)},
	} {
		if got := m.Value(tc.name); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !math.IsNaN(m.Value("nonexistent")) {
		t.Error("an unknown metric's value is not NaN")
	}
	var names []string
	for _, e := range Reported() {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "accuracy,kappa,auc" {
		t.Errorf("reported metrics %v", names)
	}
	for _, bad := range []Metric{
		{Name: Kappa, Compute: balancedAccuracy},
		{Name: "has space", Compute: balancedAccuracy},
		{Name: "nofunc"},
	} {
		if msg := registerPanics(bad); !strings.HasPrefix(msg, "metrics.Register") {
			t.Errorf("Register(%q) accepted (panic %q)", bad.Name, msg)
		}
	}
	if _, err := Lookup("f1"); err == nil || !strings.Contains(err.Error(), "use accuracy, kappa, auc, balanced_accuracy") {
		t.Errorf("Lookup: %v", err)
	}
	acc, _ := Lookup(Accuracy)
	kappa, _ := Lookup(Kappa)
	if acc.Format(0.83333) != "83.33 %" || kappa.Format(0.6666) != "0.667" || kappa.Format(math.NaN()) != "–" {
		t.Errorf("Format: %q %q %q", acc.Format(0.83333), kappa.Format(0.6666), kappa.Format(math.NaN()))
	}
}

// registerPanics registers m and returns what Register panicked with ("" if
// it did not).
func registerPanics(m Metric) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	Register(m)
	registry = registry[:len(registry)-1] // it was accepted: take it out again
	return ""
}
