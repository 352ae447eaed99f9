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

// TestPathsRelativeToTheNotebook: the log and the saved figures name the run
// store as the notebook reaches it (../runs/lab/…), not by the absolute path
// an environment override gives, so that lines stay shorter than a cell's
// width, and a figure's two files are one name.
func TestPathsRelativeToTheNotebook(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(root+"/notebooks", 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root + "/notebooks")
	run := root + "/runs/lab/eegnet-elu-b12-lr0.0005-e300-s1-1197884cfc"
	out := captureStdout(t, func() { Logf("run %d of %d: saved to %s", 1, 6, run) })
	if want := "run 1 of 6: saved to ../runs/lab/eegnet-elu-b12-lr0.0005-e300-s1-1197884cfc\n"; out != want {
		t.Errorf("Logf printed %q, want %q", out, want)
	}
	if got := savedFiles([]string{root + "/runs/lab/figures/f9.png", root + "/runs/lab/figures/f9.svg"}); got != "../runs/lab/figures/f9.{png,svg}" {
		t.Errorf("saved files %q", got)
	}
	if got := savedFiles([]string{"/elsewhere/a.png", root + "/b.svg"}); got != "/elsewhere/a.png, ../b.svg" {
		t.Errorf("files of two stems: %q", got)
	}
}

// captureStdout returns what f prints to standard output.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	f()
	os.Stdout = stdout
	w.Close()
	raw, _ := io.ReadAll(r)
	return string(raw)
}
