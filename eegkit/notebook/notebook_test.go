package notebook

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/train"
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
	for _, c := range []struct {
		cfg  train.TrainConfig
		want string
	}{
		{train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 10}, "run 2 of 6 · eegnet/elu · epoch 10/10 · loss 0.0000 · train 50.0% · test 25.0%"},
		{train.TrainConfig{Model: "shallowfbcspnet", Epochs: 10}, "run 2 of 6 · shallowfbcspnet · epoch 10/10 ·"}, // no activation, no slash
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout := os.Stdout
		os.Stdout = w
		p := Progress(c.cfg, 2, 6)
		for e := 1; e <= 10; e++ {
			p(train.EpochStats{Epoch: e, Seconds: 1.5, TrainAcc: 0.5, TestAcc: 0.25})
		}
		os.Stdout = stdout
		w.Close()
		out, _ := io.ReadAll(r)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 10 { // every tenth of the run
			t.Fatalf("got %d lines, want 10:\n%s", len(lines), out)
		}
		if !strings.HasPrefix(lines[9], c.want) {
			t.Errorf("last line %q, want it to start with %q", lines[9], c.want)
		}
	}
}

func TestProgressHTML(t *testing.T) {
	got := progressHTML("run 1 of 2 · <eegnet>", "loss 1", 21, 300)
	for _, want := range []string{`<progress value="21" max="300"`, "</progress> 7%", "run 1 of 2 · &lt;eegnet&gt;", "loss 1</div>"} {
		if !strings.Contains(got, want) {
			t.Errorf("progressHTML lacks %q: %s", want, got)
		}
	}
}

func TestFmtDuration(t *testing.T) {
	for _, tc := range []struct {
		s    float64
		want string
	}{{59.4, "59s"}, {75, "1m15s"}, {119, "1m59s"}, {3725, "1h02m"}} {
		if got := fmtDuration(tc.s); got != tc.want {
			t.Errorf("fmtDuration(%g) = %s, want %s", tc.s, got, tc.want)
		}
	}
}
