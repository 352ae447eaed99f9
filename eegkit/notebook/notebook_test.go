package notebook

import (
	"testing"

	"github.com/eegkit/eegkit/eegkit"
)

func TestEnvironmentOverrides(t *testing.T) {
	for _, tc := range []struct {
		env, value string
		got        func() any
		want       any
	}{
		{"EEGKIT_EPOCHS", "", func() any { return Epochs(300) }, 300},
		{"EEGKIT_EPOCHS", "2", func() any { return Epochs(300) }, 2},
		{"EEGKIT_EPOCHS", "zero", func() any { return Epochs(300) }, 300},
		{"EEGKIT_EPOCHS", "-1", func() any { return Epochs(300) }, 300},
		{"EEGKIT_RUNS", "", func() any { return RunsDir("../runs/lab") }, "../runs/lab"},
		{"EEGKIT_RUNS", "/tmp/r", func() any { return RunsDir("../runs/lab") }, "/tmp/r"},
		{"EEGKIT_DATA", "/tmp/d", func() any { return DataDir("../data") }, "/tmp/d"},
	} {
		t.Setenv(tc.env, tc.value)
		if got := tc.got(); got != tc.want {
			t.Errorf("%s=%q: got %v, want %v", tc.env, tc.value, got, tc.want)
		}
	}
}

func TestProgressOutsideNotebook(t *testing.T) {
	cfg := eegkit.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 10}
	p := Progress(cfg)
	for e := 1; e <= 10; e++ {
		p(eegkit.EpochStats{Epoch: e, Seconds: 1.5})
	}
	if got := fmtDuration(3725); got != "1h02m" {
		t.Errorf("fmtDuration(3725) = %s", got)
	}
	if got := fmtDuration(119); got != "1m59s" {
		t.Errorf("fmtDuration(119) = %s, want 1m59s", got)
	}
	if got := fmtDuration(75); got != "1m15s" {
		t.Errorf("fmtDuration(75) = %s", got)
	}
}
